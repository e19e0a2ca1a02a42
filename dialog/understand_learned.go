package dialog

import (
	"context"
	"fmt"
	"strings"

	"github.com/careersbot/careersbot/dialog/nlu"
	"github.com/careersbot/careersbot/lmi"
)

// The learned part of understanding: a multinomial logistic regression (nlu.Classifier)
// trained at load from the NLU examples, over the message's normalised words with every
// occupation collapsed into OCC and the place into PLACE: word unigrams and bigrams
// (with start and end marks), character 4-grams of the longer words (so a misspelling
// shares most of its features with the word), numbers as NUM, and how many jobs are named.
// Its probability for each intent, times ucLearnedWeight, is added to the cue score, so
// the cues decide where they are clear and the classifier decides where no cue fired or
// two cues are close.

// ucLearnedWeight is how much a probability of 1 adds to an intent's cue score (a strong
// cue is 2.5 to 6). Picked by k-fold cross-validation over the own examples
// (TestLearnedKFold): see dialog/README.md.
const ucLearnedWeight = 2.0

// ucLearnedTie is how close the two best cue scores must be for the classifier to be
// asked; ucLearnedAlone is the probability an intent no cue found needs to count.
const (
	ucLearnedTie   = 0.5
	ucLearnedAlone = 0.6
)

// ucLearned is a trained intent classifier and the map from the scorer's intents to its
// classes.
type ucLearned struct {
	clf      *nlu.Classifier
	cls      [len(ucAllIntents)]int // class of ucAllIntents[i], -1 if it has no examples
	weight   float64
	fromFile bool // read from intents.model, not trained at load
}

func newLearned(clf *nlu.Classifier) *ucLearned {
	l := &ucLearned{clf: clf, weight: ucLearnedWeight}
	for i, in := range ucAllIntents {
		l.cls[i] = clf.ClassIndex(in)
	}
	return l
}

// Feature kinds, the first byte hashed.
const (
	ufWord  = 'w'
	ufBi    = 'b'
	ufChar  = 'c'
	ufCount = 'n'
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * fnvPrime }

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// ucFeatureWord is the word a token stands for in features: numbers read as NUM.
func ucFeatureWord(s string) string {
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		return "NUM"
	}
	return s
}

// ucFeatures appends the feature hashes of collapsed words to dst. When names is not nil
// it records a readable name for every hash (training and --explain only).
func ucFeatures(ctoks []ucToken, nOcc int, dst []uint64, names map[uint64]string) []uint64 {
	return ucSlotFeatures(ctoks, nOcc, nil, dst, names)
}

// ucTopicSlot is the word that school subjects and interests ("biology", "maths",
// "animals", "gaming") also stand for in the intent features: the word itself and
// "word:TOPIC", and in word pairs TOPIC alone, so "which jobs use biology" shares its
// pairs with "jobs that use chemistry".
const ucTopicSlot = "TOPIC"

// ucSlotFeatures is ucFeatures where the words in topics also count as ucTopicSlot.
func ucSlotFeatures(ctoks []ucToken, nOcc int, topics map[string]bool, dst []uint64, names map[uint64]string) []uint64 {
	add := func(h uint64, name func() string) {
		dst = append(dst, h)
		if names != nil {
			if _, ok := names[h]; !ok {
				names[h] = name()
			}
		}
	}
	occ := byte('0' + min(nOcc, 2))
	add(fnvByte(fnvByte(fnvOffset, ufCount), occ), func() string { return fmt.Sprintf("jobs named:%c", occ) })
	prev := "<s>"
	for i := 0; i <= len(ctoks); i++ {
		w := "</s>"
		pw := w // the word in pairs
		if i < len(ctoks) {
			w = ucFeatureWord(ctoks[i].s)
			pw = w
			h := fnvString(fnvByte(fnvOffset, ufWord), w)
			add(h, func() string { return "word:" + w })
			if topics[w] {
				pw = ucTopicSlot
				add(fnvString(fnvByte(fnvOffset, ufWord), pw), func() string { return "word:" + ucTopicSlot })
			}
		}
		p := prev
		h := fnvString(fnvByte(fnvString(fnvByte(fnvOffset, ufBi), p), ' '), pw)
		add(h, func() string { return "pair:" + p + " " + pw })
		prev = pw
		if i == len(ctoks) || len(w) < 4 || w == "OCC" || w == "PLACE" || w == "NUM" {
			continue
		}
		// character 4-grams of "^word$"
		n := len(w) + 2
		at := func(k int) byte {
			switch k {
			case 0:
				return '^'
			case n - 1:
				return '$'
			}
			return w[k-1]
		}
		// "^word$" in a stack buffer, hashed from there (at stays for long words and
		// the feature names)
		var padBuf [40]byte
		var pad []byte
		if n <= len(padBuf) {
			pad = padBuf[:n]
			pad[0], pad[n-1] = '^', '$'
			copy(pad[1:], w)
		}
		h0 := fnvByte(fnvOffset, ufChar)
		for k := 0; k+4 <= n; k++ {
			h := h0
			if pad != nil {
				g := pad[k : k+4]
				h = fnvByte(fnvByte(fnvByte(fnvByte(h, g[0]), g[1]), g[2]), g[3])
			} else {
				for j := k; j < k+4; j++ {
					h = fnvByte(h, at(j))
				}
			}
			kk := k
			add(h, func() string {
				var b [4]byte
				for j := range b {
					b[j] = at(kk + j)
				}
				return "chars:" + string(b[:])
			})
		}
	}
	return dst
}

// ucTopicWords are the one-word school subjects of the lexicon, and the one-word
// interests that no cue of an intent other than suggest and entry (which ask about
// them) uses ("animals", "gaming", not "money" or "driving"): the words that count as
// ucTopicSlot in the intent features.
func ucTopicWords(cues *ucMatcher) map[string]bool {
	cueWords := map[string]bool{}
	for _, ph := range cues.phrases {
		if ph.label == IntentSuggest || ph.label == IntentEntry || ph.weight <= 0 {
			continue
		}
		for _, e := range ph.elems {
			for _, a := range e.alts {
				cueWords[a] = true
			}
		}
	}
	out := map[string]bool{}
	for li, lex := range [][]ucLexEntry{ucSubjectLexicon, ucInterestLexicon} {
		for _, e := range lex {
			for _, alt := range strings.Split(e.pattern, "|") {
				if alt != "" && !strings.ContainsAny(alt, " /*^$?") && (li == 0 || !cueWords[alt]) {
					out[alt] = true
				}
			}
		}
	}
	return out
}

// ucMaxFeatures bounds the features of one message kept on the stack.
const ucMaxFeatures = 256

// probs returns the classifier's probabilities for the collapsed words, or nil.
func (l *ucLearned) probs(ctoks []ucToken, nOcc int, topics map[string]bool, fbuf []uint64, dst []float64) []float64 {
	if l == nil {
		return nil
	}
	return l.clf.Probs(ucSlotFeatures(ctoks, nOcc, topics, fbuf, nil), dst)
}

// prob is the classifier's probability for ucAllIntents[i].
func (l *ucLearned) prob(p []float64, i int) float64 {
	if p == nil || l.cls[i] < 0 {
		return 0
	}
	return p[l.cls[i]]
}

// boost is the learned score added to ucAllIntents[i].
func (l *ucLearned) boost(p []float64, i int) float64 { return l.weight * l.prob(p, i) }

// trainLearned trains the intent classifier from the examples, read by u as they would
// be at run time (occupations and places from u's store).
func trainLearned(u *Understander, intents []nlu.Intent, terms []nlu.Term) *ucLearned {
	var classes []string
	var samples []nlu.Sample
	ctx := context.Background()
	for _, in := range intents {
		if len(in.Examples) == 0 {
			continue
		}
		ci := len(classes)
		classes = append(classes, in.Name)
		for _, e := range in.Examples {
			samples = append(samples, nlu.Sample{Feats: u.exampleFeatures(ctx, e.Text, nil), Class: ci})
		}
	}
	if len(classes) < 2 {
		return nil
	}
	clf := nlu.Train(classes, samples, nil, nlu.TrainOptions{Seed: 1})
	clf.DataHash = ucExamplesHash(intents, terms)
	return newLearned(clf)
}

// exampleFeatures reads one example as Understand would up to the scoring.
func (u *Understander) exampleFeatures(ctx context.Context, text string, names map[uint64]string) []uint64 {
	toks := ucNormalise(text)
	if t2, ok := u.nlu.rewriteTerms(text, toks); ok {
		text, toks = t2, ucNormalise(t2)
	}
	out := Understanding{Text: text}
	ctoks := u.collapse(ctx, text, toks, &out)
	return ucSlotFeatures(ctoks, len(out.Occupations), u.topics, nil, names)
}

// Explanation says how one message was understood: the cue that decided, the learned
// classifier's top intents and the features that pushed the chosen intent up most.
type Explanation struct {
	Understanding Understanding      `json:"understanding"`
	Words         string             `json:"words"` // normalised, with OCC and PLACE
	Learned       []IntentProb       `json:"learned,omitempty"`
	Features      []nlu.Contribution `json:"features,omitempty"`
	Safeguarding  string             `json:"safeguarding,omitempty"`
}

// IntentProb is one intent and the classifier's probability for it.
type IntentProb struct {
	Intent string  `json:"intent"`
	Prob   float64 `json:"prob"`
}

// Explain understands text and says why (for `careersbot ask --explain`).
func (u *Understander) Explain(ctx context.Context, text string) Explanation {
	ex := Explanation{Understanding: u.Understand(ctx, text)}
	var tmp Understanding
	toks := ucNormalise(text)
	ctoks := u.collapse(ctx, text, toks, &tmp)
	ex.Words = ucJoin(ctoks)
	if f := ex.Understanding.Safeguarding; f != nil {
		ex.Safeguarding = fmt.Sprintf("tier %d %s: %q", f.Tier, f.Category, f.Matched)
	}
	if u.learned == nil {
		return ex
	}
	names := map[uint64]string{}
	feats := ucSlotFeatures(ctoks, len(tmp.Occupations), u.topics, nil, names)
	p := u.learned.clf.Probs(feats, nil)
	for i, c := range u.learned.clf.Classes {
		ex.Learned = append(ex.Learned, IntentProb{Intent: c, Prob: float64(int(p[i]*1000+0.5)) / 1000})
	}
	sortProbs(ex.Learned)
	if len(ex.Learned) > 3 {
		ex.Learned = ex.Learned[:3]
	}
	if ci := u.learned.clf.ClassIndex(ex.Understanding.Intent); ci >= 0 {
		ex.Features = u.learned.clf.ExplainNamed(feats, ci, 8, names)
	}
	return ex
}

func sortProbs(ps []IntentProb) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Prob > ps[j-1].Prob; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// String renders an explanation for a terminal.
func (ex Explanation) String() string {
	var b strings.Builder
	u := ex.Understanding
	fmt.Fprintf(&b, "intent      %s (confidence %.2f)\n", u.Intent, u.Confidence)
	fmt.Fprintf(&b, "words       %s\n", ex.Words)
	if ex.Safeguarding != "" {
		fmt.Fprintf(&b, "safeguarding %s\n", ex.Safeguarding)
	}
	for _, c := range u.Cues {
		fmt.Fprintf(&b, "cue         %s\n", c)
	}
	for _, p := range ex.Learned {
		fmt.Fprintf(&b, "learned     %-12s %.3f\n", p.Intent, p.Prob)
	}
	for _, f := range ex.Features {
		fmt.Fprintf(&b, "feature     %-28s %+.2f\n", f.Feature, f.Weight)
	}
	return b.String()
}

// KFoldResult is the accuracy of the learned classifier on examples it was not trained on.
type KFoldResult struct {
	K, N int
	// Alone is the classifier's own accuracy; Combined is the whole understanding (cues
	// plus classifier). The cues were written with every example in view, so Combined
	// flatters them; Alone is the honest held-out figure.
	Alone, Combined float64
}

// KFold trains the intent classifier k times, each time on all but every k-th example,
// and scores the held-out ones.
func KFold(ctx context.Context, store lmi.Store, m *NLU, k int) KFoldResult {
	u := NewUnderstanderNLU(store, m)
	res := KFoldResult{K: k}
	var alone, comb int
	for fold := 0; fold < k; fold++ {
		train, test := kfoldSplit(m.Data.Intents, k, fold)
		l := trainLearned(u, train, m.Data.Terms)
		if l == nil {
			continue
		}
		uu := *u
		uu.learned = l
		for _, c := range test {
			res.N++
			var tmp Understanding
			ctoks := u.collapse(ctx, c.Text, ucNormalise(c.Text), &tmp)
			p := l.clf.Probs(ucSlotFeatures(ctoks, len(tmp.Occupations), u.topics, nil, nil), nil)
			best := 0
			for i := range p {
				if p[i] > p[best] {
					best = i
				}
			}
			if l.clf.Classes[best] == c.Intent {
				alone++
			}
			if uu.Understand(ctx, c.Text).Intent == c.Intent {
				comb++
			}
		}
	}
	if res.N > 0 {
		res.Alone, res.Combined = float64(alone)/float64(res.N), float64(comb)/float64(res.N)
	}
	return res
}

type kfoldCase struct{ Text, Intent string }

// kfoldSplit holds out every k-th example (counting across intents), so every intent is
// spread over all folds.
func kfoldSplit(intents []nlu.Intent, k, fold int) (train []nlu.Intent, test []kfoldCase) {
	n := 0
	for _, in := range intents {
		tr := nlu.Intent{Name: in.Name}
		for _, e := range in.Examples {
			if n%k == fold {
				test = append(test, kfoldCase{e.Text, in.Name})
			} else {
				tr.Examples = append(tr.Examples, e)
			}
			n++
		}
		train = append(train, tr)
	}
	return train, test
}
