package lmi

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPhraseHashMatchesSortedSearch checks the hash index against the binary search
// of the sorted phrase table it replaces: every key, every key with a letter changed
// or cut, and every first word and its prefixes.
func TestPhraseHashMatchesSortedSearch(t *testing.T) {
	st, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	idx, err := st.index()
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.phrases) < 1000 {
		t.Fatalf("only %d phrases", len(idx.phrases))
	}
	h := idx.hashed()
	rng := rand.New(rand.NewPCG(13, 3))
	probes := []string{"", " ", "a", "zzzz", "nurse ", " nurse"}
	for _, p := range idx.phrases {
		k := p.key
		probes = append(probes, k, k+"s", k+" ", k[:len(k)-1])
		b := []byte(k)
		b[rng.IntN(len(b))] = byte('a' + rng.IntN(26))
		probes = append(probes, string(b))
		if f, ok := firstWord(k); ok {
			probes = append(probes, f, f[:len(f)/2])
		}
	}
	tests := []struct {
		name string
		got  func(string) (int32, bool)
		want func(string) (int32, bool)
	}{
		{"lookupBytes", func(k string) (int32, bool) { return idx.lookupBytes([]byte(k)) }, func(k string) (int32, bool) { return idx.lookupSorted([]byte(k)) }},
		{"lookup", idx.lookup, func(k string) (int32, bool) { return idx.lookupSorted([]byte(k)) }},
		{"startsWith", func(w string) (int32, bool) { return 0, h.startsWith(idx.phrases, w) }, func(w string) (int32, bool) {
			if strings.Contains(w, " ") {
				return 0, h.startsWith(idx.phrases, w) // not a word: not compared
			}
			_, ok := idx.lookupPrefix(w + " ")
			return 0, ok
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits := 0
			for _, k := range probes {
				gi, gok := tc.got(k)
				wi, wok := tc.want(k)
				if gi != wi || gok != wok {
					t.Fatalf("%q: got %d %v, want %d %v", k, gi, gok, wi, wok)
				}
				if gok {
					hits++
				}
			}
			if hits == 0 || hits == len(probes) {
				t.Fatalf("%d of %d probes found: the probes test nothing", hits, len(probes))
			}
		})
	}
}

func BenchmarkPhraseLookup(b *testing.B) {
	st, err := LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	idx, err := st.index()
	if err != nil {
		b.Fatal(err)
	}
	keys := make([][]byte, 0, 256)
	for i := 0; i < len(idx.phrases) && len(keys) < cap(keys); i += len(idx.phrases) / 128 {
		keys = append(keys, []byte(idx.phrases[i].key), []byte(idx.phrases[i].key+"x"))
	}
	for _, bc := range []struct {
		name string
		f    func([]byte) (int32, bool)
	}{{"hash", idx.lookupBytes}, {"sorted", idx.lookupSorted}} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				bc.f(keys[i%len(keys)])
			}
		})
	}
}
