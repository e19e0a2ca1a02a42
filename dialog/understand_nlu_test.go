package dialog

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/dialog/nlu"
)

// copyNLU copies the embedded NLU files into dir/nlu, without the committed model (an
// edited copy is retrained at load).
func copyNLU(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "nlu")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	err := fs.WalkDir(nlu.Default(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) == ".model" {
			return err
		}
		b, err := fs.ReadFile(nlu.Default(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAddedExampleIsUnderstood: a careers service adds examples of a new phrasing to a
// copy of the NLU files, and the engine (rules dir/nlu) understands it after a reload,
// without a rebuild; a broken edit afterwards keeps the understanding in use.
func TestAddedExampleIsUnderstood(t *testing.T) {
	const msg = "electrician bread?"
	dir := t.TempDir()
	good, _ := os.ReadFile(filepath.Join("testdata", "rules", "good", "rules.yaml"))
	if err := os.WriteFile(filepath.Join(dir, "rules.yaml"), good, 0o644); err != nil {
		t.Fatal(err)
	}
	nluDir := copyNLU(t, dir)
	e := testEngine(t, Options{RulesDir: dir})
	ctx := context.Background()
	if got := e.Understand(ctx, msg); got.Intent == IntentPay {
		t.Fatalf("%q is already understood as pay (cues %v): pick a phrasing it does not know", msg, got.Cues)
	}
	// "bread" is slang for money: teach it with examples only, no cue
	f, err := os.OpenFile(filepath.Join(nluDir, "slang.yaml"), os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("intents:\n  - intent: pay\n    examples:\n      - chef bread\n      - nurse bread?\n      - bread for a vet\n      - whats the bread for a dentist\n      - plumber bread\n      - is the bread good for teachers\n      - lorry driver bread\n      - bread as a barber\n")
	f.Close()
	if changed, err := e.Reload(); !changed || err != nil {
		t.Fatalf("reload: changed=%v err=%v", changed, err)
	}
	got := e.Understand(ctx, msg)
	if got.Intent != IntentPay {
		t.Fatalf("after adding examples %q is %s (cues %v), want pay", msg, got.Intent, got.Cues)
	}
	// a broken edit: the error names the file and line, the understanding stays
	os.WriteFile(filepath.Join(nluDir, "broken.yaml"), []byte("intents:\n  - intent: pay\n    cues:\n      - {pattern: \"* wage\", weight: 2}\n"), 0o644)
	if changed, err := e.Reload(); changed || err == nil || !strings.Contains(err.Error(), "broken.yaml:4:") {
		t.Fatalf("broken edit: changed=%v err=%v, want an error at broken.yaml:4", changed, err)
	}
	if got := e.Understand(ctx, msg); got.Intent != IntentPay {
		t.Fatalf("after a broken edit %q is %s, want the previous understanding (pay)", msg, got.Intent)
	}
}

func TestCompileNLUErrors(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"intents:\n  - intent: salary\n    cues:\n      - {pattern: pay, weight: 2}\n", `x.yaml:2:5: unknown intent "salary"`},
		{"intents:\n  - intent: pay\n    cues:\n      - {pattern: \"pay|* wage\", weight: 2}\n", `x.yaml:4:19: pattern "* wage" must start with a plain word`},
		{"safeguarding:\n  - category: sexting\n    patterns:\n      - \"send|\"\n", `x.yaml:4:9: empty alternative`},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "x.yaml"), []byte(tt.yaml), 0o644)
		_, err := LoadNLU(dir)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("got %v, want %q", err, tt.want)
		}
	}
}

// BenchmarkLoadNLU measures loading the embedded NLU data (YAML, cue patterns, the
// committed models) and building an Understander on the embedded LMI store: the work a
// start or a hot reload of the rules does.
func BenchmarkLoadNLU(b *testing.B) {
	store := ucRealStore(b)
	b.ReportAllocs()
	for b.Loop() {
		m, err := LoadNLUFS(nlu.Default(), "nlu")
		if err != nil {
			b.Fatal(err)
		}
		if u := NewUnderstanderNLU(store, m); u.learned == nil {
			b.Fatal("no learned classifier")
		}
	}
}
