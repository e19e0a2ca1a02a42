package lmi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a text with its byte span in the original.
type token struct {
	norm       string // lower case, stemmed (singular)
	raw        string // lower case as written
	start, end int
	capital    bool // written with a leading capital letter
	upper      bool // written all in capitals
	// the word sets raw and norm are in (token_sets.go)
	rawSets, normSets tokenSet
}

func (t token) rawText() string {
	if t.upper {
		return strings.ToUpper(t.raw)
	}
	return t.raw
}

// tokenize splits text into words (letters and digits; an apostrophe inside or at
// the end of a word is dropped, so "chefs'" and "doctor's" become "chefs" and
// "doctor"). Invalid UTF-8 is treated as a separator.
func tokenize(text string) []token {
	return appendTokens(nil, text)
}

// appendTokens is tokenize appending to dst; with too little room in dst it makes one
// slice for all the words (at most one per separator, plus one).
func appendTokens(dst []token, text string) []token {
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
		// ASCII is read a byte at a time: a letter or digit is a word's, anything
		// else a break (isWordRune and unicode.ToLower agree on it)
		if c := text[i]; c < utf8.RuneSelf && !isWordByte(c) {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) || (r == utf8.RuneError && size == 1) {
			i += size
			continue
		}
		start := i
		buf = buf[:0]
		for i < len(text) {
			if c := text[i]; c < utf8.RuneSelf && isWordByte(c) {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf = append(buf, c)
				i++
				continue
			}
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
		toks = append(toks, makeToken(raw, orig, allUpper(orig), start, i))
		if len(toks) > 4000 { // a message this long is not a question; stop early
			break
		}
	}
	return toks
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// stem reduces an English word to a singular-ish form so that "nurses", "nurse",
// "chefs" and "chef" agree. It is applied the same way to titles and queries, so it
// only has to be consistent, not linguistically right.
func stem(w string) string {
	switch w {
	case "advisor", "advisors":
		return "adviser"
	case "men":
		return "man"
	case "women":
		return "woman"
	}
	n := len(w)
	if n <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "wives"):
		return w[:n-5] + "wife"
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes"):
		return w[:n-2]
	case strings.HasSuffix(w, "men") && n > 5:
		return w[:n-3] + "man" // firemen, tradesmen
	case strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is") || strings.HasSuffix(w, "ics"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:n-1]
	}
	return w
}

// capsPlural reports whether s is an abbreviation of two to four capitals written
// with a plural or possessive "s" ("OTs", "EMTs", "OT's"), and whether the "s" is
// still part of the word (not dropped with its apostrophe).
func capsPlural(s string) (abbrev, plural bool) {
	caps := func(a string) bool {
		if len(a) < 2 || len(a) > 4 {
			return false
		}
		for i := 0; i < len(a); i++ {
			if a[i] < 'A' || a[i] > 'Z' {
				return false
			}
		}
		return true
	}
	if t := strings.TrimSuffix(strings.TrimSuffix(s, "'s"), "’s"); t != s {
		return caps(t), false
	}
	if len(s) > 2 && s[len(s)-1] == 's' && caps(s[:len(s)-1]) {
		return true, true
	}
	return false, false
}

// allUpper reports whether s is written all in capitals: strings.ToUpper(s) == s &&
// strings.ToLower(s) != s, without building either (s is valid UTF-8).
func allUpper(s string) bool {
	cased := false
	for i := 0; i < len(s); i++ { // ASCII first, a byte at a time
		c := s[i]
		if c >= utf8.RuneSelf {
			return allUpperRunes(s[i:], cased)
		}
		if 'a' <= c && c <= 'z' {
			return false
		}
		if 'A' <= c && c <= 'Z' {
			cased = true
		}
	}
	return cased
}

// allUpperRunes is allUpper for the rest of s from its first non-ASCII rune, cased
// saying whether a capital came before.
func allUpperRunes(s string, cased bool) bool {
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

// normalize returns the stemmed words of text joined by single spaces.
func normalize(text string) string {
	toks := tokenize(text)
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.norm
	}
	return strings.Join(parts, " ")
}

// editDistance is the optimal-string-alignment distance between a and b (bytes:
// insertions, deletions, substitutions and adjacent transpositions), stopping early
// once it must exceed max (it then returns max+1).
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	var pp, prev, cur []int
	if len(b) < 40 { // on the stack: this runs for many words per query
		var buf [3][41]int
		pp, prev, cur = buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	} else {
		pp, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := prev[j-1] + cost
			if prev[j]+1 < v {
				v = prev[j] + 1
			}
			if cur[j-1]+1 < v {
				v = cur[j-1] + 1
			}
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] && pp[j-2]+1 < v {
				v = pp[j-2] + 1
			}
			cur[j] = v
			if v < rowMin {
				rowMin = v
			}
		}
		if rowMin > max {
			return max + 1
		}
		pp, prev, cur = prev, cur, pp
	}
	if prev[len(b)] > max {
		return max + 1
	}
	return prev[len(b)]
}

// letterMask has one bit per letter a-z present in w. One edit changes at most two
// bits, so words whose masks differ in more than 2*d bits are more than d edits apart.
func letterMask(w string) uint32 {
	var m uint32
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 'a' && c <= 'z' {
			m |= 1 << (c - 'a')
		}
	}
	return m
}

// soundKey is a rough English sound-alike key for spellings typed by ear
// ("soljer" and "soldier", "recepshunist" and "receptionist", "fizio" and
// "physio"): common spellings of the same sound are folded together, doubled
// letters collapse and vowels after the first letter are dropped.
func soundKey(w string) string {
	isV := func(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' }
	var b []byte
	n := len(w)
	for i := 0; i < n; i++ {
		c := w[i]
		next := byte(0)
		if i+1 < n {
			next = w[i+1]
		}
		after := byte(0)
		if i+2 < n {
			after = w[i+2]
		}
		switch {
		case c < 'a' || c > 'z':
			continue
		case (c == 't' || c == 's' || c == 'c' || c == 'z') && next == 'i' && isV(after) && i > 0:
			b = append(b, 'S') // -tion, -sion, -cian: "sh"
			i++
		case c == 's' && next == 'h':
			b = append(b, 'S')
			i++
		case c == 'c' && next == 'h':
			b = append(b, 'k') // "chemist", "mechanic" ("chef" is left to spelling fixes)
			i++
		case c == 'p' && i == 0 && (next == 's' || next == 'n'):
			// silent first letter: "psychologist", "pneumatic"
		case c == 'd' && next == 'i' && isV(after) && i > 0, c == 'd' && next == 'g' && (after == 'e' || after == 'i'):
			b = append(b, 'j') // "soldier", "judge"
			i++
		case c == 'g' && (next == 'e' || next == 'i') && i > 0:
			b = append(b, 'j')
		case c == 'p' && next == 'h':
			b = append(b, 'f')
			i++
		case c == 'g' && next == 'h':
			i++
		case c == 'c' && next == 'k', c == 'q':
			b = append(b, 'k')
		case c == 'c' && (next == 'e' || next == 'i' || next == 'y'):
			b = append(b, 's')
		case c == 'c':
			b = append(b, 'k')
		case c == 'x':
			b = append(b, 'k', 's')
		case c == 'z':
			b = append(b, 's')
		case (c == 'w' && next == 'r') || (c == 'k' && next == 'n' && i == 0):
			// silent first letter
		case isV(c):
			if i == 0 {
				b = append(b, 'a')
			}
		default:
			b = append(b, c)
		}
	}
	out := b[:0]
	for i, c := range b {
		if i > 0 && b[i-1] == c {
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

// makeToken is the token of a word: raw is its lower-case form, orig the text as written
// (text[start:end]), upper whether orig is all capitals.
func makeToken(raw, orig string, upper bool, start, end int) token {
	fr, _ := utf8.DecodeRuneInString(orig)
	norm := stem(raw)
	if !upper {
		// "OTs", "PAs", "OT's": an abbreviation written in capitals, with its "s"
		if abbrev, plural := capsPlural(orig); abbrev {
			upper = true
			if plural {
				norm = raw[:len(raw)-1]
			}
		}
	}
	rs := wordSets(raw)
	ns := rs
	if norm != raw {
		ns = wordSets(norm)
	}
	return token{norm: norm, raw: raw, start: start, end: end, capital: unicode.IsUpper(fr), upper: upper, rawSets: rs, normSets: ns}
}
