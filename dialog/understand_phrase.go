package dialog

import (
	"fmt"
	"strings"
)

// A phrase pattern is a small, precompiled token pattern matched over normalised words.
// Syntax:
//
//	"kill myself|end my life"  top-level "|" separates whole phrases
//	"want/wanna to die"        "/" separates alternatives for one word
//	"what does * do"           "*" skips 0 to 3 words (shortest first)
//	"what does ** do"          "**" skips 0 to 6 words
//	"i am? scared"             a trailing "?" makes a word optional
//	"^hello"                   "^" anchors the phrase to the first word
//	"bye$"                     "$" anchors the phrase to the last word
//
// Matching is a token scan with an index on the first word, so no regexp runs per message.
type ucElem struct {
	alts     []string
	gap      bool
	maxGap   int // words a gap may skip
	optional bool
}

type ucPhrase struct {
	elems   []ucElem
	label   string  // what the phrase stands for: an intent, a category, a lexicon word
	weight  float64 // for scored uses
	source  string  // the pattern text, shown as the cue
	flags   uint32
	slot    int // the intent's index, for cue phrases
	atStart bool
	atEnd   bool
}

// ucMatcher is a compiled set of phrases. It is read-only after construction and safe for
// concurrent use.
type ucMatcher struct {
	phrases []ucPhrase
	index   map[string][]int32
}

// ucMatch is one phrase found in a token slice: tokens [start, end).
type ucMatch struct {
	phrase     int32
	start, end int
}

// ucPatternSpec is one pattern to compile.
type ucPatternSpec struct {
	pattern string
	label   string
	weight  float64
	flags   uint32
	slot    int
}

func ucCompile(specs []ucPatternSpec) (*ucMatcher, error) {
	m := &ucMatcher{index: make(map[string][]int32)}
	for _, sp := range specs {
		for _, alt := range strings.Split(sp.pattern, "|") {
			alt = strings.TrimSpace(alt)
			if alt == "" {
				return nil, fmt.Errorf("dialog: empty alternative in pattern %q", sp.pattern)
			}
			ph := ucPhrase{label: sp.label, weight: sp.weight, source: alt, flags: sp.flags, slot: sp.slot}
			words := strings.Fields(alt)
			for wi, w := range words {
				if wi == 0 && strings.HasPrefix(w, "^") {
					ph.atStart = true
					w = w[1:]
				}
				if wi == len(words)-1 && strings.HasSuffix(w, "$") && len(w) > 1 {
					ph.atEnd = true
					w = w[:len(w)-1]
				}
				if w == "*" || w == "**" {
					ph.elems = append(ph.elems, ucElem{gap: true, maxGap: 3 * len(w)})
					continue
				}
				e := ucElem{}
				if strings.HasSuffix(w, "?") && len(w) > 1 {
					e.optional = true
					w = w[:len(w)-1]
				}
				e.alts = strings.Split(w, "/")
				for ai, a := range e.alts {
					if a == "" {
						return nil, fmt.Errorf("dialog: empty word in pattern %q", sp.pattern)
					}
					// pattern words must be written as the normaliser writes text
					if exp, ok := ucSpellings[a]; ok {
						if len(exp) != 1 {
							return nil, fmt.Errorf("dialog: pattern %q: %q is read as %q; write that", alt, a, strings.Join(exp, " "))
						}
						e.alts[ai] = exp[0]
					}
				}
				ph.elems = append(ph.elems, e)
			}
			if len(ph.elems) == 0 || ph.elems[0].gap || ph.elems[0].optional {
				return nil, fmt.Errorf("dialog: pattern %q must start with a plain word", alt)
			}
			if last := ph.elems[len(ph.elems)-1]; last.gap {
				return nil, fmt.Errorf("dialog: pattern %q must not end with *", alt)
			}
			id := int32(len(m.phrases))
			m.phrases = append(m.phrases, ph)
			for _, a := range ph.elems[0].alts {
				m.index[a] = append(m.index[a], id)
			}
		}
	}
	return m, nil
}

// ucMustCompile compiles built-in tables; a broken built-in table is a programming error
// caught by the package tests.
func ucMustCompile(specs []ucPatternSpec) *ucMatcher {
	m, err := ucCompile(specs)
	if err != nil {
		panic(err)
	}
	return m
}

// find appends every match (all start positions, the shortest end per phrase and start)
// to dst and returns it.
func (m *ucMatcher) find(toks []ucToken, dst []ucMatch) []ucMatch {
	for i := range toks {
		ids, ok := m.index[toks[i].s]
		if !ok {
			continue
		}
		for _, id := range ids {
			ph := &m.phrases[id]
			if ph.atStart && i != 0 {
				continue
			}
			end := ucMatchAt(ph.elems[1:], toks, i+1, ph.atEnd)
			if end < 0 {
				continue
			}
			dst = append(dst, ucMatch{phrase: id, start: i, end: end})
		}
	}
	return dst
}

// ucMatchAt matches elems at toks[pos:] and returns the end position or -1.
// With mustEnd the match must reach the last token.
func ucMatchAt(elems []ucElem, toks []ucToken, pos int, mustEnd bool) int {
	if len(elems) == 0 {
		if mustEnd && pos != len(toks) {
			return -1
		}
		return pos
	}
	e := &elems[0]
	if e.gap {
		for skip := 0; skip <= e.maxGap && pos+skip <= len(toks); skip++ {
			if end := ucMatchAt(elems[1:], toks, pos+skip, mustEnd); end >= 0 {
				return end
			}
		}
		return -1
	}
	if pos < len(toks) && ucWordIn(toks[pos].s, e.alts) {
		if end := ucMatchAt(elems[1:], toks, pos+1, mustEnd); end >= 0 {
			return end
		}
	}
	if e.optional {
		return ucMatchAt(elems[1:], toks, pos, mustEnd)
	}
	return -1
}

func ucWordIn(w string, alts []string) bool {
	for _, a := range alts {
		if a == w {
			return true
		}
	}
	return false
}
