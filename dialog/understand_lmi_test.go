package dialog

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/careersbot/careersbot/lmi"
)

// The real LMI path: the embedded store's own occupation and place search.

func ucRealStore(t testing.TB) lmi.Store {
	t.Helper()
	s, err := lmi.LoadEmbedded()
	if err != nil {
		t.Fatalf("embedded LMI store: %v", err)
	}
	return s
}

func TestUnderstandDevSetRealStore(t *testing.T) {
	path := filepath.Join(ucSharedDir(t), "eval", "dev.jsonl")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("dev set not found (%v): set CAREERSBOT_SHARED to the shared folder", err)
	}
	acc := ucAccuracy(t, NewUnderstander(ucRealStore(t)), ucReadCases(t, path))
	t.Logf("dev.jsonl (embedded store): intent accuracy %.3f", acc)
	if acc < 0.97 {
		t.Errorf("intent accuracy %.3f < 0.97", acc)
	}
}

func TestUnderstandOwnCasesRealStore(t *testing.T) {
	cases := ucReadCases(t, filepath.Join("testdata", "understanding", "cases.jsonl"))
	acc := ucAccuracy(t, NewUnderstander(ucRealStore(t)), cases)
	t.Logf("own cases (embedded store): intent accuracy %.3f over %d", acc, len(cases))
	if acc < 0.93 {
		t.Errorf("intent accuracy %.3f < 0.93", acc)
	}
}

func BenchmarkUnderstandRealStore(b *testing.B) {
	u := NewUnderstander(ucRealStore(b))
	msgs := []string{"how much do nurses earn a year", "i'm 15 and i like animals what jobs could i do", "hello", "electrician or carpenter", "what are the highest paid jobs in london"}
	ctx := context.Background()
	for _, m := range msgs {
		_ = u.Understand(ctx, m) // warm the store's lazy tables
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = u.Understand(ctx, msgs[i%len(msgs)])
	}
}
