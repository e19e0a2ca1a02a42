package dialog

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/dialog/nlu"
)

// TestLearnedKFold measures the learned classifier on examples it was not trained on
// (5-fold over the own examples, read with the embedded LMI store). Run with -v to see the
// figures; `careersbot nlu kfold` prints the same.
func TestLearnedKFold(t *testing.T) {
	if testing.Short() {
		t.Skip("k-fold training in -short mode")
	}
	r := KFold(context.Background(), ucRealStore(t), DefaultNLU(), 5)
	t.Logf("%d-fold over %d own examples: classifier alone %.3f, cues + classifier %.3f", r.K, r.N, r.Alone, r.Combined)
	if r.Alone < 0.85 {
		t.Errorf("classifier alone %.3f < 0.85 on held-out examples", r.Alone)
	}
}

// TestCommittedModelUpToDate retrains the intent classifier from the embedded examples
// and checks nlu/data/intents.model is exactly that model, so the service can load it
// instead of training at start.
func TestCommittedModelUpToDate(t *testing.T) {
	files, err := TrainModels(ucRealStore(t), DefaultNLU())
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range files {
		have, err := os.ReadFile("nlu/data/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, have) {
			t.Errorf("dialog/nlu/data/%s is out of date (%d bytes, retrained %d): run make nlu (careersbot nlu train --out dialog/nlu/data)", name, len(have), len(got))
		}
	}
	if !DefaultNLU().HasModelFile() || !DefaultNLU().HasSafeguardingModelFile() {
		t.Fatal("the committed models are not used")
	}
}

func TestModelFileRoundTrip(t *testing.T) {
	u := NewUnderstander(newUCFakeStore())
	l := trainLearned(u, DefaultNLU().Data.Intents, DefaultNLU().Data.Terms)
	b, err := l.clf.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	c, err := nlu.UnmarshalClassifier(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := c.MarshalBinary()
	if !bytes.Equal(b, b2) {
		t.Fatal("model changed on a round trip")
	}
	feats := ucFeatures(ucNormalise("how much do plumbers earn"), 0, nil, nil)
	p1, p2 := l.clf.Probs(feats, nil), c.Probs(feats, nil)
	for i := range p1 {
		if d := p1[i] - p2[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("class %d: %v trained, %v read back", i, p1[i], p2[i])
		}
	}
	for _, bad := range [][]byte{nil, []byte("not a model"), b[:len(b)/2]} {
		if _, err := nlu.UnmarshalClassifier(bad); err == nil {
			t.Errorf("a broken model file (%d bytes) was read", len(bad))
		}
	}
}

// TestLearnedTrainTime reports how long training at load takes (not asserted).
func TestLearnedTrainTime(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	start := time.Now()
	l := trainLearned(u, DefaultNLU().Data.Intents, DefaultNLU().Data.Terms)
	t.Logf("trained on %d classes, %d features in %v", len(l.clf.Classes), l.clf.Features(), time.Since(start))
}

// TestTopicSlot: a school subject or interest counts as TOPIC in word pairs, so two
// messages that differ only in the subject share every pair; words the cues use (money)
// stay themselves.
func TestTopicSlot(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct {
		a, b  string
		share bool // every pair feature of a is one of b
	}{
		{"which jobs use biology", "which jobs use chemistry", true},
		{"what can i do with maths", "what can i do with history", true},
		{"i love animals what jobs", "i love gaming what jobs", true},
		{"jobs with good money", "jobs with good biology", false},
	}
	for _, tt := range tests {
		pairs := func(s string) map[string]bool {
			names := map[uint64]string{}
			ucSlotFeatures(ucNormalise(s), 0, u.topics, nil, names)
			out := map[string]bool{}
			for _, n := range names {
				if strings.HasPrefix(n, "pair:") {
					out[n] = true
				}
			}
			return out
		}
		pa, pb := pairs(tt.a), pairs(tt.b)
		same := len(pa) == len(pb)
		for p := range pa {
			same = same && pb[p]
		}
		if same != tt.share {
			t.Errorf("%q / %q: pairs shared %v, want %v (%v / %v)", tt.a, tt.b, same, tt.share, pa, pb)
		}
	}
}
