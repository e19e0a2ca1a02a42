// Package nlu holds careersbot's understanding as data a careers service can edit: the
// intents with their example utterances and weighted cue patterns, and the safeguarding
// categories with their patterns, tiers and examples (YAML, like Rasa's nlu.yml), and the
// learned classifier trained from the examples.
//
// The embedded files under data/ are the defaults; Load reads the same layout from a
// directory, so an edited example changes what the bot understands without a rebuild.
// Every problem is reported with file:line:col. The package knows nothing of the phrase
// syntax or the intents' meaning: the dialog package compiles the patterns (and reports
// their errors at the positions kept here) and decides what the scores mean.
package nlu

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"unsafe"

	"gopkg.in/yaml.v3"
)

//go:embed data/*.yaml data/*.model
var defaultFS embed.FS

// The committed classifier files again, as strings: Load takes the embedded ones'
// bytes in place (the binary's read-only copy) instead of a copy on the heap that lives
// as long as the Data (~300 KB).
var (
	//go:embed data/intents.model
	intentsModel string
	//go:embed data/safeguarding.model
	safeguardingModel string
)

// embeddedData is the embedded data/ directory (what Default returns).
type embeddedData struct{ fs.FS }

// model returns the embedded model file name in place, or false.
func (embeddedData) model(name string) ([]byte, bool) {
	var s string
	switch name {
	case "intents.model":
		s = intentsModel
	case "safeguarding.model":
		s = safeguardingModel
	default:
		return nil, false
	}
	return unsafe.Slice(unsafe.StringData(s), len(s)), true
}

// Default returns the embedded NLU files (data/*.yaml).
func Default() fs.FS {
	sub, _ := fs.Sub(defaultFS, "data")
	return embeddedData{sub}
}

// Pos is where something was written: file, line and column (1-based).
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column) }

// Example is one labelled utterance.
type Example struct {
	Text string
	Pos  Pos
}

// Cue is one weighted phrase pattern (the dialog package's phrase syntax).
type Cue struct {
	Pattern string
	Weight  float64  // intents: the score it adds; negative cues take away
	Flags   []string // intents: need_occ, no_occ, need_2occ; safeguarding: weak, negatable, over_idiom, careers_moot, careers_check
	Tier    int      // safeguarding: 1 (escalate) or 2 (check in); 0 means the category's tier
	Pos     Pos
}

// Term maps a phrase (the phrase syntax, without gaps) to the words it means.
type Term struct {
	From, To string
	Pos      Pos
}

// Intent is one intent: its cues and its examples.
type Intent struct {
	Name     string
	Cues     []Cue
	Examples []Example
	Pos      Pos
}

// Category is one safeguarding category, most serious first in Data.Safeguarding.
type Category struct {
	Name     string
	Tier     int // the tier of its patterns unless a pattern says otherwise
	Patterns []Cue
	// ConceptRules flag a message whose words carry all of a rule's concepts close
	// together, whatever the words are ("i only eat an apple a day": EAT and RESTRICT).
	ConceptRules []ConceptRule
	Examples     []Example
	Pos          Pos
}

// Concept is a class of words that mean one thing to the safeguarding gate (EAT:
// eat, meal, calories, breakfast...). The classifier reads a message's concepts as
// well as its words, and concept rules are written in them.
type Concept struct {
	Name  string
	Words []string
	Pos   Pos
}

// ConceptRule is a set of concepts that, all within Window words of each other, flag a
// message at Tier (0: the category's tier).
type ConceptRule struct {
	Concepts []string
	Window   int
	Tier     int
	Flags    []string // careers_moot: a careers word among the matched words cancels it
	Pos      Pos
}

// Data is a loaded NLU directory.
type Data struct {
	Intents      []Intent
	Safeguarding []Category
	// Idioms are phrases that cover words which would otherwise look like a disclosure
	// ("i'd kill for a job like that", "photo shoot").
	Idioms []Cue
	// SafeExamples are messages that must not be flagged: careers questions that sound
	// alarming ("a killer interview", "shooting for a photographer").
	SafeExamples []Example
	// Concepts are the safeguarding gate's word classes (concepts:).
	Concepts []Concept
	// Terms are words written one way and meant another, mapped before anything else
	// reads the message: US terms to UK ones ("physical therapist" -> physiotherapist,
	// "major" -> degree), so job-title search and cues see the UK word.
	Terms []Term
	Files []string
	// Models are the trained classifier files found beside the YAML (name -> bytes), as
	// written by `careersbot nlu train`: "intents.model". Read-only: for the embedded
	// files they are the executable's own bytes (writing to them faults).
	Models map[string][]byte
}

// Intent returns the named intent, or nil.
func (d *Data) Intent(name string) *Intent {
	for i := range d.Intents {
		if d.Intents[i].Name == name {
			return &d.Intents[i]
		}
	}
	return nil
}

// Error lists every problem found while loading, each with its position.
type Error struct {
	Problems []Problem
}

// Problem is one problem at a position.
type Problem struct {
	Pos     Pos
	Message string
}

func (p Problem) String() string {
	if p.Pos.Line == 0 {
		return p.Pos.File + ": " + p.Message
	}
	return p.Pos.String() + ": " + p.Message
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "nlu: " + strings.Join(parts, "; ")
}

var (
	intentFlags = map[string]bool{"need_occ": true, "no_occ": true, "need_2occ": true}
	sgFlags     = map[string]bool{"weak": true, "negatable": true, "over_idiom": true, "careers_moot": true, "careers_check": true}
)

// Load reads every *.yaml/*.yml file of fsys (label names it in errors). A file holds any
// of the top-level keys intents, safeguarding, idioms and safe_examples; files are read in
// name order and their lists joined. Problems are an *Error.
func Load(fsys fs.FS, label string) (*Data, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if e := path.Ext(p); e == ".yaml" || e == ".yml" || e == ".model" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("nlu: reading %s: %w", label, err)
	}
	sort.Strings(files)
	if !slices.ContainsFunc(files, func(f string) bool { return path.Ext(f) != ".model" }) {
		return nil, &Error{Problems: []Problem{{Pos: Pos{File: label}, Message: "no NLU files (*.yaml) found"}}}
	}
	d := &Data{}
	p := &parser{d: d}
	emb, isEmbedded := fsys.(embeddedData)
	for _, f := range files {
		src, inPlace := []byte(nil), false
		if isEmbedded && path.Ext(f) == ".model" && path.Dir(f) == "." {
			src, inPlace = emb.model(f)
		}
		if !inPlace {
			var err error
			if src, err = fs.ReadFile(fsys, f); err != nil {
				return nil, fmt.Errorf("nlu: %w", err)
			}
		}
		name := f
		if label != "" {
			name = path.Join(label, f)
		}
		d.Files = append(d.Files, name)
		if path.Ext(f) == ".model" {
			if d.Models == nil {
				d.Models = map[string][]byte{}
			}
			d.Models[path.Base(f)] = src
			continue
		}
		p.file(name, src)
	}
	p.check()
	if len(p.errs) > 0 {
		return nil, &Error{Problems: p.errs}
	}
	return d, nil
}

// LoadDefault loads the embedded NLU files.
func LoadDefault() (*Data, error) { return Load(Default(), "nlu") }

type parser struct {
	d    *Data
	errs []Problem
	name string
}

func (p *parser) at(n *yaml.Node) Pos { return Pos{File: p.name, Line: n.Line, Column: n.Column} }

func (p *parser) errf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, Problem{Pos: p.at(n), Message: fmt.Sprintf(format, args...)})
}

func (p *parser) file(name string, src []byte) {
	p.name = name
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		p.errs = append(p.errs, yamlProblem(name, err))
		return
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.errf(root, "want a mapping with intents:, safeguarding:, idioms: or safe_examples:")
		return
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "version":
			if v.Value != "1" {
				p.errf(v, "unknown version %q (want 1)", v.Value)
			}
		case "intents":
			for _, n := range p.list(v, "intents") {
				if in, ok := p.intent(n); ok {
					p.addIntent(in)
				}
			}
		case "safeguarding":
			for _, n := range p.list(v, "safeguarding") {
				if c, ok := p.category(n); ok {
					p.d.Safeguarding = append(p.d.Safeguarding, c)
				}
			}
		case "idioms":
			idioms, _ := p.cues(v, "idioms", sgFlags, false)
			p.d.Idioms = append(p.d.Idioms, idioms...)
		case "safe_examples":
			p.d.SafeExamples = append(p.d.SafeExamples, p.examples(v)...)
		case "concepts":
			for _, n := range p.list(v, "concepts") {
				if c, ok := p.concept(n); ok {
					p.d.Concepts = append(p.d.Concepts, c)
				}
			}
		case "terms":
			for _, n := range p.list(v, "terms") {
				if t, ok := p.term(n); ok {
					p.d.Terms = append(p.d.Terms, t)
				}
			}
		default:
			p.errf(k, "unknown key %q (known: version, intents, safeguarding, idioms, safe_examples, concepts, terms)", k.Value)
		}
	}
}

// term reads {from: "physical therapist", to: physiotherapist}.
func (p *parser) term(n *yaml.Node) (Term, bool) {
	t := Term{Pos: p.at(n)}
	if n.Kind != yaml.MappingNode {
		p.errf(n, "a term must be a mapping with from: and to:")
		return t, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "from":
			t.From, t.Pos = v.Value, p.at(v)
		case "to":
			t.To = v.Value
		default:
			p.errf(k, "unknown key %q in a term (known: from, to)", k.Value)
			return t, false
		}
	}
	if strings.TrimSpace(t.From) == "" || strings.TrimSpace(t.To) == "" {
		p.errf(n, "a term needs from: and to:")
		return t, false
	}
	if strings.Contains(t.From, "*") {
		p.errf(n, "a term's from: cannot have gaps (*)")
		return t, false
	}
	return t, true
}

func (p *parser) list(v *yaml.Node, what string) []*yaml.Node {
	if v.Kind != yaml.SequenceNode {
		p.errf(v, "%s must be a list", what)
		return nil
	}
	return v.Content
}

func (p *parser) intent(n *yaml.Node) (Intent, bool) {
	in := Intent{Pos: p.at(n)}
	if n.Kind != yaml.MappingNode {
		p.errf(n, "an intent must be a mapping with intent:, cues: and examples:")
		return in, false
	}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "intent":
			in.Name = p.name1(v)
		case "cues":
			cues, good := p.cues(v, "cues", intentFlags, true)
			in.Cues, ok = append(in.Cues, cues...), ok && good
		case "examples":
			in.Examples = p.examples(v)
		default:
			p.errf(k, "unknown key %q in an intent (known: intent, cues, examples)", k.Value)
			ok = false
		}
	}
	if in.Name == "" {
		p.errf(n, "intent without a name (intent: pay)")
		return in, false
	}
	return in, ok
}

func (p *parser) category(n *yaml.Node) (Category, bool) {
	c := Category{Pos: p.at(n), Tier: 1}
	if n.Kind != yaml.MappingNode {
		p.errf(n, "a safeguarding category must be a mapping with category:, tier:, patterns: and examples:")
		return c, false
	}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "category":
			c.Name = p.name1(v)
		case "tier":
			t, good := p.tier(v)
			c.Tier, ok = t, ok && good
		case "patterns":
			patterns, good := p.cues(v, "patterns", sgFlags, false)
			c.Patterns, ok = append(c.Patterns, patterns...), ok && good
		case "concept_rules":
			for _, rn := range p.list(v, "concept_rules") {
				r, good := p.conceptRule(rn)
				if good {
					c.ConceptRules = append(c.ConceptRules, r)
				}
				ok = ok && good
			}
		case "examples":
			c.Examples = p.examples(v)
		default:
			p.errf(k, "unknown key %q in a safeguarding category (known: category, tier, patterns, concept_rules, examples)", k.Value)
			ok = false
		}
	}
	if c.Name == "" {
		p.errf(n, "safeguarding category without a name (category: suicide)")
		return c, false
	}
	return c, ok
}

func (p *parser) tier(v *yaml.Node) (int, bool) {
	switch v.Value {
	case "1":
		return 1, true
	case "2":
		return 2, true
	}
	p.errf(v, "tier must be 1 (escalate) or 2 (check in), not %q", v.Value)
	return 1, false
}

func (p *parser) name1(v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode || v.Value == "" {
		p.errf(v, "want a name")
		return ""
	}
	for _, r := range v.Value {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			p.errf(v, "name %q: use lowercase letters, digits and _", v.Value)
			return ""
		}
	}
	return v.Value
}

// cues reads a list of cues (see cue); good is false when any of them is broken (each
// broken one is reported and left out).
func (p *parser) cues(v *yaml.Node, what string, flags map[string]bool, weighted bool) (out []Cue, good bool) {
	good = true
	for _, n := range p.list(v, what) {
		if c, ok := p.cue(n, flags, weighted); ok {
			out = append(out, c)
		} else {
			good = false
		}
	}
	return out, good
}

// cue reads "pattern" or {pattern, weight, flags, tier}.
func (p *parser) cue(n *yaml.Node, flags map[string]bool, weighted bool) (Cue, bool) {
	c := Cue{Pos: p.at(n), Weight: 1}
	if n.Kind == yaml.ScalarNode {
		c.Pattern = n.Value
		if weighted {
			p.errf(n, "a cue needs a weight: write {pattern: %q, weight: 2}", n.Value)
			return c, false
		}
		return c, p.pattern(n)
	}
	if n.Kind != yaml.MappingNode {
		p.errf(n, "want a pattern or a mapping with pattern:")
		return c, false
	}
	ok, hasWeight := true, false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "pattern":
			c.Pattern, c.Pos = v.Value, p.at(v)
			ok = p.pattern(v) && ok
		case "weight":
			if !weighted {
				p.errf(k, "a safeguarding pattern has no weight")
				ok = false
				continue
			}
			var w float64
			hasWeight = true
			if err := v.Decode(&w); err != nil || v.Kind != yaml.ScalarNode {
				p.errf(v, "weight must be a number, not %q", v.Value)
				ok = false
				continue
			}
			if w == 0 || w > 10 || w < -10 {
				p.errf(v, "weight %v out of range (-10..10, not 0)", w)
				ok = false
			}
			c.Weight = w
		case "flags":
			var fl []string
			if err := v.Decode(&fl); err != nil {
				p.errf(v, "flags must be a list of words")
				ok = false
				continue
			}
			for j, f := range fl {
				if !flags[f] {
					p.errf(v.Content[j], "unknown flag %q (known: %s)", f, keys(flags))
					ok = false
				}
			}
			c.Flags = fl
		case "tier":
			if weighted {
				p.errf(k, "an intent cue has no tier")
				ok = false
				continue
			}
			t, good := p.tier(v)
			c.Tier, ok = t, ok && good
		default:
			p.errf(k, "unknown key %q in a pattern (known: pattern, weight, flags, tier)", k.Value)
			ok = false
		}
	}
	if c.Pattern == "" {
		p.errf(n, "pattern missing")
		return c, false
	}
	if weighted && !hasWeight {
		p.errf(n, "cue %q has no weight", c.Pattern)
		ok = false
	}
	return c, ok
}

// pattern checks what can be checked without the phrase compiler.
func (p *parser) pattern(v *yaml.Node) bool {
	if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
		p.errf(v, "empty pattern")
		return false
	}
	return true
}

func (p *parser) examples(v *yaml.Node) []Example {
	if v.Kind != yaml.SequenceNode {
		p.errf(v, "examples must be a list of messages")
		return nil
	}
	out := make([]Example, 0, len(v.Content))
	for _, n := range v.Content {
		if n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
			p.errf(n, "an example must be a non-empty message")
			continue
		}
		out = append(out, Example{Text: n.Value, Pos: p.at(n)})
	}
	return out
}

// addIntent adds an intent, or joins its cues and examples to an intent of the same name
// from an earlier file or entry (cues in one file, examples in another, as in Rasa).
func (p *parser) addIntent(in Intent) {
	if have := p.d.Intent(in.Name); have != nil {
		have.Cues = append(have.Cues, in.Cues...)
		have.Examples = append(have.Examples, in.Examples...)
		return
	}
	p.d.Intents = append(p.d.Intents, in)
}

// MaxConcepts is the most concepts the data may define (the gate keeps a token's
// concepts in one 64-bit mask).
const MaxConcepts = 64

// concept reads {concept: EAT, words: "eat|eating|meal"}.
func (p *parser) concept(n *yaml.Node) (Concept, bool) {
	c := Concept{Pos: p.at(n)}
	if n.Kind != yaml.MappingNode {
		p.errf(n, "a concept must be a mapping with concept: and words:")
		return c, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "concept":
			if !conceptName(v.Value) {
				p.errf(v, "concept name %q: use capital letters and _", v.Value)
				return c, false
			}
			c.Name = v.Value
		case "words":
			for _, w := range strings.Split(v.Value, "|") {
				w = strings.TrimSpace(w)
				if w == "" || strings.ToLower(w) != w || strings.ContainsAny(w, " */?^$") {
					p.errf(v, "concept word %q: want one lowercase word (no spaces or pattern marks)", w)
					return c, false
				}
				c.Words = append(c.Words, w)
			}
		default:
			p.errf(k, "unknown key %q in a concept (known: concept, words)", k.Value)
			return c, false
		}
	}
	if c.Name == "" || len(c.Words) == 0 {
		p.errf(n, "a concept needs concept: and words:")
		return c, false
	}
	return c, true
}

func conceptName(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r == '_') {
			return false
		}
	}
	return s != ""
}

// conceptRule reads {concepts: EAT+RESTRICT+SELF, window: 6, tier: 2}.
func (p *parser) conceptRule(n *yaml.Node) (ConceptRule, bool) {
	r := ConceptRule{Pos: p.at(n)}
	if n.Kind != yaml.MappingNode {
		p.errf(n, "a concept rule must be a mapping with concepts: (A+B) and window:")
		return r, false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "concepts":
			for _, c := range strings.Split(v.Value, "+") {
				c = strings.TrimSpace(c)
				if !conceptName(c) {
					p.errf(v, "concept %q in a rule: use capital letters and _, joined by +", c)
					return r, false
				}
				r.Concepts = append(r.Concepts, c)
			}
		case "window":
			if err := v.Decode(&r.Window); err != nil || r.Window < 1 || r.Window > 40 {
				p.errf(v, "window must be a number of words from 1 to 40, not %q", v.Value)
				return r, false
			}
		case "tier":
			t, good := p.tier(v)
			if !good {
				return r, false
			}
			r.Tier = t
		case "flags":
			if err := v.Decode(&r.Flags); err != nil {
				p.errf(v, "flags must be a list of words")
				return r, false
			}
			for j, f := range r.Flags {
				if f != "careers_moot" {
					p.errf(v.Content[j], "unknown flag %q in a concept rule (known: careers_moot)", f)
					return r, false
				}
			}
		default:
			p.errf(k, "unknown key %q in a concept rule (known: concepts, window, tier, flags)", k.Value)
			return r, false
		}
	}
	if len(r.Concepts) < 2 || r.Window == 0 {
		p.errf(n, "a concept rule needs two concepts or more (concepts: EAT+RESTRICT) and a window:")
		return r, false
	}
	return r, true
}

// check looks across files: duplicate categories and concepts, concept rules naming an
// unknown concept, an example given two labels.
func (p *parser) check() {
	concepts := map[string]Pos{}
	for _, c := range p.d.Concepts {
		if at, dup := concepts[c.Name]; dup {
			p.errs = append(p.errs, Problem{Pos: c.Pos, Message: fmt.Sprintf("concept %q is defined twice (first at %s)", c.Name, at)})
		}
		concepts[c.Name] = c.Pos
	}
	if len(concepts) > MaxConcepts {
		p.errs = append(p.errs, Problem{Pos: p.d.Concepts[MaxConcepts].Pos, Message: fmt.Sprintf("%d concepts, at most %d", len(concepts), MaxConcepts)})
	}
	for _, c := range p.d.Safeguarding {
		for _, r := range c.ConceptRules {
			for _, name := range r.Concepts {
				if _, ok := concepts[name]; !ok {
					p.errs = append(p.errs, Problem{Pos: r.Pos, Message: fmt.Sprintf("concept rule names %q, which no concepts: entry defines", name)})
				}
			}
		}
	}
	cats := map[string]Pos{}
	for _, c := range p.d.Safeguarding {
		if at, dup := cats[c.Name]; dup {
			p.errs = append(p.errs, Problem{Pos: c.Pos, Message: fmt.Sprintf("safeguarding category %q is defined twice (first at %s)", c.Name, at)})
		}
		cats[c.Name] = c.Pos
	}
	type labelled struct {
		label string
		pos   Pos
	}
	ex := map[string]labelled{}
	for _, in := range p.d.Intents {
		for _, e := range in.Examples {
			k := strings.ToLower(strings.TrimSpace(e.Text))
			if prev, dup := ex[k]; dup && prev.label != in.Name {
				p.errs = append(p.errs, Problem{Pos: e.Pos, Message: fmt.Sprintf("example %q is also an example of %s (at %s)", e.Text, prev.label, prev.pos)})
			}
			ex[k] = labelled{in.Name, e.Pos}
		}
	}
}

func keys(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func yamlProblem(name string, err error) Problem {
	msg := err.Error()
	pr := Problem{Pos: Pos{File: name}, Message: msg}
	var line int
	if i := strings.Index(msg, "line "); i >= 0 {
		if n, _ := fmt.Sscanf(msg[i:], "line %d:", &line); n == 1 {
			pr.Pos.Line, pr.Pos.Column = line, 1
			if j := strings.Index(msg[i:], ": "); j >= 0 {
				pr.Message = msg[i+j+2:]
			}
		}
	}
	return pr
}

// IsError reports whether err is (or wraps) a load *Error.
func IsError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
