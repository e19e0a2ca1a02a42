package dialog

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestTrieFindMatchesPhraseByPhrase checks find (the trie) against findEach (each
// phrase matched alone) for every matcher the understander has, over the golden
// messages as normalised and with job and place words collapsed, and over random
// runs of the matchers' own words (gaps, optional words and anchors at every length).
func TestTrieFindMatchesPhraseByPhrase(t *testing.T) {
	u := NewUnderstander(nil)
	matchers := map[string]*ucMatcher{
		"cues": u.cues, "safeguarding": u.nlu.sg.m, "entities": u.ents, "interests": u.interests,
		"subjects": u.subjects, "skills": u.skills, "places": u.places, "terms": u.nlu.terms,
	}
	cases, _ := goldenCases(t)
	var inputs [][]ucToken
	for _, c := range cases {
		toks := ucNormalise(c.in.Text)
		inputs = append(inputs, toks)
		if len(toks) > 2 { // as classify sees them: a job and a place collapsed
			ct := slices.Clone(toks)
			ct[len(ct)/2].s = "OCC"
			ct[len(ct)-1].s = "PLACE"
			inputs = append(inputs, ct)
		}
	}
	rng := rand.New(rand.NewPCG(13, 2))
	for name, m := range matchers {
		var vocab []string
		m.find(nil, nil) // builds the trie
		for w := range m.trie.words {
			vocab = append(vocab, w)
		}
		slices.Sort(vocab)
		vocab = append(vocab, "OCC", "zzz")
		all := inputs
		for range 3000 {
			toks := make([]ucToken, 1+rng.IntN(12))
			for i := range toks {
				toks[i] = ucToken{s: vocab[rng.IntN(len(vocab))], start: i, end: i + 1}
			}
			all = append(all, toks)
		}
		n := 0
		for _, toks := range all {
			got, want := m.find(toks, nil), m.findEach(toks, nil)
			n += len(want)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %q: trie %v, phrase by phrase %v", name, ucJoin(toks), got, want)
			}
		}
		if n == 0 {
			t.Errorf("%s: no matches at all: the comparison tested nothing", name)
		}
	}
}

// TestSortLongestFirstAsSortSlice checks ucSortLongestFirst gives sort.Slice's order,
// equal matches included, at every length around sort.Slice's insertion-sort limit.
func TestSortLongestFirstAsSortSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 12))
	for n := 0; n <= 20; n++ {
		for range 200 {
			ms := make([]ucMatch, n)
			for i := range ms {
				s := rng.IntN(4)
				ms[i] = ucMatch{phrase: int32(i), start: s, end: s + 1 + rng.IntN(3)}
			}
			want := slices.Clone(ms)
			sort.Slice(want, func(i, j int) bool {
				if want[i].start != want[j].start {
					return want[i].start < want[j].start
				}
				return want[i].end > want[j].end
			})
			ucSortLongestFirst(ms)
			if !slices.Equal(ms, want) {
				t.Fatalf("n=%d: %v, sort.Slice %v", n, ms, want)
			}
		}
	}
}
