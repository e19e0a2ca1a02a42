package lmi

import (
	"sort"
	"strings"
)

// Fields of work named by an adjective before a work word ("a legal apprenticeship",
// "the legal field", "biological jobs"): when the word is no job title itself, nor one
// by word form, it stands for the unit group that most of the index's titles beginning
// with it belong to ("legal executive", "legal assistant", "legal adviser" ... ->
// Legal associate professionals), provided that group's own SOC title uses the word
// too. Derived from the coding index, not listed; only the adjectives that describe a
// job rather than name its field ("a physical job", "local jobs") are.

// fieldHeadMin is how many titles must begin with a word for it to name a field.
const fieldHeadMin = 3

// fieldHeadScore is the score of a field-word mention: above the store's spelling
// guesses, below a title matched as written.
const fieldHeadScore = 0.9

// fieldAdjective reports whether w has the form of an adjective or noun naming a field
// ("legal", "clinical", "veterinary", "nursery", "electronic"), not an everyday
// modifier ("first", "dream", "summer", "office").
func fieldAdjective(w string) bool {
	if len(w) < 5 {
		return false
	}
	for _, suf := range [...]string{"al", "ary", "ery", "ic", "ical"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// describingAdjectives say what a job is like or where, not what field it is in.
var describingAdjectives = toSet(`local physical normal general typical practical special social national
international personal professional manual natural real actual usual regular casual seasonal digital
industrial commercial residential financial`)

type fieldHead struct {
	soc  string
	want bool // false: w names no field
}

// fieldHead adds to best the unit group that the titles beginning with w mostly belong
// to, when at least fieldHeadMin titles do. Each title shares one vote among its unit
// groups by their evidence. The answer is worked out once per word.
func (idx *searchIndex) fieldHead(w string, best map[string]scored) {
	if !fieldAdjective(w) || describingAdjectives[w] {
		return
	}
	var fh fieldHead
	if c, ok := idx.headCache.Load(w); ok {
		fh = c.(fieldHead)
	} else {
		fh = idx.computeFieldHead(w)
		idx.headCache.Store(w, fh)
	}
	if fh.want {
		put(best, fh.soc, fieldHeadScore, w)
	}
}

// titleVotes shares out the evidence of the index titles that begin with the word w (at
// most 2,000 of them), each title's weights summing to one, over its unit groups that
// keep accepts (nil: all); it returns the votes and how many titles had evidence.
func (idx *searchIndex) titleVotes(w string, keep func(soc string) bool) (map[string]float64, int) {
	prefix := w + " "
	i := sort.Search(len(idx.phrases), func(i int) bool { return idx.phrases[i].key >= prefix })
	votes := map[string]float64{}
	n := 0
	for ; i < len(idx.phrases) && strings.HasPrefix(idx.phrases[i].key, prefix) && n < 2000; i++ {
		ev := idx.socs(int32(i))
		sum := 0.0
		for _, e := range ev {
			sum += e.w
		}
		if sum <= 0 {
			continue
		}
		for _, e := range ev {
			if keep == nil || keep(e.soc) {
				votes[e.soc] += e.w / sum
			}
		}
		n++
	}
	return votes, n
}

func (idx *searchIndex) computeFieldHead(w string) fieldHead {
	votes, n := idx.titleVotes(w, nil)
	if n < fieldHeadMin {
		return fieldHead{}
	}
	top, topV := "", 0.0
	for soc, v := range votes {
		if _, ok := idx.units[soc]; ok && (v > topV || v == topV && soc < top) {
			top, topV = soc, v
		}
	}
	if top == "" || !strings.Contains(strings.ToLower(idx.units[top].title), w) {
		return fieldHead{}
	}
	return fieldHead{soc: top, want: true}
}

// Fields named by a noun that several kinds of job work in ("radiology": radiologists,
// who are doctors, and the radiographers and assistant practitioners of the index's
// "radiology advanced practitioner", "radiology assistant practitioner"). When a single
// word of the form of a field noun (fieldNoun) is read as a job only through a word
// form ("radiology" -> radiologist), the professional and associate professional unit
// groups (SOC major groups 2 and 3) of the titles that begin with the word are offered
// beside it, scored just below it, so the mention is ambiguous and the reply asks which
// job is meant. Derived from the coding index, like fieldHead.

// fieldNounMax is how many unit groups a field noun adds.
const fieldNounMax = 3

// fieldNoun reports whether w has the form of the name of a discipline ("radiology",
// "cardiology", "sonography", "psychiatry").
func fieldNoun(w string) bool {
	if len(w) < 7 {
		return false
	}
	for _, suf := range [...]string{"ology", "ography", "iatry"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// fieldNounGroups adds to best the groups of the titles beginning with w, when best
// holds only word-form readings of w (nothing scored as w itself).
func (idx *searchIndex) fieldNounGroups(w string, best map[string]scored) {
	if !fieldNoun(w) || len(best) == 0 {
		return
	}
	top := topScore(best)
	if top >= fieldHeadScore {
		return // w is a title or alias itself ("radiography")
	}
	var groups []string
	if c, ok := idx.nounCache.Load(w); ok {
		groups = c.([]string)
	} else {
		groups = idx.computeFieldNounGroups(w)
		idx.nounCache.Store(w, groups)
	}
	for k, soc := range groups {
		if _, ok := best[soc]; !ok {
			put(best, soc, top-0.01*float64(k+1), w)
		}
	}
}

func (idx *searchIndex) computeFieldNounGroups(w string) []string {
	votes, n := idx.titleVotes(w, func(soc string) bool {
		u, ok := idx.units[soc]
		return ok && u.minor != "" && (u.minor[0] == '2' || u.minor[0] == '3')
	})
	if n < fieldHeadMin {
		return nil
	}
	groups := rankedGroups(votes)
	if len(groups) > fieldNounMax {
		groups = groups[:fieldNounMax]
	}
	return groups
}

// rankedGroups is the unit groups of votes, most votes first (ties by code).
func rankedGroups(votes map[string]float64) []string {
	groups := make([]string, 0, len(votes))
	for soc := range votes {
		groups = append(groups, soc)
	}
	sort.Slice(groups, func(a, b int) bool {
		if votes[groups[a]] != votes[groups[b]] {
			return votes[groups[a]] > votes[groups[b]]
		}
		return groups[a] < groups[b]
	})
	return groups
}
