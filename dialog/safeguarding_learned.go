package dialog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/careersbot/careersbot/dialog/nlu"
)

// The learned safeguarding net: a multinomial logistic regression over the message's
// normalised words (the same features as the intent classifier, without job or place
// slots: the gate runs before anything else), trained from the safeguarding categories'
// examples against the safe examples and every careers example, in three classes: safe,
// suicide (thoughts of suicide, passive ones too: "want to not exist", "everyone would be
// better off") and any other risk. The tier decision:
//   - no pattern matched and p(suicide) >= sgLearnedSuicide: tier 1, suicide. A
//     "pressuring you?" check-in does not fit someone who does not want to exist; the
//     helplines and an adviser do (issue 9: passive suicidal ideation is tier 1);
//   - else risk (1 - p(safe)) >= sgLearnedRisk: a tier-2 check-in (SafeguardPossibleRisk);
//   - a tier-1 pattern in a careers question the classifier is sure is safe (risk <
//     sgLearnedVeto: "what does a dietitian do, im interested in eating disorder
//     treatment") is checked in on at tier 2 instead of escalated.

// sgLearnedRisk is the least probability of risk (1 - p(safe)) for a tier-2 check-in,
// picked by 5-fold cross-validation (TestSafeguardingKFold): 0.6 keeps 89% of held-out
// disclosures the classifier sees alone, checking in on 2.5% of held-out safe messages.
const sgLearnedRisk = 0.6

// sgLearnedSuicide is the least probability of the suicide class for a tier-1
// escalation by the classifier alone, picked by 5-fold cross-validation
// (TestSafeguardingKFold logs the table).
const sgLearnedSuicide = 0.6

// sgLearnedVeto is the risk under which a careers question's tier-1 pattern match is
// only checked in on.
const sgLearnedVeto = 0.05

// The safeguarding classifier's classes: no sign of risk, thoughts of suicide, or
// another possible risk. A tier-2 flag from the classifier alone has category
// SafeguardPossibleRisk.
const (
	sgSafeClass           = "safe"
	sgRiskClass           = "risk"
	sgSuicideClass        = SafeguardSuicide
	SafeguardPossibleRisk = "possible_risk"
)

// sgModelFile is the name of the committed safeguarding classifier beside the YAML.
const sgModelFile = "safeguarding.model"

// sgLearned is the trained safeguarding classifier.
type sgLearned struct {
	clf           *nlu.Classifier
	safe, suicide int
	concepts      *sgConcepts // the concepts read as features and the concept rules (nil: none)
}

// sgFeatures appends the classifier's features of toks to dst: the word features of
// the intent classifier (without slots) and the concept features.
func (l *sgLearned) sgFeatures(toks []ucToken, dst []uint64, names map[uint64]string) []uint64 {
	return l.sgFeaturesM(toks, nil, dst, names)
}

// sgFeaturesM is sgFeatures with the tokens' concept masks when known (nil: looked up).
func (l *sgLearned) sgFeaturesM(toks []ucToken, ms []uint64, dst []uint64, names map[uint64]string) []uint64 {
	dst = ucFeatures(toks, 0, dst, names)
	if l != nil {
		dst = l.concepts.features(toks, ms, dst, names)
	}
	return dst
}

// conceptMasks returns the concept masks of toks in buf, or nil when there are no
// concepts or toks is longer than buf (the readers look them up then).
func (l *sgLearned) conceptMasks(toks []ucToken, buf []uint64) []uint64 {
	if l == nil || l.concepts == nil || len(toks) > cap(buf) {
		return nil
	}
	return l.concepts.masks(toks, buf[:0])
}

// trainSafeguarding trains the safeguarding classifier of d, or reads the committed one
// when it was trained from exactly these examples.
func trainSafeguarding(d *nlu.Data) *sgLearned {
	return trainSafeguardingN(d, sgCommittee)
}

// trainSafeguardingN is trainSafeguarding with a committee of n classifiers.
func trainSafeguardingN(d *nlu.Data, n int) *sgLearned {
	hash := sgExamplesHash(d)
	concepts := newSgConcepts(d)
	if raw := d.Models[sgModelFile]; raw != nil {
		if clf, err := nlu.UnmarshalClassifier(raw); err == nil && clf.DataHash == hash {
			return &sgLearned{clf: clf, safe: clf.ClassIndex(sgSafeClass), suicide: clf.ClassIndex(sgSuicideClass), concepts: concepts}
		}
	}
	fl := &sgLearned{concepts: concepts}
	// three classes: other categories are named by the patterns; the classifier says
	// whether a message may show risk, and whether it is suicide, which is tier 1 (smaller
	// and faster than one class per category)
	classes := []string{sgSafeClass, sgRiskClass, sgSuicideClass}
	var samples []nlu.Sample
	addSafe := func(text string) {
		samples = append(samples, nlu.Sample{Feats: fl.sgFeatures(ucNormalise(text), nil, nil), Class: 0})
	}
	for _, c := range d.Safeguarding {
		class := 1
		if c.Name == SafeguardSuicide {
			class = 2
		}
		for _, e := range c.Examples {
			samples = append(samples, nlu.Sample{Feats: fl.sgFeatures(ucNormalise(e.Text), nil, nil), Class: class})
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
	clf := sgTrainCommittee(classes, samples, n)
	clf.DataHash = hash
	return &sgLearned{clf: clf, safe: 0, suicide: 2, concepts: concepts}
}

// sgCommittee is how many classifiers the safeguarding classifier averages (see
// sgTrainCommittee). TestSafeguardingStability measures what it buys: how many blind
// rows change their decision when the classifier is retrained without a tenth of the
// examples.
const sgCommittee = 5

// sgL2 is each member's weight decay: 5e-4 (the classifier's default is 1e-4) halves
// the blind decisions that change on retraining (TestSafeguardingStability: 45 -> 31
// for one classifier, 19 for the committee) at 629 instead of 633 of 723 held-out
// disclosures (5-fold, risk >= 0.6) and 45 instead of 48 of 2,028 held-out safe messages
// checked in on; 1e-3 escalated a careers question on the classifier's suicide class.
const sgL2 = 5e-4

// sgTrainCommittee trains n classifiers, member i on every sample but the i-th of each
// n (and its own shuffling seed), and returns their average (nlu.Average): the
// committee's weights depend less on any one example or on the order of training than
// one classifier's do, at the inference cost of one. n = 1 trains one classifier on all
// the samples.
func sgTrainCommittee(classes []string, samples []nlu.Sample, n int) *nlu.Classifier {
	opt := nlu.TrainOptions{Seed: 2, MinCount: 2, L2: sgL2}
	if n <= 1 {
		return nlu.Train(classes, samples, nil, opt)
	}
	members := make([]*nlu.Classifier, 0, n)
	fold := make([]nlu.Sample, 0, len(samples))
	for i := 0; i < n; i++ {
		fold = fold[:0]
		for j, s := range samples {
			if j%n != i {
				fold = append(fold, s)
			}
		}
		opt.Seed = uint64(2 + i)
		members = append(members, nlu.Train(classes, fold, nil, opt))
	}
	return nlu.Average(members)
}

// sgExamplesHash identifies the examples the safeguarding classifier is trained from.
func sgExamplesHash(d *nlu.Data) string {
	h := sha256.New()
	h.Write([]byte(fmt.Sprintf("%s/safeguarding/6/committee%d/l2=%g", ucFeatureVersion, sgCommittee, sgL2)))
	for _, c := range d.Concepts {
		fmt.Fprintf(h, "\x00concept\x00%s\x00%s", c.Name, strings.Join(c.Words, "|"))
	}
	for _, c := range d.Safeguarding {
		for _, r := range c.ConceptRules { // each rule is a classifier feature
			fmt.Fprintf(h, "\x00rule\x00%s\x00%s\x00%d", c.Name, strings.Join(r.Concepts, "+"), r.Window)
		}
		for _, e := range c.Examples {
			hashFields(h, c.Name, e.Text)
		}
	}
	for _, e := range d.SafeExamples {
		hashFields(h, "safe", e.Text)
	}
	for _, in := range d.Intents {
		if in.Name == IntentSafeguarding {
			continue
		}
		for _, e := range in.Examples {
			hashFields(h, "safe", e.Text)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// risk returns the probability that the message shows a risk.
func (l *sgLearned) risk(toks []ucToken) float64 {
	r, _ := l.scores(toks)
	return r
}

// scores returns the probability that the message shows a risk (1 - p(safe)) and that
// it shows thoughts of suicide: the most of the whole message and each of its clauses,
// so a disclosure inside a careers question ("what do mechanics earn, i need to move
// out cos im scared to be at home") is read on its own.
func (l *sgLearned) scores(toks []ucToken) (risk, suicide float64) {
	var mbuf [64]uint64
	return l.scoresM(toks, l.conceptMasks(toks, mbuf[:]))
}

// scoresM is scores with the tokens' concept masks when known (nil: looked up).
func (l *sgLearned) scoresM(toks []ucToken, ms []uint64) (risk, suicide float64) {
	if l == nil || len(toks) == 0 {
		return 0, 0
	}
	sub := func(a, b int) []uint64 {
		if ms == nil {
			return nil
		}
		return ms[a:b]
	}
	risk, suicide = l.scoresOfM(toks, ms)
	from, read := 0, 0
	for i := 1; i <= len(toks) && read < sgMaxClauses; i++ {
		if i < len(toks) && !sgClauseBreak(toks, i) {
			continue
		}
		if from > 0 || i < len(toks) { // a clause, not the whole message
			if i-from >= sgMinClause {
				r, su := l.scoresOfM(toks[from:i], sub(from, i))
				risk, suicide = max(risk, r), max(suicide, su)
				read++
			}
		}
		from = i
	}
	return risk, suicide
}

// sgMinClause is the fewest words a clause needs to be read on its own; sgMaxClauses
// caps the clauses read (a long message costs a bounded time; the patterns read it all).
const (
	sgMinClause  = 4
	sgMaxClauses = 12
)

// sgClauseBreak reports whether a clause starts at toks[i]: after a comma, full stop,
// question or exclamation mark, or at a joining word ("cos", "because", "but", "also").
func sgClauseBreak(toks []ucToken, i int) bool {
	switch toks[i].s {
	case "cos", "coz", "cuz", "because", "but", "also", "though", "tho", "anyway", "plus":
		return true
	}
	a, b := toks[i-1].end, toks[i].start
	if a < 0 || b < 0 || a > b {
		return false
	}
	// the text between the tokens is not kept here: a break shows as a gap of more than
	// a space (", " or ". ") in the offsets
	return b-a > 1
}

// scoresOf is scores of toks as one piece.
func (l *sgLearned) scoresOf(toks []ucToken) (risk, suicide float64) {
	return l.scoresOfM(toks, nil)
}

// scoresOfM is scoresOf with the tokens' concept masks when known (nil: looked up).
func (l *sgLearned) scoresOfM(toks []ucToken, ms []uint64) (risk, suicide float64) {
	if l == nil || len(toks) == 0 {
		return 0, 0
	}
	var fbuf [ucMaxFeatures]uint64
	var pbuf [24]float64
	feats := fbuf[:0]
	if len(toks) > ucMaxFeatures/8 {
		toks = toks[:ucMaxFeatures/8] // a long message: its start (the patterns read it all)
		if ms != nil {
			ms = ms[:len(toks)]
		}
	}
	p := l.clf.Probs(l.sgFeaturesM(toks, ms, feats, nil), pbuf[:0])
	if l.suicide >= 0 && l.suicide < len(p) {
		suicide = p[l.suicide]
	}
	return 1 - p[l.safe], suicide
}

// gate runs the safeguarding gate at both tiers over normalised tokens of text: a tier-1
// pattern (vetted); else the classifier's suicide flag (tier 1); else a tier-2 pattern;
// else the classifier's tier-2 flag (possible risk).
func (m *NLU) gate(text string, toks []ucToken) *SafeguardingFlag {
	f, start, end := m.sg.checkSpan(text, toks, 2)
	hyperbole := false
	if f != nil && f.Tier == 1 && f.Category == SafeguardSuicide && sgHyperbole(toks, end) {
		// "im gonna die if i dont get into this college course": dying as the price of a
		// careers outcome is a figure of speech, not a wish
		f, hyperbole = nil, true
	}
	if f != nil && f.Tier == 1 {
		g := m.vet(f, toks, start, end, true)
		if g.Tier == 2 && sgThingSubject(toks, start) && sgCareersQuestion(toks) {
			// "my interview is going to kill me, tips for nerves?": a careers thing as
			// the subject of a threat, in a careers question, is no risk at all
			return nil
		}
		if g.Tier == 1 || !sgCareersQuestion(toks) || sgVeiled(g.Category) {
			return g
		}
		// a careers question whose tier-1 words nothing ties to the writer: not even a
		// check-in when no clause of it looks risky to the classifier either ("careers in
		// cyber security fighting sextortion", "a youth worker helping kids who got
		// kicked out of school"); else checked in on. Thoughts of suicide, self-harm and
		// eating difficulties are always checked in on: "what jobs are good for people
		// who wont be alive next year lol" speaks of the writer in the third person
		if r, _ := m.sgLearned.scores(toks); r >= sgLearnedVeto {
			return g
		}
		return nil
	}
	var mbuf [64]uint64
	ms := m.sgLearned.conceptMasks(toks, mbuf[:])
	risk, suicide := m.sgLearned.scoresM(toks, ms)
	if hyperbole || sgReported(toks) {
		// the classifier alone does not speak for a figure of speech or for what the
		// writer heard about others ("i have heard chefs basically have no life"); the
		// patterns and concept rules below still do
		risk, suicide = 0, 0
	}
	if suicide >= sgLearnedSuicide {
		// the classifier alone escalates only on the whole message, and not on a careers
		// question ("everyone knows what they want to do and i just dont ... what careers
		// would fit me"), which is checked in on with the suicide question; one clause of
		// a longer message ("i was thinking of training as a chef but ...") is checked in
		// on with the general question (the suicide one is for what the whole message,
		// a pattern or a concept rule says)
		if _, whole := m.sgLearned.scoresOfM(toks, ms); whole >= sgLearnedSuicide {
			if sgCareersQuestion(toks) {
				return &SafeguardingFlag{Category: SafeguardSuicide, Matched: "classifier: suicide", Tier: 2}
			}
			return &SafeguardingFlag{Category: SafeguardSuicide, Tier: 1}
		}
		return &SafeguardingFlag{Category: SafeguardPossibleRisk, Matched: "classifier: suicide, in one clause", Tier: 2}
	}
	if m.sgLearned != nil {
		if r, start, end := m.sgLearned.concepts.match(toks, ms); r != nil && !m.sg.idiomCovers(toks, start, end) {
			// the classifier's view of the matched words and a little context: a careers
			// question around them ("... and feel faint at work, is that ok") does not
			// drown them, and careers words with the same concepts are not risky to it
			local, _ := m.sgLearned.scoresOf(toks[max(0, start-sgConceptContext):min(len(toks), end+sgConceptContext)])
			if p := max(risk, local); p >= sgConceptFloor || r.trusted {
				g := r.flag(text, toks, start, end)
				if p >= sgLearnedRisk && !sgCareersQuestion(toks) {
					g.Tier = 1 // the classifier agrees, and the message is not a careers question
				}
				// a tier-2 pattern stands unless the rule, with the classifier, escalates
				// ("they'll share my pics unless i send more": images and a condition)
				if f == nil || g.Tier == 1 {
					return g
				}
			}
		}
	}
	if f != nil {
		return f
	}
	if risk >= sgLearnedRisk {
		return &SafeguardingFlag{Category: SafeguardPossibleRisk, Tier: 2}
	}
	return nil
}

// sgVeiled are the categories a careers question in the third person may still
// disclose ("people who ..."), so a vetted match of them is always checked in on.
func sgVeiled(category string) bool {
	switch category {
	case SafeguardSuicide, SafeguardSelfHarm, SafeguardEating:
		return true
	}
	return false
}

// vet checks a tier-1 pattern match (tokens [start, end)) before it escalates. It is
// checked in on at tier 2 instead (checkIn) or, for the tier-1-only gate, dropped when
//   - nothing ties the matched words to the writer (no i/me/my within three words), the
//     message is long enough to judge, and the classifier is sure it is safe ("what does a dietitian do, im interested
//     in eating disorder treatment", "careers fighting sextortion"), or
//   - the threat's subject is a thing, not a person ("my interview is going to kill me").
func (m *NLU) vet(f *SafeguardingFlag, toks []ucToken, start, end int, checkIn bool) *SafeguardingFlag {
	soft := sgThingSubject(toks, start)
	if !soft && m.sgLearned != nil && len(toks) >= sgMinClause && !sgFirstPersonWithin(toks, start, end, 3) {
		r, _ := m.sgLearned.scoresOf(toks) // the whole message: is it a careers question?
		soft = r < sgLearnedVeto
	}
	if !soft {
		return f
	}
	if !checkIn {
		return nil
	}
	g := *f
	g.Tier = 2
	return &g
}

// sgThingSubject reports a match whose subject, just before it, is a thing (an
// interview, exams, "it/this/that") followed by a verb ("my interview is going to kill me", "this exam will
// kill me", "work is killing me").
func sgThingSubject(toks []ucToken, start int) bool {
	k := start - 1
	for k >= 0 {
		switch toks[k].s {
		case "is", "s", "are", "was", "will", "gonna", "going", "literally", "actually", "really", "honestly", "probably", "to":
			k--
			continue
		}
		break
	}
	if k < 0 || k == start-1 {
		return false // no verb between the subject and the match
	}
	if k > 0 {
		switch toks[k-1].s {
		case "at", "in", "from", "on", "after", "before":
			return false // "people at school are horrible to me": the thing is not the subject
		}
	}
	if !sgThings[toks[k].s] {
		return false
	}
	// "the man who got me this job is keeping my passport": the thing ends a relative
	// clause about a person, who is the subject
	for j := k - 1; j >= 0 && j >= k-8; j-- {
		if toks[j].s == "who" || toks[j].s == "whos" {
			return false
		}
	}
	return true
}

// sgThings are subjects that cannot threaten anyone (never people: "my teacher is
// going to hurt me" is a threat).
var sgThings = map[string]bool{
	"interview": true, "interviews": true, "job": true, "jobs": true, "work": true, "shift": true, "shifts": true,
	"course": true, "college": true, "uni": true, "university": true, "gcses": true, "apprenticeship": true,
	"placement": true, "internship": true, "it": true, "this": true, "that": true, "exam": true, "exams": true, "test": true, "tests": true,
	"revision": true, "homework": true, "coursework": true, "deadline": true, "deadlines": true, "commute": true,
	"school": true, "maths": true, "stress": true, "search": true, "application": true, "applications": true,
}
