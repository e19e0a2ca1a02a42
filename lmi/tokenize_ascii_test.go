package lmi

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestTokenizeMatchesRuneByRune checks the tokenizer's ASCII fast path against the
// rune-by-rune tokenizer it replaced (kept below) on random runs of ASCII, accented
// and other letters, digits, apostrophes, punctuation and invalid bytes.
func TestTokenizeMatchesRuneByRune(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 3))
	parts := []string{"a", "B", "nurse", "NHS", "Leeds", "don't", "chefs'", "doctor's", "’s", "'", " ", "  ", ",", ".", "?",
		"é", "É", "ß", "Ω", "日本", "٣", "1", "42", "LS6", "\xff", "\xe2\x80", "-", "_", "\t", "\n", "İ", "ǅ"}
	for n := range 20000 {
		var b strings.Builder
		for range rng.IntN(16) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		text := b.String()
		got, want := appendTokens(nil, text), appendTokensRef(nil, text)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("case %d %q:\n got %+v\nwant %+v", n, text, got, want)
		}
	}
}

func appendTokensRef(dst []token, text string) []token {
	n := 1
	for i := 0; i < len(text) && n <= 4001; i++ {
		if !isWordByte(text[i]) {
			n++
		}
	}
	toks := dst
	if cap(dst)-len(dst) < min(n, 4001) {
		toks = make([]token, len(dst), len(dst)+min(n, 4001))
		copy(toks, dst)
	}
	var buf []byte // the word being lower-cased, reused
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) || (r == utf8.RuneError && size == 1) {
			i += size
			continue
		}
		start := i
		buf = buf[:0]
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			if isWordRune(r) {
				buf = utf8.AppendRune(buf, unicode.ToLower(r))
				i += size
				continue
			}
			if (r == '\'' || r == '’') && i+size <= len(text) {
				// possessive or contraction: skip the apostrophe and an "s" after it
				next := i + size
				if next < len(text) && (text[next] == 's' || text[next] == 'S') && (next+1 >= len(text) || !isWordByte(text[next+1])) {
					i = next + 1
					break
				}
				i = next
				if next < len(text) {
					r2, _ := utf8.DecodeRuneInString(text[next:])
					if isWordRune(r2) {
						continue // "don't", "i'm": keep going as one word
					}
				}
				break
			}
			break
		}
		if len(buf) == 0 {
			continue
		}
		// a word written in lower case is its own text: no copy
		var raw string
		if start+len(buf) <= len(text) && string(buf) == text[start:start+len(buf)] {
			raw = text[start : start+len(buf)]
		} else {
			raw = string(buf)
		}
		orig := text[start:i]
		toks = append(toks, makeToken(raw, orig, allUpperRef(orig), start, i))
		if len(toks) > 4000 { // a message this long is not a question; stop early
			break
		}
	}
	return toks
}
func allUpperRef(s string) bool {
	cased := false
	for _, r := range s {
		if unicode.ToUpper(r) != r {
			return false
		}
		if unicode.ToLower(r) != r {
			cased = true
		}
	}
	return cased
}
