package dialog

import (
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
