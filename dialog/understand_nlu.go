package dialog

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/careersbot/careersbot/dialog/nlu"
	"github.com/careersbot/careersbot/lmi"
)

// NLU is compiled understanding data (package nlu): the intent cues, the safeguarding
// patterns with their tiers, and the classifiers learned from the examples. It is
// immutable once built and shared by every Understander made from it.
type NLU struct {
	Data *nlu.Data
	cues *ucMatcher
	sg   *sgTables
	// terms map words before anything reads them (phrase.label is the replacement).
	terms *ucMatcher
	// sgLearned is the tier-2 safeguarding classifier (nil without examples).
	sgLearned *sgLearned

	mu      sync.Mutex
	learned map[lmi.Store]*ucLearned // the intent classifier, trained once per store
}

// learnedFor returns the intent classifier for u's store, training it on first use: the
// examples are read with the store's occupations and places, as messages are.
func (m *NLU) learnedFor(u *Understander) *ucLearned {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.learned[u.store]; ok {
		return l
	}
	if l, ok := m.learned[nil]; ok && l != nil && l.fromFile {
		return l // a committed model serves every store
	}
	var l *ucLearned
	if clf := m.modelFile(); clf != nil {
		l = newLearned(clf)
		l.fromFile = true
	} else {
		l = trainLearned(u, m.Data.Intents, m.Data.Terms)
	}
	if m.learned == nil {
		m.learned = map[lmi.Store]*ucLearned{}
	}
	m.learned[u.store] = l
	return l
}

// sgTables are the compiled safeguarding patterns: phrase.slot is the category's rank
// (most serious first, in file order) and phrase.weight its tier (1 or 2).
type sgTables struct {
	m     *ucMatcher
	cats  []string // by rank
	ranks int
}

// LoadNLU loads and compiles an NLU directory (see package nlu). Errors are an *nlu.Error
// naming file:line:col for every problem, the phrase syntax's included.
func LoadNLU(dir string) (*NLU, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("nlu: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("nlu: %s is not a directory", dir)
	}
	d, err := nlu.Load(os.DirFS(dir), dir)
	if err != nil {
		return nil, err
	}
	return CompileNLU(d)
}

// LoadNLUFS is LoadNLU over a file system (label names it in errors).
func LoadNLUFS(fsys fs.FS, label string) (*NLU, error) {
	d, err := nlu.Load(fsys, label)
	if err != nil {
		return nil, err
	}
	return CompileNLU(d)
}

// NLUDir is where a rules directory keeps its NLU files: the subdirectory nlu/, which the
// rules loader skips. It returns "" when there is none (the embedded data is used).
func NLUDir(rulesDir string) string {
	if rulesDir == "" {
		return ""
	}
	d := filepath.Join(rulesDir, "nlu")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d
	}
	return ""
}

// DefaultNLU is the embedded NLU data, compiled once. A broken embedded file is a
// programming error caught by the package tests.
var DefaultNLU = sync.OnceValue(func() *NLU {
	m, err := LoadNLUFS(nlu.Default(), "dialog/nlu/data")
	if err != nil {
		panic(err)
	}
	return m
})

// CompileNLU compiles loaded data: every pattern with the phrase syntax, every intent
// checked against the intents the engine answers, and the classifiers trained.
func CompileNLU(d *nlu.Data) (*NLU, error) {
	var probs []nlu.Problem
	bad := func(pos nlu.Pos, format string, args ...any) {
		probs = append(probs, nlu.Problem{Pos: pos, Message: fmt.Sprintf(format, args...)})
	}
	var cues []ucPatternSpec
	var cuePos []nlu.Pos
	known := map[string]bool{IntentUnknown: true, IntentSafeguarding: true}
	for _, in := range ucAllIntents {
		known[in] = true
	}
	for _, in := range d.Intents {
		if !known[in.Name] {
			bad(in.Pos, "unknown intent %q (known: %s, unknown, safeguarding)", in.Name, strings.Join(ucAllIntents[:], ", "))
			continue
		}
		for _, c := range in.Cues {
			if in.Name == IntentUnknown || in.Name == IntentSafeguarding {
				bad(c.Pos, "intent %s takes examples only, no cues", in.Name)
				continue
			}
			sp := ucPatternSpec{pattern: c.Pattern, label: in.Name, weight: c.Weight}
			for _, f := range c.Flags {
				switch f {
				case "need_occ":
					sp.flags |= ucNeedOcc
				case "no_occ":
					sp.flags |= ucNoOcc
				case "need_2occ":
					sp.flags |= ucNeed2Occ
				}
			}
			cues = append(cues, sp)
			cuePos = append(cuePos, c.Pos)
		}
	}
	var sg []ucPatternSpec
	var sgPos []nlu.Pos
	sgt := &sgTables{}
	for rank, c := range d.Safeguarding {
		sgt.cats = append(sgt.cats, c.Name)
		for _, p := range c.Patterns {
			tier := p.Tier
			if tier == 0 {
				tier = c.Tier
			}
			sp := ucPatternSpec{pattern: p.Pattern, label: c.Name, weight: float64(tier), flags: sgFlagBits(p.Flags), slot: rank}
			sg = append(sg, sp)
			sgPos = append(sgPos, p.Pos)
		}
	}
	for _, p := range d.Idioms {
		sg = append(sg, ucPatternSpec{pattern: p.Pattern, label: sgIdiom, flags: sgFlagBits(p.Flags), slot: len(d.Safeguarding)})
		sgPos = append(sgPos, p.Pos)
	}
	var terms []ucPatternSpec
	var termPos []nlu.Pos
	for _, tm := range d.Terms {
		terms = append(terms, ucPatternSpec{pattern: tm.From, label: tm.To})
		termPos = append(termPos, tm.Pos)
	}
	// each table compiled once; only a table that fails is compiled pattern by
	// pattern, to report every broken pattern where it is written
	compile := func(specs []ucPatternSpec, pos []nlu.Pos) *ucMatcher {
		m, err := ucCompile(specs)
		if err == nil {
			return m
		}
		for i, sp := range specs {
			if _, err := ucCompile([]ucPatternSpec{sp}); err != nil {
				bad(pos[i], "%s", strings.TrimPrefix(err.Error(), "dialog: "))
			}
		}
		return nil
	}
	cueM, sgM, termM := compile(cues, cuePos), compile(sg, sgPos), compile(terms, termPos)
	if len(probs) > 0 {
		return nil, &nlu.Error{Problems: probs}
	}
	m := &NLU{Data: d, cues: cueM, terms: termM}
	for i := range m.cues.phrases {
		m.cues.phrases[i].slot = ucIntentIndex(m.cues.phrases[i].label)
	}
	sgt.m = sgM
	sgt.ranks = len(d.Safeguarding)
	m.sg = sgt
	m.sgLearned = trainSafeguarding(d)
	return m, nil
}

// ucModelFile is the name of the intent classifier file beside the YAML.
const ucModelFile = "intents.model"

// modelFile returns the committed intent classifier when there is one and it was trained
// from exactly these examples; otherwise the classifier is trained at load.
func (m *NLU) modelFile() *nlu.Classifier {
	raw := m.Data.Models[ucModelFile]
	if raw == nil {
		return nil
	}
	clf, err := nlu.UnmarshalClassifier(raw)
	if err != nil || clf.DataHash != ucExamplesHash(m.Data.Intents, m.Data.Terms) {
		return nil
	}
	return clf
}

// HasModelFile reports whether the intent classifier comes from an up-to-date
// intents.model rather than being trained at load.
func (m *NLU) HasModelFile() bool { return m.modelFile() != nil }

// HasSafeguardingModelFile reports whether the safeguarding classifier comes from an
// up-to-date safeguarding.model rather than being trained at load.
func (m *NLU) HasSafeguardingModelFile() bool {
	raw := m.Data.Models[sgModelFile]
	if raw == nil {
		return false
	}
	clf, err := nlu.UnmarshalClassifier(raw)
	return err == nil && clf.DataHash == sgExamplesHash(m.Data)
}

// ucFeatureVersion changes whenever ucFeatures does, so old model files are retrained.
const ucFeatureVersion = "features/1"

// ucExamplesHash identifies the examples (and the feature set) a classifier is trained from.
func ucExamplesHash(intents []nlu.Intent, terms []nlu.Term) string {
	h := sha256.New()
	h.Write([]byte(ucFeatureVersion))
	for _, t := range terms {
		hashFields(h, "term", t.From, t.To)
	}
	for _, in := range intents {
		for _, e := range in.Examples {
			hashFields(h, in.Name, e.Text)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// hashFields writes "\x00field" for each field (what fmt.Fprintf(h, "\x00%s...")
// wrote, without formatting every example at every start).
func hashFields(h io.Writer, fields ...string) {
	for _, f := range fields {
		io.WriteString(h, "\x00")
		io.WriteString(h, f)
	}
}

// TrainModels trains the classifiers of m (the intents' reading the examples with store)
// and returns the model files `careersbot nlu train` writes, by name (intents.model,
// safeguarding.model).
func TrainModels(store lmi.Store, m *NLU) (map[string][]byte, error) {
	in, err := TrainIntentModel(store, m)
	if err != nil {
		return nil, err
	}
	d := *m.Data
	d.Models = nil // retrain, whatever file is there
	sg := trainSafeguarding(&d)
	if sg == nil {
		return nil, errors.New("nlu: no safeguarding examples to train on")
	}
	sgb, err := sg.clf.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{ucModelFile: in, sgModelFile: sgb}, nil
}

// TrainIntentModel trains the intent classifier of m, reading the examples with store,
// and returns the model file intents.model.
func TrainIntentModel(store lmi.Store, m *NLU) ([]byte, error) {
	// an understander with m's patterns (for typo correction) and no classifier of its own
	u := NewUnderstanderNLU(store, &NLU{Data: &nlu.Data{}, cues: m.cues, sg: m.sg, terms: m.terms})
	l := trainLearned(u, m.Data.Intents, m.Data.Terms)
	if l == nil {
		return nil, errors.New("nlu: too few examples to train on (two intents with examples at least)")
	}
	return l.clf.MarshalBinary()
}

func sgFlagBits(flags []string) uint32 {
	var b uint32
	for _, f := range flags {
		switch f {
		case "weak":
			b |= sgWeak
		case "negatable":
			b |= sgNegatable
		case "over_idiom":
			b |= sgOverIdiom
		case "careers_moot":
			b |= sgCareersMoot
		case "careers_check":
			b |= sgCareersCheck
		}
	}
	return b
}

// rewriteTerms replaces every term of text (NLU terms: US words to UK ones) and reports
// whether any was found. toks are text's words.
func (m *NLU) rewriteTerms(text string, toks []ucToken) (string, bool) {
	if m.terms == nil || len(m.terms.phrases) == 0 {
		return text, false
	}
	var buf [8]ucMatch
	ms := m.terms.find(toks, buf[:0])
	if len(ms) == 0 {
		return text, false
	}
	var b strings.Builder
	prev, covered := 0, 0
	// find gives matches by start; at one start the longest wins (no sort: buf stays
	// on the stack)
	for i := 0; i < len(ms); {
		best, j := i, i
		for ; j < len(ms) && ms[j].start == ms[i].start; j++ {
			if ms[j].end > ms[best].end {
				best = j
			}
		}
		x := ms[best]
		i = j
		if x.start < covered {
			continue
		}
		s, e := toks[x.start].start, toks[x.end-1].end
		if s < prev || e > len(text) {
			continue
		}
		b.WriteString(text[prev:s])
		b.WriteString(m.terms.phrases[x.phrase].label)
		prev, covered = e, x.end
	}
	b.WriteString(text[prev:])
	return b.String(), true
}
