package dialog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/careersbot/careersbot/dialog/nlu"
)

// The learned safeguarding net: a multinomial logistic regression over the message's
// normalised words (the same features as the intent classifier, without job or place
// slots: the gate runs before anything else), trained from the safeguarding categories'
// examples against the safe examples and every careers example. It never escalates on its
// own: when it puts the message at risk with probability >= sgLearnedRisk and no pattern
// matched, the message gets a tier-2 check-in (category SafeguardPossibleRisk).

// sgLearnedRisk is the least probability of risk (1 - p(safe)) for a tier-2 check-in,
// picked by 5-fold cross-validation (TestSafeguardingKFold): 0.6 keeps 89% of held-out
// disclosures the classifier sees alone, checking in on 2.5% of held-out safe messages.
const sgLearnedRisk = 0.6

// The safeguarding classifier's classes: no sign of risk, or possible risk. A tier-2
// flag from the classifier alone has category SafeguardPossibleRisk.
const (
	sgSafeClass           = "safe"
	sgRiskClass           = "risk"
	SafeguardPossibleRisk = "possible_risk"
)

// sgModelFile is the name of the committed safeguarding classifier beside the YAML.
const sgModelFile = "safeguarding.model"

// sgLearned is the trained safeguarding classifier.
type sgLearned struct {
	clf  *nlu.Classifier
	safe int
}

// trainSafeguarding trains the safeguarding classifier of d, or reads the committed one
// when it was trained from exactly these examples.
func trainSafeguarding(d *nlu.Data) *sgLearned {
	hash := sgExamplesHash(d)
	if raw := d.Models[sgModelFile]; raw != nil {
		if clf, err := nlu.UnmarshalClassifier(raw); err == nil && clf.DataHash == hash {
			return &sgLearned{clf: clf, safe: clf.ClassIndex(sgSafeClass)}
		}
	}
	// two classes: a category is named by the patterns; the classifier says only whether
	// a message may show risk (smaller and faster than one class per category)
	classes := []string{sgSafeClass, sgRiskClass}
	var samples []nlu.Sample
	addSafe := func(text string) {
		samples = append(samples, nlu.Sample{Feats: ucFeatures(ucNormalise(text), 0, nil, nil), Class: 0})
	}
	for _, c := range d.Safeguarding {
		for _, e := range c.Examples {
			samples = append(samples, nlu.Sample{Feats: ucFeatures(ucNormalise(e.Text), 0, nil, nil), Class: 1})
		}
	}
	if len(samples) == 0 {
		return nil
	}
	for _, e := range d.SafeExamples {
		addSafe(e.Text)
	}
	for _, in := range d.Intents {
		if in.Name == IntentSafeguarding {
			continue
		}
		for _, e := range in.Examples {
			addSafe(e.Text)
		}
	}
	clf := nlu.Train(classes, samples, nil, nlu.TrainOptions{Seed: 2, MinCount: 2})
	clf.DataHash = hash
	return &sgLearned{clf: clf, safe: 0}
}

// sgExamplesHash identifies the examples the safeguarding classifier is trained from.
func sgExamplesHash(d *nlu.Data) string {
	h := sha256.New()
	h.Write([]byte(ucFeatureVersion + "/safeguarding"))
	for _, c := range d.Safeguarding {
		for _, e := range c.Examples {
			fmt.Fprintf(h, "\x00%s\x00%s", c.Name, e.Text)
		}
	}
	for _, e := range d.SafeExamples {
		fmt.Fprintf(h, "\x00safe\x00%s", e.Text)
	}
	for _, in := range d.Intents {
		if in.Name == IntentSafeguarding {
			continue
		}
		for _, e := range in.Examples {
			fmt.Fprintf(h, "\x00safe\x00%s", e.Text)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// risk returns the probability that the message shows a risk.
func (l *sgLearned) risk(toks []ucToken) float64 {
	if l == nil || len(toks) == 0 {
		return 0
	}
	var fbuf [ucMaxFeatures]uint64
	var pbuf [24]float64
	feats := fbuf[:0]
	if len(toks) > ucMaxFeatures/8 {
		toks = toks[:ucMaxFeatures/8] // a long message: its start (the patterns read it all)
	}
	p := l.clf.Probs(ucFeatures(toks, 0, feats, nil), pbuf[:0])
	return 1 - p[l.safe]
}

// gate runs the safeguarding gate at both tiers over normalised tokens of text: a tier-1
// pattern; else a tier-2 pattern; else the classifier's tier-2 flag (possible risk).
func (m *NLU) gate(text string, toks []ucToken) *SafeguardingFlag {
	if f := m.sg.check(text, toks, 2); f != nil {
		return f
	}
	if m.sgLearned.risk(toks) >= sgLearnedRisk {
		return &SafeguardingFlag{Category: SafeguardPossibleRisk, Tier: 2}
	}
	return nil
}
