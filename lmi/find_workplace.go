package lmi

import (
	"strings"
)

// Places of work named instead of a job ("work at a zoo", "a job in a bank", "work in
// a nursery", "get into the police", "work in a hospital lab"): when the noun after a
// work word and a preposition is no job title itself, it stands for the unit groups
// whose coding-index titles use it ("zoo keeper", "nursery nurse", "nursery teacher",
// "bank clerk", "police constable", "laboratory assistant (hospital)"). Each title adds
// its evidence to its groups, so the everyday names (curated aliases, weighted 100)
// lead; managers and directors (SOC major group 1) are left out, as working at a place
// is rarely running it. Up to workplaceMax groups within workplaceShare of the best
// are offered, and more than one makes the mention ambiguous: the reply asks which.
// Derived from the coding index, not listed per place.

// workplaceMax is how many unit groups a place of work offers.
const workplaceMax = 3

// workplaceShare is the least evidence a group needs, as a share of the best group's.
const workplaceShare = 0.3

// workplaceMinTitles is how many index titles must use the word for it to name a
// place of work.
const workplaceMinTitles = 2

// workplaceScore is the score of the best group of a place of work (the others follow
// 0.01 apart): a field-word reading, above the store's spelling guesses.
const workplaceScore = fieldHeadScore

// workplaceWork are the words that put a place of work after them ("work at", "a job
// in", "get into the"), with the prepositions that may follow each.
var workplaceWork = map[string]string{
	"work": "at in", "works": "at in", "working": "at in", "worked": "at in", "job": "at in", "jobs": "at in",
	"placement": "at in", "experience": "at in", "career": "in", "careers": "in", "volunteer": "at in",
	"volunteering": "at in", "apprenticeship": "at in", "get": "into", "getting": "into", "join": "",
	"joining": "", "go": "into", "going": "into",
}

// workplaceTimes are nouns of time that follow "work in the" ("work in the evenings")
// and name no place.
var workplaceTimes = toSet(`morning mornings evening evenings night nights weekend weekends summer winter holiday
holidays day days week weeks future past meantime end`)

// workplaceContext reports whether the word at i names where someone would work: after
// a work word, its preposition and "a", "an" or "the" ("work at a zoo", "get into the
// police", "join the police"), or a plural after the preposition alone ("work in
// hospitals"). One modifier may come between ("work in a hospital lab").
func workplaceContext(toks []token, i int) bool {
	ok, _ := workplaceContextWord(toks, i)
	return ok
}

// workplaceShop reports whether the word at i, in a workplace context, is a job's name
// in the plural after "a" or "an" ("a job at a vets", "work at a hairdressers"): the
// possessive name of the place that job works in ("the vet's"), so the jobs there.
func workplaceShop(toks []token, i int) bool {
	return i > 0 && (toks[i-1].raw == "a" || toks[i-1].raw == "an") && toks[i].norm != toks[i].raw &&
		strings.HasSuffix(toks[i].raw, "s") && !toks[i].upper
}

// workplaceJobNouns are the work words that name jobs, not work done: the place after
// them is where the jobs are ("the best paid job in the nhs", "what jobs are there in a
// hospital"), not a job asked about.
var workplaceJobNouns = toSet("job jobs career careers")

// workplaceContextWord is workplaceContext and whether the work word is a job noun
// (workplaceJobNouns).
func workplaceContextWord(toks []token, i int) (ok, jobNoun bool) {
	if workplaceTimes[toks[i].raw] || workplaceTimes[toks[i].norm] {
		return false, false
	}
	j := i - 1
	modified := false
	if j >= 0 && !findStop[toks[j].raw] && !findStop[toks[j].norm] {
		j-- // a modifier: "a hospital lab"
		modified = true
	}
	article := j >= 0 && (toks[j].raw == "a" || toks[j].raw == "an" || toks[j].raw == "the")
	switch {
	case article:
		j--
	case modified || toks[i].norm == toks[i].raw:
		return false, false // "work at home", "work in care", "a job in simple words"
	}
	if j < 0 {
		return false, false
	}
	prep := toks[j].raw
	if (prep == "join" || prep == "joining") && article {
		return true, false // "join the police"
	}
	if prep != "at" && prep != "in" && prep != "into" {
		return false, false
	}
	if j < 1 {
		return false, false
	}
	preps, ok := workplaceWork[toks[j-1].raw]
	if !ok || !strings.Contains(" "+preps+" ", " "+prep+" ") {
		return false, false
	}
	return true, workplaceJobNouns[toks[j-1].raw]
}

// workplace adds to best the unit groups of the place of work w. It reports whether
// it added more than one (the mention is then ambiguous).
func (idx *searchIndex) workplace(w string, best map[string]scored) bool {
	groups := idx.workplaceGroups(w)
	for k, soc := range groups {
		put(best, soc, workplaceScore-0.01*float64(k), w)
	}
	return len(groups) > 1
}

// workplaceGroups is the unit groups of the place of work w, best first (none: w
// names no place of work), worked out once per word.
func (idx *searchIndex) workplaceGroups(w string) []string {
	if c, ok := idx.placeCache.Load(w); ok {
		return c.([]string)
	}
	groups := idx.computeWorkplace(w)
	idx.placeCache.Store(w, groups)
	return groups
}

func (idx *searchIndex) computeWorkplace(w string) []string {
	post := idx.postings(w)
	votes := map[string]float64{}
	n := 0
	var evBuf [8]evidence
	for _, id := range post {
		p := &idx.phrases[id]
		if !strings.Contains(" "+p.key+" ", " "+w+" ") {
			continue // the word's postings hold its forms; the title must use it as written
		}
		n++
		for _, e := range idx.appendSOCs(evBuf[:0], id) {
			u, ok := idx.units[e.soc]
			if !ok || u.minor == "" || u.minor[0] == '1' {
				continue
			}
			votes[e.soc] += e.w
		}
	}
	if n < workplaceMinTitles || len(votes) == 0 {
		return nil
	}
	groups := rankedGroups(votes)
	top := votes[groups[0]]
	k := 1
	for k < len(groups) && k < workplaceMax && votes[groups[k]] >= workplaceShare*top {
		k++
	}
	return groups[:k:k]
}
