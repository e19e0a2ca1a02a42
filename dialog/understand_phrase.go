package dialog

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
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
//
// find walks a trie of the phrases (ucTrie): phrases that begin with the same elements
// share their nodes, so a message's word is tested once against an element many
// phrases have ("what does", "how do i"), and words are compared as small integers
// (each word of the message is looked up once per matcher).
type ucMatcher struct {
	phrases []ucPhrase
	index   map[string][]int32 // first word -> phrases (the trie's reference: findEach)

	trieOnce sync.Once // the trie is built on first use: loading stays as cheap as it was
	trie     ucTrie
}

// ucTrie is the phrases' elements as a trie. A node stands for one element after a
// given run of elements; a phrase ends at the node of its last element. A phrase's
// path is one run of nodes, so the trie tries each phrase's choices (gap lengths,
// optional words) in the same order as matching it alone, and its first match is the
// same.
type ucTrie struct {
	words      map[string]int32 // every word an element names -> its number
	roots      [][]int32        // word number -> first-element nodes naming it (phrases without ^)
	startRoots [][]int32        // the same for phrases anchored with ^
	nodes      []ucNode
	// twice names the phrases whose first element names a word twice (two spellings
	// the normaliser reads as one word): matching phrase by phrase finds those twice
	twice map[ucPhraseWord]int
	// sieve has the bit ucSieveBit(w) set for every word w of words: a message's word
	// whose bit is clear is no element's, without a map look-up (most words of a
	// message are in no given matcher's phrases)
	sieve [ucSieveBits / 64]uint64
}

const ucSieveBits = 4096

// ucSieveBit hashes a word's length and first, second and last bytes to a bit of the
// sieve.
func ucSieveBit(w string) uint32 {
	if w == "" {
		return 0
	}
	h := uint32(len(w))*0x9E3779B1 ^ uint32(w[0])*0x85EBCA77 ^ uint32(w[len(w)-1])*0xC2B2AE3D
	if len(w) > 1 {
		h ^= uint32(w[1]) * 0x27D4EB2F
	}
	return h >> (32 - 12) // 12 bits: ucSieveBits
}

func (t *ucTrie) mayHave(w string) bool {
	b := ucSieveBit(w)
	return t.sieve[b/64]&(1<<(b%64)) != 0
}

type ucPhraseWord struct{ phrase, word int32 }

type ucNode struct {
	alts     []int32 // word numbers (a plain element)
	gap      bool
	optional bool
	maxGap   int
	kids     []int32 // next elements
	ends     []int32 // phrases whose last element this is
	// a node with many next elements has its plain ones (no gap, not optional) by
	// word number, and the rest in others: visit looks the next word up once instead
	// of testing every element (which next element is tried first does not matter:
	// each phrase lies under one of them, and a start's matches are put in phrase
	// order after)
	byWord map[int32][]int32
	others []int32
}

// ucWideNode is how many next elements make a node worth indexing by word.
const ucWideNode = 8

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

// ucBuildTrie builds the trie of phrases (already checked: each starts with a plain word).
func ucBuildTrie(phrases []ucPhrase) ucTrie {
	t := ucTrie{words: map[string]int32{}}
	word := func(w string) int32 {
		id, ok := t.words[w]
		if !ok {
			id = int32(len(t.words))
			t.words[w] = id
		}
		return id
	}
	type edge struct {
		parent        int32 // -1: a root (then start says which roots)
		start         bool
		gap, optional bool
		maxGap        int
		alts          string // the word numbers, 4 bytes each
	}
	byEdge := map[edge]int32{}
	var altIDs []int32
	var altKey []byte
	for pi := range phrases {
		ph := &phrases[pi]
		parent := int32(-1)
		for ei := range ph.elems {
			e := &ph.elems[ei]
			altIDs, altKey = altIDs[:0], altKey[:0]
			for _, a := range e.alts {
				id := word(a)
				altIDs = append(altIDs, id)
				altKey = binary.LittleEndian.AppendUint32(altKey, uint32(id))
			}
			k := edge{parent: parent, start: parent < 0 && ph.atStart, gap: e.gap, optional: e.optional, maxGap: e.maxGap, alts: string(altKey)}
			n, ok := byEdge[k]
			if !ok {
				n = int32(len(t.nodes))
				nd := ucNode{gap: e.gap, optional: e.optional, maxGap: e.maxGap, alts: slices.Clone(altIDs)}
				t.nodes = append(t.nodes, nd)
				byEdge[k] = n
				if parent >= 0 {
					t.nodes[parent].kids = append(t.nodes[parent].kids, n)
				}
			}
			if ei == 0 {
				for ai, a := range t.nodes[n].alts {
					if slices.Contains(t.nodes[n].alts[:ai], a) {
						if t.twice == nil {
							t.twice = map[ucPhraseWord]int{}
						}
						t.twice[ucPhraseWord{int32(pi), a}]++
					}
				}
			}
			parent = n
		}
		t.nodes[parent].ends = append(t.nodes[parent].ends, int32(pi))
	}
	for w := range t.words {
		b := ucSieveBit(w)
		t.sieve[b/64] |= 1 << (b % 64)
	}
	for i := range t.nodes {
		nd := &t.nodes[i]
		if len(nd.kids) < ucWideNode {
			continue
		}
		nd.byWord = map[int32][]int32{}
		for _, k := range nd.kids {
			kn := &t.nodes[k]
			if kn.gap || kn.optional {
				nd.others = append(nd.others, k)
				continue
			}
			for ai, a := range kn.alts {
				if !slices.Contains(kn.alts[:ai], a) {
					nd.byWord[a] = append(nd.byWord[a], k)
				}
			}
		}
	}
	t.roots = make([][]int32, len(t.words))
	t.startRoots = make([][]int32, len(t.words))
	for k, n := range byEdge {
		if k.parent >= 0 {
			continue
		}
		for _, a := range t.nodes[n].alts {
			if k.start {
				t.startRoots[a] = append(t.startRoots[a], n)
			} else {
				t.roots[a] = append(t.roots[a], n)
			}
		}
	}
	return t
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
// to dst and returns it, ordered by start and then by phrase.
func (m *ucMatcher) find(toks []ucToken, dst []ucMatch) []ucMatch {
	m.trieOnce.Do(func() { m.trie = ucBuildTrie(m.phrases) })
	t := &m.trie
	var idBuf [64]int32
	ids := idBuf[:0]
	if len(toks) > len(idBuf) {
		ids = make([]int32, 0, len(toks))
	}
	any := false
	for i := range toks {
		id, ok := int32(-1), false
		if t.mayHave(toks[i].s) {
			if id, ok = t.words[toks[i].s]; !ok {
				id = -1
			}
		}
		any = any || ok
		ids = append(ids, id)
	}
	if !any {
		return dst
	}
	w := ucWalk{t: t, phrases: m.phrases, ids: ids}
	for i, id := range ids {
		if id < 0 {
			continue
		}
		w.from = len(dst)
		for _, n := range t.roots[id] {
			dst = w.visit(n, i+1, dst)
		}
		if i == 0 {
			for _, n := range t.startRoots[id] {
				dst = w.visit(n, 1, dst)
			}
		}
		for j := w.from; j < len(dst); j++ {
			dst[j].start = i
			if n := t.twice[ucPhraseWord{dst[j].phrase, id}]; n > 0 {
				for range n {
					dst = slices.Insert(dst, j, dst[j])
				}
				j += n
			}
		}
		// phrase order within one start, as matching phrase by phrase gives
		for j := w.from + 1; j < len(dst); j++ {
			for k := j; k > w.from && dst[k].phrase < dst[k-1].phrase; k-- {
				dst[k], dst[k-1] = dst[k-1], dst[k]
			}
		}
	}
	return dst
}

// ucWalk is one start position's walk of the trie.
type ucWalk struct {
	t       *ucTrie
	phrases []ucPhrase
	ids     []int32 // the message's words as word numbers (-1: no element names it)
	from    int     // dst[from:] are this start's matches
}

// visit is at node n, its element matched, the next element at word pos; it appends
// the phrases that end there or below to dst.
func (w *ucWalk) visit(n int32, pos int, dst []ucMatch) []ucMatch {
	nd := &w.t.nodes[n]
	for _, ph := range nd.ends {
		if w.phrases[ph].atEnd && pos != len(w.ids) || w.found(dst, ph) {
			continue
		}
		dst = append(dst, ucMatch{phrase: ph, end: pos})
	}
	kids := nd.kids
	if nd.byWord != nil {
		if pos < len(w.ids) && w.ids[pos] >= 0 {
			for _, k := range nd.byWord[w.ids[pos]] {
				dst = w.visit(k, pos+1, dst)
			}
		}
		kids = nd.others
	}
	for _, k := range kids {
		kn := &w.t.nodes[k]
		if kn.gap {
			for skip := 0; skip <= kn.maxGap && pos+skip <= len(w.ids); skip++ {
				dst = w.visit(k, pos+skip, dst)
			}
			continue
		}
		if pos < len(w.ids) && slices.Contains(kn.alts, w.ids[pos]) {
			dst = w.visit(k, pos+1, dst)
		}
		if kn.optional {
			dst = w.visit(k, pos, dst)
		}
	}
	return dst
}

// found reports whether phrase ph already matched at this start (its first match
// stands, as in matching it alone).
func (w *ucWalk) found(dst []ucMatch, ph int32) bool {
	for _, x := range dst[w.from:] {
		if x.phrase == ph {
			return true
		}
	}
	return false
}

// findEach is find phrase by phrase (the reference the trie is tested against).
func (m *ucMatcher) findEach(toks []ucToken, dst []ucMatch) []ucMatch {
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

// ucSortLongestFirst orders matches by start, longest first at each start, as
// sort.Slice does: up to 12 matches it sorts by insertion, which keeps equal matches in
// the order found (so does slices.SortStableFunc, with no allocation); more go to
// sort.Slice itself, on a copy so that the caller's buffer can stay on the stack.
func ucSortLongestFirst(ms []ucMatch) {
	if len(ms) > 12 {
		big := slices.Clone(ms)
		sort.Slice(big, func(i, j int) bool {
			if big[i].start != big[j].start {
				return big[i].start < big[j].start
			}
			return big[i].end > big[j].end
		})
		copy(ms, big)
		return
	}
	slices.SortStableFunc(ms, func(a, b ucMatch) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
}
