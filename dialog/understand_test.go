package dialog

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// ucSharedDir finds /work/shared: $CAREERSBOT_SHARED, else ../shared from the module root.
func ucSharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("CAREERSBOT_SHARED"); d != "" {
		return d
	}
	d, err := filepath.Abs(filepath.Join("..", "..", "shared"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type ucCase struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Intent string `json:"intent"`
	Age    int    `json:"age"`
}

func ucReadCases(t testing.TB, path string) []ucCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []ucCase
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var c ucCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ucAccuracy runs cases through u and returns the share whose intent is right, logging misses.
func ucAccuracy(t *testing.T, u *Understander, cases []ucCase) float64 {
	t.Helper()
	ok := 0
	for _, c := range cases {
		got := u.Understand(context.Background(), c.Text)
		if got.Intent == c.Intent {
			ok++
		} else {
			t.Logf("miss %q: got %s (want %s) cues=%v occ=%d", c.Text, got.Intent, c.Intent, got.Cues, len(got.Occupations))
		}
	}
	return float64(ok) / float64(len(cases))
}

func TestUnderstandOwnCases(t *testing.T) {
	cases := ucReadCases(t, filepath.Join("testdata", "understanding", "cases.jsonl"))
	if len(cases) < 150 {
		t.Fatalf("only %d cases, want 150+", len(cases))
	}
	acc := ucAccuracy(t, NewUnderstander(newUCFakeStore()), cases)
	t.Logf("own cases (fake store): intent accuracy %.3f over %d", acc, len(cases))
	if acc < 0.93 {
		t.Errorf("intent accuracy %.3f < 0.93", acc)
	}
}

func TestUnderstandDevSetFakeStore(t *testing.T) {
	path := filepath.Join(ucSharedDir(t), "eval", "dev.jsonl")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("dev set not found (%v): set CAREERSBOT_SHARED to the shared folder", err)
	}
	acc := ucAccuracy(t, NewUnderstander(newUCFakeStore()), ucReadCases(t, path))
	t.Logf("dev.jsonl (fake store): intent accuracy %.3f", acc)
	if acc < 0.95 {
		t.Errorf("intent accuracy %.3f < 0.95", acc)
	}
}
