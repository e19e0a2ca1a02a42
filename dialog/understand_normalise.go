package dialog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ucToken is one normalised word of a message, with the byte span of the original text it
// came from. A contraction ("what's") gives several tokens with the same span.
type ucToken struct {
	s          string
	start, end int
}

// ucNormalise lowercases text, folds accents, drops apostrophes inside words, turns other
// punctuation into breaks, splits digits from letters ("15yo" -> "15 yo"), and maps
// contractions and texting spellings to plain words ("im" -> "i am", "wat" -> "what",
// "u" -> "you"). It never fails: bytes that are not valid UTF-8 are treated as breaks.
func ucNormalise(text string) []ucToken {
	return ucNormaliseMax(text, ucMaxText)
}

// ucNormaliseMax is ucNormalise reading at most max bytes of text.
func ucNormaliseMax(text string, max int) []ucToken {
	return ucNormaliseInto(nil, text, max)
}

// ucNormaliseInto is ucNormaliseMax writing the tokens to dst[:0] when it has room
// (a caller's stack buffer, for words it reads and drops).
func ucNormaliseInto(dst []ucToken, text string, max int) []ucToken {
	if len(text) > max {
		text = text[:max]
	}
	// First pass: folded runes into buf, with the original start of every byte kept
	// per word so spans can be recovered.
	// buf and words live on the stack for a message of ordinary length: the tokens
	// keep only norm, a copy of buf
	var bufStack [256]byte
	buf := bufStack[:0]
	if len(text)+8 > len(bufStack) {
		buf = make([]byte, 0, len(text)+8)
	}
	run := 0 // how many times the last letter was written in a row
	type rawWord struct{ bStart, bEnd, oStart, oEnd int }
	var wordsStack [32]rawWord
	words := wordsStack[:0]
	inWord := false
	var cur rawWord
	prevClass := 0 // 1 letter, 2 digit
	flush := func(oEnd int) {
		if inWord {
			cur.bEnd = len(buf)
			cur.oEnd = oEnd
			words = append(words, cur)
			inWord = false
		}
		prevClass = 0
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size <= 1 {
			flush(i)
			i++
			continue
		}
		switch {
		case r == '\'' || r == '\u2019' || r == '\u2018' || r == '`' || r == '\u00b4':
			// an apostrophe inside a word joins it ("don't" -> "dont"); elsewhere a break
			if !inWord {
				flush(i)
			}
			i += size
			continue
		case r == '£' || r == '$' || r == '€':
			flush(i)
			i += size
			continue
		}
		// leetspeak inside a word ("k1ll", "su1c1de", "h@rm") reads as the letter
		if prevClass == 1 && inWord {
			if l, ok := ucLeet(r); ok && i+size < len(text) {
				if nr, _ := utf8.DecodeRuneInString(text[i+size:]); unicode.IsLetter(nr) {
					r = l
				}
			}
		}
		r = ucFold(r)
		class := 0
		switch {
		case unicode.IsLetter(r):
			class = 1
		case unicode.IsDigit(r):
			class = 2
		}
		if class == 0 {
			flush(i)
			i += size
			continue
		}
		if inWord && prevClass != class {
			// "15yo" -> "15" "yo"; "y10" -> "y" "10"
			flush(i)
		}
		if !inWord {
			inWord = true
			cur = rawWord{bStart: len(buf), oStart: i}
			run = 0
		}
		// "helloooo", "heyyy": a letter written three or more times in a row counts once
		if class == 1 && r < utf8.RuneSelf && len(buf) > cur.bStart && buf[len(buf)-1] == byte(r) {
			run++
			if run == 2 {
				buf = buf[:len(buf)-1] // the third: drop the second and this one
			}
			if run >= 2 {
				i += size
				continue
			}
		} else {
			run = 0
		}
		buf = utf8.AppendRune(buf, r)
		prevClass = class
		i += size
	}
	flush(len(text))
	norm := string(buf)

	out := dst[:0]
	if cap(out) < len(words)+4 {
		out = make([]ucToken, 0, len(words)+4)
	}
	for wi := 0; wi < len(words); wi++ {
		w := words[wi]
		s := norm[w.bStart:w.bEnd]
		// "6th", "1st": digits and an ordinal suffix written together stay one word
		if wi+1 < len(words) && s[0] >= '0' && s[0] <= '9' && words[wi+1].oStart == w.oEnd {
			switch norm[words[wi+1].bStart:words[wi+1].bEnd] {
			case "st", "nd", "rd", "th":
				n := words[wi+1]
				out = append(out, ucToken{s: norm[w.bStart:n.bEnd], start: w.oStart, end: n.oEnd})
				wi++
				continue
			}
		}
		// texting words of letters and digits written together ("sum1", "in2", "h8")
		if wi+1 < len(words) && words[wi+1].oStart == w.oEnd {
			if exp, ok := ucSpellings[norm[w.bStart:words[wi+1].bEnd]]; ok {
				n := words[wi+1]
				for _, e := range exp {
					out = append(out, ucToken{s: e, start: w.oStart, end: n.oEnd})
				}
				wi++
				continue
			}
		}
		if sw, ok := ucShortWords[s]; ok && len(out) > 0 && wi+1 < len(words) && sw.after[out[len(out)-1].s] {
			out = append(out, ucToken{s: sw.word, start: w.oStart, end: w.oEnd})
			continue
		}
		if exp, ok := ucSpellings[s]; ok {
			for _, e := range exp {
				out = append(out, ucToken{s: e, start: w.oStart, end: w.oEnd})
			}
			continue
		}
		out = append(out, ucToken{s: s, start: w.oStart, end: w.oEnd})
	}
	return out
}

// ucMaxText bounds the work the understander does on one message; longer text is cut (the
// cut is made on a byte boundary and any broken rune is treated as a break). The
// safeguarding gate reads up to sgMaxText, so a disclosure at the end of a long message
// is still seen.
const (
	ucMaxText = 4096
	sgMaxText = 256 << 10
)

// ucFold lowercases a rune and removes common Latin accents.
func ucFold(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}
	r = unicode.ToLower(r)
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā':
		return 'a'
	case 'ç', 'ć', 'č':
		return 'c'
	case 'è', 'é', 'ê', 'ë', 'ē', 'ę':
		return 'e'
	case 'ì', 'í', 'î', 'ï', 'ī':
		return 'i'
	case 'ñ', 'ń':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō':
		return 'o'
	case 'ù', 'ú', 'û', 'ü', 'ū':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'ß':
		return 's'
	}
	return r
}

// ucJoin renders tokens as one space-separated string (for cues and tests).
func ucJoin(toks []ucToken) string {
	var sb strings.Builder
	for i, t := range toks {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(t.s)
	}
	return sb.String()
}

// ucLeet maps digits and symbols used for letters.
func ucLeet(r rune) (rune, bool) {
	switch r {
	case '0':
		return 'o', true
	case '1', '!':
		return 'i', true
	case '3':
		return 'e', true
	case '4', '@':
		return 'a', true
	case '5', '$':
		return 's', true
	case '7':
		return 't', true
	}
	return 0, false
}
