package nlu

import (
	"bytes"
	"io/fs"
	"path"
	"testing"
)

// TestEmbeddedModelsInPlace: every committed model file is served in place by
// LoadDefault, byte for byte the file's content.
func TestEmbeddedModelsInPlace(t *testing.T) {
	emb, ok := Default().(embeddedData)
	if !ok {
		t.Fatalf("Default() is a %T, want embeddedData", Default())
	}
	d, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(emb, "*.model")
	if err != nil || len(files) == 0 {
		t.Fatalf("no model files: %v", err)
	}
	for _, f := range files {
		want, err := fs.ReadFile(emb, f)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := emb.model(path.Base(f))
		if !ok {
			t.Errorf("%s: not served in place (add it to embeddedData.model)", f)
			continue
		}
		if !bytes.Equal(got, want) || !bytes.Equal(d.Models[f], want) {
			t.Errorf("%s: in-place bytes differ from the file", f)
		}
	}
	if _, ok := emb.model("other.model"); ok {
		t.Error("an unknown model name was served")
	}
}
