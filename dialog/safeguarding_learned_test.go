package dialog

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/dialog/nlu"
)

func TestSafeguardingTrainTime(t *testing.T) {
	d, err := nlu.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	delete(d.Models, sgModelFile)
	start := time.Now()
	l := trainSafeguarding(d)
	el := time.Since(start)
	b, _ := l.clf.MarshalBinary()
	t.Logf("safeguarding classifier: %d classes, %d features (%d bytes), trained in %v", len(l.clf.Classes), l.clf.Features(), len(b), el)
}

func BenchmarkSafeguardingTrain(b *testing.B) {
	d, _ := nlu.LoadDefault()
	delete(d.Models, sgModelFile)
	for b.Loop() {
		trainSafeguarding(d)
	}
}

// TestSafeguardingKFold measures the safeguarding classifier on held-out examples
// (5-fold): how many disclosures it puts at risk, and how many safe messages it would
// check in on, at several thresholds. Run with -v to see the table.
func TestSafeguardingKFold(t *testing.T) {
	if testing.Short() {
		t.Skip("k-fold training in -short mode")
	}
	d, err := nlu.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	d.Models = nil
	ths := []float64{0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
	const k = 5
	var nRisk, nSafe, nSuicide, nOther int
	hitR := make([]int, len(ths))
	hitS := make([]int, len(ths))
	// tier 1 by the classifier alone: held-out suicide examples at p(suicide) >= th, and
	// held-out safe messages and other categories' examples there too
	sui := make([]int, len(ths))
	suiSafe := make([]int, len(ths))
	suiOther := make([]int, len(ths))
	for fold := 0; fold < k; fold++ {
		tr := *d
		tr.Safeguarding = nil
		tr.SafeExamples = nil
		tr.Intents = nil
		var testRisk, testSafe []string
		n := 0
		split := func(ex []nlu.Example, test *[]string) []nlu.Example {
			var keep []nlu.Example
			for _, e := range ex {
				if n%k == fold {
					*test = append(*test, e.Text)
				} else {
					keep = append(keep, e)
				}
				n++
			}
			return keep
		}
		var testSuicide, testOther []string
		for _, c := range d.Safeguarding {
			before := len(testRisk)
			c.Examples = split(c.Examples, &testRisk)
			if c.Name == SafeguardSuicide {
				testSuicide = append(testSuicide, testRisk[before:]...)
			} else {
				testOther = append(testOther, testRisk[before:]...)
			}
			tr.Safeguarding = append(tr.Safeguarding, c)
		}
		tr.SafeExamples = split(d.SafeExamples, &testSafe)
		for _, in := range d.Intents {
			if in.Name != IntentSafeguarding {
				in.Examples = split(in.Examples, &testSafe)
			}
			tr.Intents = append(tr.Intents, in)
		}
		l := trainSafeguarding(&tr)
		for _, s := range testRisk {
			nRisk++
			p := l.risk(ucNormalise(s))
			for i, th := range ths {
				if p >= th {
					hitR[i]++
				}
			}
		}
		for _, s := range testSafe {
			nSafe++
			p, su := l.scores(ucNormalise(s))
			for i, th := range ths {
				if p >= th {
					hitS[i]++
				}
				if su >= th {
					suiSafe[i]++
				}
			}
		}
		count := func(texts []string, n *int, hits []int) {
			for _, s := range texts {
				*n++
				_, su := l.scores(ucNormalise(s))
				for i, th := range ths {
					if su >= th {
						hits[i]++
					}
				}
			}
		}
		count(testSuicide, &nSuicide, sui)
		count(testOther, &nOther, suiOther)
	}
	for i, th := range ths {
		t.Logf("suicide >= %.1f: %d/%d held-out suicide examples, %d/%d other disclosures, %d/%d safe messages",
			th, sui[i], nSuicide, suiOther[i], nOther, suiSafe[i], nSafe)
	}
	for i, th := range ths {
		t.Logf("risk >= %.1f: %d/%d held-out disclosures, %d/%d held-out safe messages", th, hitR[i], nRisk, hitS[i], nSafe)
	}
}

func TestSafeguardingRiskOf(t *testing.T) {
	l := DefaultNLU().sgLearned
	for _, s := range []string{"i live in manchester", "how much do nurses earn", "he keeps asking for a dirty pic", "my parents said they will chuck me out at 16"} {
		t.Logf("%.3f %s", l.risk(ucNormalise(s)), s)
	}
}

// sgBlindRows reads every blind safeguarding row and the blind careers questions (as
// "no" rows): the texts the stability test decides on.
func sgBlindRows(t testing.TB) []string {
	t.Helper()
	var texts []string
	for _, f := range []string{"safeguarding.tsv", "safeguarding2.tsv", "safeguarding3.tsv", "safeguarding4.tsv", "ordinary.tsv"} {
		b, err := os.ReadFile(filepath.Join("testdata", "blind", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
			texts = append(texts, strings.SplitN(line, "\t", 3)[2])
		}
	}
	for _, f := range []string{"intents.jsonl", "intents2.jsonl", "intents3.jsonl"} {
		b, err := os.ReadFile(filepath.Join("testdata", "blind", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var r struct{ Text string }
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			texts = append(texts, r.Text)
		}
	}
	return texts
}

// TestSafeguardingStability retrains the safeguarding classifier without a tenth of its
// examples (five different tenths) and counts the blind rows whose gate decision (none,
// tier 2, tier 1) changes against the classifier trained on them all: for one classifier
// and for the committee the gate uses (sgCommittee). The committee must move fewer.
func TestSafeguardingStability(t *testing.T) {
	if testing.Short() {
		t.Skip("retrains the classifier 36 times")
	}
	d, err := nlu.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	d.Models = nil
	base := DefaultNLU()
	texts := sgBlindRows(t)
	decide := func(l *sgLearned) []int {
		m := &NLU{Data: d, cues: base.cues, sg: base.sg, terms: base.terms, sgLearned: l}
		out := make([]int, len(texts))
		for i, s := range texts {
			if f := m.gate(s, ucNormaliseMax(s, sgMaxText)); f != nil {
				out[i] = f.Tier
			}
		}
		return out
	}
	drop := func(part int) *nlu.Data {
		dd := *d
		n := 0
		thin := func(ex []nlu.Example) []nlu.Example {
			var keep []nlu.Example
			for _, e := range ex {
				if n%10 != part {
					keep = append(keep, e)
				}
				n++
			}
			return keep
		}
		dd.Safeguarding = nil
		for _, c := range d.Safeguarding {
			c.Examples = thin(c.Examples)
			dd.Safeguarding = append(dd.Safeguarding, c)
		}
		dd.SafeExamples = thin(d.SafeExamples)
		dd.Intents = nil
		for _, in := range d.Intents {
			in.Examples = thin(in.Examples)
			dd.Intents = append(dd.Intents, in)
		}
		return &dd
	}
	flips := map[int]int{}
	for _, members := range []int{1, sgCommittee} {
		full := decide(trainSafeguardingN(d, members))
		for part := 0; part < 5; part++ {
			got := decide(trainSafeguardingN(drop(part), members))
			for i := range got {
				if got[i] != full[i] {
					flips[members]++
				}
			}
		}
		t.Logf("%d classifier(s): %d decisions of %d blind rows x 5 retrainings changed", members, flips[members], len(texts))
	}
	if flips[sgCommittee] >= flips[1] {
		t.Errorf("the committee of %d changed %d decisions, one classifier %d: want fewer", sgCommittee, flips[sgCommittee], flips[1])
	}
}
