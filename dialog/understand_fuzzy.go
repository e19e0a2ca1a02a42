package dialog

// Typo tolerance for a short list of long, distinctive cue words ("qualifcations",
// "aprenticeship", "vacansies"): a word one edit away (a letter missing, extra, changed
// or two letters swapped) from exactly one of them is read as it. The list is kept to
// words no everyday word sits one edit away from, so "learning" never becomes "earning".
var ucFuzzyWords = []string{
	"salary", "salaries", "qualifications", "qualification", "requirements", "apprenticeship",
	"apprenticeships", "vacancies", "university", "difference", "appointment", "suggestions",
	"recommend", "weekends", "automation", "shortage", "overtime", "comparison", "describe",
	"description", "responsibilities", "subjects", "interested", "enjoy", "highest",
	"available", "demand", "future", "replaced", "thanks", "hello", "goodbye",
}

// ucFuzzy maps each deletion variant of a fuzzy word (and the word itself) to the word, or
// to "" when two words share it.
type ucFuzzy struct {
	index map[string]string
	words map[string]bool
}

func newUCFuzzy(words []string) *ucFuzzy {
	f := &ucFuzzy{index: make(map[string]string), words: make(map[string]bool)}
	add := func(k, w string) {
		if old, ok := f.index[k]; ok && old != w {
			f.index[k] = ""
			return
		}
		f.index[k] = w
	}
	for _, w := range words {
		f.words[w] = true
		add(w, w)
		for i := 0; i < len(w); i++ {
			add(w[:i]+w[i+1:], w)
		}
	}
	return f
}

// correct returns the fuzzy word tok is a typo of, or "" when none or unsure. known says
// tok is a word the understander already knows (never corrected).
func (f *ucFuzzy) correct(tok string, buf []byte) string {
	if len(tok) < 5 || len(tok) > 20 || f.words[tok] {
		return ""
	}
	// tok is a fuzzy word with a letter missing
	if w, ok := f.index[tok]; ok {
		return w
	}
	// tok has an extra, changed or swapped letter: compare deletion variants
	found := ""
	for i := 0; i < len(tok); i++ {
		buf = append(buf[:0], tok[:i]...)
		buf = append(buf, tok[i+1:]...)
		w, ok := f.index[string(buf)]
		if !ok || w == "" {
			continue
		}
		if found != "" && found != w {
			return ""
		}
		found = w
	}
	return found
}
