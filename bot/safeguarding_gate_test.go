package bot

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/dialog/nlu"
	"github.com/careersbot/careersbot/lmi"
)

// TestGateUsesLoadedNLU: the service's safeguarding gate reads the engine's NLU data
// (rules dir/nlu), not the embedded copy: a pattern a careers service adds to its
// safeguarding file flags a message while an adviser's queue holds the conversation
// (the engine is quiet then, only the service's gate reads it), after a hot reload and
// without a rebuild.
func TestGateUsesLoadedNLU(t *testing.T) {
	const msg = "the zorblax crew are waiting for me by the bins"
	if f := dialog.CheckSafeguarding(msg); f != nil {
		t.Fatalf("%q already flagged by the embedded data (%+v): pick a phrase it does not know", msg, f)
	}
	dir := t.TempDir()
	// the default rules, and a copy of the NLU files without the committed models (an
	// edited copy is retrained at load)
	if err := os.CopyFS(dir, dialog.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	nluDir := filepath.Join(dir, "nlu")
	os.MkdirAll(nluDir, 0o755)
	err := fs.WalkDir(nlu.Default(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) == ".model" {
			return err
		}
		b, err := fs.ReadFile(nlu.Default(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(nluDir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := lmi.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := dialog.New(st, dialog.Options{RulesDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "careersbot.db")}
	if h.store, err = OpenSQLiteStorage(h.ctx(), h.path); err != nil {
		t.Fatal(err)
	}
	h.svc = New(h.store, eng, Options{}) // Check left to the default
	h.svc.Start()
	t.Cleanup(h.close)

	queue := func(conv string) {
		if r := h.send(conv, Message{Text: "can I talk to a real person"}); r.State != StateQueued {
			t.Fatalf("not queued: %s", r.State)
		}
	}
	queue("before")
	h.send("before", Message{Text: msg})
	if h.conv("test:before").Flagged {
		t.Fatalf("flagged before the pattern was added")
	}

	path := filepath.Join(nluDir, "safeguarding.yaml")
	b, _ := os.ReadFile(path)
	const anchor = "  - category: danger\n    tier: 1\n    patterns:\n"
	if !strings.Contains(string(b), anchor) {
		t.Fatalf("safeguarding.yaml has no danger category to extend")
	}
	b = []byte(strings.Replace(string(b), anchor, anchor+"      - {pattern: \"zorblax crew * waiting for me\"}\n", 1))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if changed, err := eng.Reload(); !changed || err != nil {
		t.Fatalf("reload: changed=%v err=%v", changed, err)
	}
	queue("after")
	h.send("after", Message{Text: msg})
	c := h.conv("test:after")
	if !c.Flagged {
		t.Fatalf("not flagged after the pattern was added and reloaded: actions %q", h.actions("test:after"))
	}
	if q := h.svc.Queue(); len(q) == 0 || q[0].Key != "test:after" || !q[0].Priority {
		t.Errorf("flagged conversation is not first with priority: %+v", q)
	}
	// the embedded gate still does not know it: the service used the loaded data
	if f := dialog.CheckSafeguarding(msg); f != nil {
		t.Errorf("embedded gate changed: %+v", f)
	}
}
