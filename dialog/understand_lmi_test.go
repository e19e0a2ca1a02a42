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
	cases := ucOwnCases(t)
	acc := ucAccuracy(t, NewUnderstander(ucRealStore(t)), cases)
	t.Logf("own cases (embedded store): intent accuracy %.3f over %d", acc, len(cases))
	if acc < 0.98 {
		t.Errorf("intent accuracy %.3f < 0.98", acc)
	}
}

// BenchmarkUnderstandRealStore runs the whole understanding of a turn, the embedded
// store's occupation and place search included, over every labelled utterance in
// testdata (a realistic mix of lengths and intents).
func BenchmarkUnderstandRealStore(b *testing.B) {
	u := NewUnderstander(ucRealStore(b))
	cases := ucOwnCases(b)
	ctx := context.Background()
	for _, c := range cases {
		_ = u.Understand(ctx, c.Text) // warm the store's lazy tables
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = u.Understand(ctx, cases[i%len(cases)].Text)
	}
}
