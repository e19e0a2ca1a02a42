package dialog

import (
	"strings"
)

// FKGrade is the Flesch-Kincaid grade level of a text, computed exactly as the
// project's scorer does (eval/score.py fk_grade): sentences are runs of .!? followed
// by a space or the end; words are letters with ' and -; syllables are vowel groups
// (y counts), minus a silent final e (not -le), at least one.
func FKGrade(text string) float64 {
	sentences := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c == '.' || c == '!' || c == '?' {
			j := i
			for j < len(text) && (text[j] == '.' || text[j] == '!' || text[j] == '?') {
				j++
			}
			if j == len(text) || isPySpace(text[j]) {
				sentences++
			}
			i = j
			continue
		}
		i++
	}
	if sentences == 0 {
		sentences = 1
	}
	words, syl := 0, 0
	for i := 0; i < len(text); {
		if !isASCIILetter(text[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && (isASCIILetter(text[j]) || text[j] == '\'' || text[j] == '-') {
			j++
		}
		words++
		syl += syllables(text[i:j])
		i = j
	}
	if words == 0 {
		return 0
	}
	return 0.39*float64(words)/float64(sentences) + 11.8*float64(syl)/float64(words) - 15.59
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isPySpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func syllables(word string) int {
	w := strings.ToLower(word)
	n := 0
	in := false
	for i := 0; i < len(w); i++ {
		v := strings.IndexByte("aeiouy", w[i]) >= 0
		if v && !in {
			n++
		}
		in = v
	}
	if strings.HasSuffix(w, "e") && n > 1 && !strings.HasSuffix(w, "le") {
		n--
	}
	if n < 1 {
		n = 1
	}
	return n
}
