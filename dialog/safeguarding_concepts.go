package dialog

import (
	"math/bits"
	"strings"

	"github.com/careersbot/careersbot/dialog/nlu"
)

// Concepts: the safeguarding gate reads a message's meaning as well as its wording.
// safeguarding.yaml's concepts: put words into classes (EAT: eat, meal, calories,
// breakfast...; RESTRICT: only, skip, barely, counting...; DEATH; INDIFFERENT: mind,
// care, relieved, peaceful...). They serve twice:
//   - the classifier reads each word's concepts ("concept:EAT") and the pairs of
//     concepts that stand close together ("concepts:EAT+RESTRICT") as features beside the
//     words, so an example teaches the meaning and not only its wording: "i only let
//     myself have one small meal a day" also teaches "i skip breakfast and lunch";
//   - a category's concept_rules: flag a message whose words carry all of a rule's
//     concepts within a few words of each other ("i only eat like 300 calories": EAT,
//     RESTRICT and SELF within 6 words), whatever the words, when the classifier also
//     sees some risk in it (sgConceptFloor): a calibrated combination, so a careers
//     question with the same concepts ("a personal trainer who does calorie plans")
//     is not checked in on.

// sgConceptPairWindow is how close (in words) two concepts must be to make a pair
// feature for the classifier.
const sgConceptPairWindow = 4

// sgConceptFloor is the least risk (1 - p(safe), the most over the message and its
// clauses, or of the matched words with sgConceptContext words either side) the
// classifier must see for a concept rule to flag a message: a veto when the classifier
// is sure the message is safe. It is low because the classifier, trained mostly on
// careers questions, gives some real disclosures with careers words little risk ("i only
// eat like 300 calories a day and feel faint at work": 0.03), while the concept rules
// match few careers questions at all (3 of the ~2,000 examples and blind careers rows,
// each cancelled by an idiom or the careers words around it).
const sgConceptFloor = 0.01

// sgConceptContext is how many words either side of a concept rule's match the
// classifier reads with it.
const sgConceptContext = 2

// sgConcepts is the compiled concepts and concept rules of the NLU data.
type sgConcepts struct {
	names []string
	word  map[string]uint64 // word -> the concepts it carries, a bit each
	rules []sgConceptRule
	// maybe has a bit for each (length, first letter, last letter) of a concept word, so
	// most words are known to carry no concept without a map lookup
	maybe [sgMaybeBits / 64]uint64
}

// sgMaybeBits is the size of sgConcepts.maybe: lengths 1 to 16 (longer count as 16)
// by 26 first letters by 26 last letters.
const sgMaybeBits = 16 * 26 * 26

// sgMaybeKey is w's bit in sgConcepts.maybe, or -1 when w is not all a-z at its ends.
func sgMaybeKey(w string) int {
	if w == "" {
		return -1
	}
	a, z := w[0], w[len(w)-1]
	if a < 'a' || a > 'z' || z < 'a' || z > 'z' {
		return -1
	}
	return (min(len(w), 16)-1)*26*26 + int(a-'a')*26 + int(z-'a')
}

// of returns the concepts word w carries.
func (c *sgConcepts) of(w string) uint64 {
	if k := sgMaybeKey(w); k >= 0 && c.maybe[k>>6]&(1<<(k&63)) == 0 {
		return 0
	}
	return c.word[w]
}

// sgConceptRule is one compiled concept rule.
type sgConceptRule struct {
	category string
	bits     []uint8 // the concepts, by bit
	window   int
	tier     int
	careers  bool // careers_moot: a careers word among the matched words cancels it
	name     string
	need     uint64 // the concepts' bits
	hash     uint64 // the rule's classifier feature
	// trusted: the rule matches none of the safe and careers examples, so it flags a
	// message without the classifier's agreement (sgConceptFloor); see sgTrustRules
	trusted bool
}

// newSgConcepts compiles d's concepts and concept rules (nil when there are none). The
// loader has checked that every rule names a known concept.
func newSgConcepts(d *nlu.Data) *sgConcepts {
	if len(d.Concepts) == 0 {
		return nil
	}
	c := &sgConcepts{word: map[string]uint64{}}
	index := map[string]uint8{}
	for i, k := range d.Concepts {
		if i >= nlu.MaxConcepts {
			break
		}
		index[k.Name] = uint8(i)
		c.names = append(c.names, k.Name)
		for _, w := range k.Words {
			c.word[w] |= 1 << uint(i)
			if key := sgMaybeKey(w); key >= 0 {
				c.maybe[key>>6] |= 1 << (key & 63)
			}
		}
	}
	for _, cat := range d.Safeguarding {
		for _, r := range cat.ConceptRules {
			cr := sgConceptRule{category: cat.Name, window: r.Window, tier: r.Tier, name: strings.Join(r.Concepts, "+")}
			if cr.tier == 0 {
				cr.tier = cat.Tier
			}
			for _, f := range r.Flags {
				cr.careers = cr.careers || f == "careers_moot"
			}
			ok := true
			for _, name := range r.Concepts {
				b, known := index[name]
				ok = ok && known
				cr.bits = append(cr.bits, b)
			}
			if ok {
				for _, b := range cr.bits {
					cr.need |= 1 << b
				}
				h := fnvByte(fnvOffset, sgfRule)
				for i := 0; i < len(cat.Name); i++ {
					h = fnvByte(h, cat.Name[i])
				}
				h = fnvByte(h, ':')
				for i := 0; i < len(cr.name); i++ {
					h = fnvByte(h, cr.name[i])
				}
				cr.hash = h
				c.rules = append(c.rules, cr)
			}
		}
	}
	c.trust(d)
	return c
}

// trust marks the rules that match none of d's safe examples and careers examples
// (cancelled matches, by careers words around them, do not count). The classifier's
// floor is a veto for rules that careers wording can also satisfy; a rule no safe
// message satisfies is a relation the safe wording never shows, and it is trusted to
// check in on its own ("wearing long sleeves in summer so no one sees what i did": the
// classifier, trained on few such examples, gives it 0.007).
func (c *sgConcepts) trust(d *nlu.Data) {
	if len(c.rules) == 0 {
		return
	}
	matched := make([]bool, len(c.rules))
	var mbuf [64]uint64
	check := func(text string) {
		toks := ucNormalise(text)
		if len(toks) > len(mbuf) {
			toks = toks[:len(mbuf)]
		}
		ms := c.masks(toks, mbuf[:0])
		var any uint64
		for _, m := range ms {
			any |= m
		}
		for ri := range c.rules {
			r := &c.rules[ri]
			if matched[ri] || any&r.need != r.need {
				continue
			}
			if _, _, ok := r.spanWhere(ms, func(lo, hi int) bool { return !r.careers || !sgConceptCareers(toks, lo, hi) }); ok {
				matched[ri] = true
			}
		}
	}
	for _, e := range d.SafeExamples {
		check(e.Text)
	}
	for _, in := range d.Intents {
		if in.Name == IntentSafeguarding {
			continue
		}
		for _, e := range in.Examples {
			check(e.Text)
		}
	}
	for ri := range c.rules {
		c.rules[ri].trusted = !matched[ri]
	}
}

// masks appends each token's concepts to dst.
func (c *sgConcepts) masks(toks []ucToken, dst []uint64) []uint64 {
	for _, tk := range toks {
		dst = append(dst, c.of(tk.s))
	}
	return dst
}

// Feature kinds of the concept features (the first byte hashed; the word features use
// w, b, c and n).
const (
	sgfConcept = 'k'
	sgfPair    = 'q'
	sgfRule    = 'r'
)

// features appends the concept features of toks to dst: each concept a word carries,
// and each pair of concepts within sgConceptPairWindow words (the earlier one first),
// up to ucMaxFeatures in all.
func (c *sgConcepts) features(toks []ucToken, ms []uint64, dst []uint64, names map[uint64]string) []uint64 {
	if c == nil {
		return dst
	}
	var mbuf [64]uint64
	if ms == nil {
		if len(toks) > len(mbuf) {
			toks = toks[:len(mbuf)] // the start of a long message, as the word features
		}
		ms = c.masks(toks, mbuf[:0])
	}
	add := func(h uint64, name func() string) {
		if len(dst) >= ucMaxFeatures {
			return
		}
		dst = append(dst, h)
		if names != nil {
			if _, ok := names[h]; !ok {
				names[h] = name()
			}
		}
	}
	// each concept rule whose concepts stand within its window: a relation further apart
	// than a pair ("long sleeves in summer so no one sees"), which the examples that match
	// the rule teach the classifier to weigh
	var any uint64
	for _, m := range ms {
		any |= m
	}
	for ri := range c.rules {
		r := &c.rules[ri]
		if any&r.need != r.need {
			continue
		}
		if _, _, ok := r.span(ms); ok {
			add(r.hash, func() string { return "rule:" + r.category + ":" + r.name })
		}
	}
	for i, m := range ms {
		for mm := m; mm != 0; mm &= mm - 1 {
			a := bits.TrailingZeros64(mm)
			add(fnvByte(fnvByte(fnvOffset, sgfConcept), byte(a)), func() string { return "concept:" + c.names[a] })
			for j := i + 1; j < len(ms) && j <= i+sgConceptPairWindow; j++ {
				for m2 := ms[j]; m2 != 0; m2 &= m2 - 1 {
					b := bits.TrailingZeros64(m2)
					if b == a {
						continue
					}
					add(fnvByte(fnvByte(fnvByte(fnvOffset, sgfPair), byte(a)), byte(b)), func() string {
						return "concepts:" + c.names[a] + "+" + c.names[b]
					})
				}
			}
		}
	}
	return dst
}

// match returns the first concept rule whose concepts all stand within its window in
// toks, and the tokens [start, end) it matched; rule is nil when none does. ms are the
// tokens' concept masks when known (nil: looked up).
func (c *sgConcepts) match(toks []ucToken, ms []uint64) (rule *sgConceptRule, start, end int) {
	if c == nil || len(c.rules) == 0 {
		return nil, 0, 0
	}
	if ms == nil {
		ms = c.masks(toks, make([]uint64, 0, len(toks)))
	}
	var any uint64
	for _, m := range ms {
		any |= m
	}
	if any == 0 {
		return nil, 0, 0
	}
	for ri := range c.rules {
		r := &c.rules[ri]
		if any&r.need != r.need {
			continue
		}
		if lo, hi, ok := r.spanWhere(ms, func(lo, hi int) bool { return !r.careers || !sgConceptCareers(toks, lo, hi) }); ok {
			return r, lo, hi
		}
	}
	return nil, 0, 0
}

// span returns the first tokens [start, end) of ms where all of r's concepts stand
// within its window.
func (r *sgConceptRule) span(ms []uint64) (start, end int, ok bool) {
	return r.spanWhere(ms, nil)
}

// spanWhere is span, skipping the spans keep (when not nil) rejects.
func (r *sgConceptRule) spanWhere(ms []uint64, keep func(start, end int) bool) (start, end int, ok bool) {
	// last[k] is where r's k-th concept was last seen
	var last [8]int
	if len(r.bits) > len(last) {
		return 0, 0, false
	}
	for k := range r.bits {
		last[k] = -1 << 30
	}
	for j, m := range ms {
		if m&r.need == 0 {
			continue
		}
		lo := j
		for k, b := range r.bits {
			if m&(1<<b) != 0 {
				last[k] = j
			}
			lo = min(lo, last[k])
		}
		if j-lo >= r.window {
			continue
		}
		if keep != nil && !keep(lo, j+1) {
			continue
		}
		return lo, j + 1, true
	}
	return 0, 0, false
}

// sgConceptCareers reports whether a careers_moot rule's match toks[start:end] is
// cancelled: a careers word in the match or just around it ("i would rather die than
// work in an office"), or a careers question with no first-person word near the match
// ("jobs working with people who are sleeping rough"), as the weak patterns.
func sgConceptCareers(toks []ucToken, start, end int) bool {
	lo, hi := max(0, start-sgConceptContext), min(len(toks), end+sgConceptContext)
	if sgCareersQuestion(toks[lo:hi]) {
		return true
	}
	return sgCareersQuestion(toks) && !sgFirstPersonWithin(toks, start, end, sgConceptContext)
}

// flag is the safeguarding flag of a concept rule that matched toks[start:end] of text.
func (r *sgConceptRule) flag(text string, toks []ucToken, start, end int) *SafeguardingFlag {
	matched := ""
	if s, e := toks[start].start, toks[end-1].end; s >= 0 && e <= len(text) && s < e {
		matched = strings.TrimSpace(text[s:e])
	}
	return &SafeguardingFlag{Category: r.category, Matched: matched + " (concepts " + r.name + ")", Tier: r.tier}
}
