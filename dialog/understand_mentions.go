package dialog

import (
	"context"

	"github.com/careersbot/careersbot/lmi"
)

// The store's scan of a whole message can miss a job the store's own title search finds
// ("how do you become a train driver" finds nothing, "train driver" alone finds train
// drivers; "police or army" finds only the police). When a message asks about a job,
// the understander searches the leftover content words itself: a word just before a found
// mention ("train" + "driver"), and runs of words that are neither function words nor
// cue words. Only confident title matches (ucMinRunScore) count, so nothing is guessed.

// ucMinRunScore is the least search score for a leftover run of words to count as a job.
const ucMinRunScore = 0.95

// ucJobCueWords are cue words that are also jobs or fields of work; a leftover run may
// hold them ("train driver", "join the army", "care jobs").
var ucJobCueWords = ucWordSet("train", "trains", "police", "army", "navy", "raf", "marines",
	"fire", "care", "bar", "military", "retail", "nursing", "teaching", "hair",
	"beauty", "law", "construction", "engineering", "plumbing", "building", "hospitality")

// ucFunctionWords are words that never start or sit inside a job title in a question.
var ucFunctionWords = ucWordSet(
	"a", "an", "the", "i", "you", "he", "she", "it", "we", "they", "me", "my", "your", "his",
	"her", "our", "their", "them", "us", "is", "are", "was", "were", "be", "been", "being", "am",
	"do", "does", "did", "doing", "done", "have", "has", "had", "will", "would", "can", "could",
	"should", "shall", "may", "might", "must", "not", "no", "yes", "what", "which", "who",
	"whom", "whose", "when", "where", "why", "how", "that", "this", "these", "those", "there",
	"here", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto", "about",
	"as", "or", "and", "but", "if", "so", "than", "then", "too", "very", "just", "also", "any",
	"some", "all", "much", "many", "more", "most", "less", "least", "get", "gets", "got",
	"getting", "go", "going", "want", "wants", "wanted", "need", "needs", "like", "know",
	"think", "really", "please", "pls", "lol", "year", "years", "month", "week", "day", "days",
	"hour", "hours", "old", "new", "good", "bad", "best", "well", "much", "long", "uk",
	"england", "scotland", "wales", "ireland", "britain", "job", "jobs", "work", "works",
	"working", "career", "careers", "become", "becoming", "join", "joining", "someone", "people",
	"person", "type", "kind", "sort", "way", "ways", "thing", "things", "one", "ones", "per",
	"average", "typical", "typically", "usually", "normally", "actually", "exactly", "roughly",
	"around", "near", "nearby", "local", "after", "before", "now", "still", "ever", "never",
)

// ucOccIntents are the intents that ask about one or more particular jobs.
var ucOccIntents = ucWordSet(IntentPay, IntentDescribe, IntentEntry, IntentHours,
	IntentOutlook, IntentVacancies, IntentCompare)

// moreMentions returns ms with mentions the store's scan missed, in text order, and
// whether any was added.
func (u *Understander) moreMentions(ctx context.Context, text string, toks []ucToken, ms []lmi.Mention, place *lmi.PlaceMatch) ([]lmi.Mention, bool) {
	added := false
	covered := func(t ucToken) bool {
		for _, m := range ms {
			if t.start < m.End && m.Start < t.end {
				return true
			}
		}
		if place != nil && place.End > place.Start && t.start < place.End && place.Start < t.end {
			return true
		}
		return false
	}
	// 1. a word just before a mention that makes a better title: "train" + "driver"
	for i := range ms {
		k := -1
		for j, t := range toks {
			if t.start >= ms[i].Start {
				k = j
				break
			}
		}
		if k <= 0 {
			continue
		}
		p := toks[k-1]
		if p.end > ms[i].Start || covered(p) || ucFunctionWords[p.s] || (u.known[p.s] && !ucJobCueWords[p.s]) {
			continue
		}
		if p.start < 0 || ms[i].End > len(text) || p.start >= ms[i].End {
			continue
		}
		q := text[p.start:ms[i].End]
		res, err := u.store.SearchOccupations(ctx, q, 3)
		if err != nil || len(res) == 0 || res[0].Score < ucMinRunScore || res[0].Score < ms[i].Candidates[0].Score || res[0].SOC2020 == ms[i].Candidates[0].SOC2020 {
			continue
		}
		ms[i] = lmi.Mention{Text: q, Start: p.start, End: ms[i].End, Candidates: res}
		added = true
	}
	// 2. runs of leftover content words ("paramedics", "army", "train driver")
	if len(ms) >= 3 {
		return ms, added
	}
	for i := 0; i < len(toks) && len(ms) < 3; {
		if !u.runWord(toks[i]) || covered(toks[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && j-i < 3 && u.runWord(toks[j]) && !covered(toks[j]) {
			j++
		}
		s, e := toks[i].start, toks[j-1].end
		run := toks[i:j]
		i = j
		if s < 0 || e > len(text) || s >= e {
			continue
		}
		res, err := u.store.SearchOccupations(ctx, text[s:e], 3)
		if err != nil || len(res) == 0 || ucHasSOC(ms, res[0].SOC2020) {
			continue
		}
		if res[0].Score < 1 && len(run) == 1 && ucEverydayWords[run[0].s] {
			continue // "a pilot with glasses" is not about glass makers
		}
		if res[0].Score < ucMinRunScore {
			continue // spelling corrections of leftover words are too often everyday words ("range")
		}
		ms = append(ms, lmi.Mention{Text: text[s:e], Start: s, End: e, Candidates: res})
		added = true
	}
	if added {
		ms = ucOrderMentions(ms)
	}
	return ms, added
}

// runWord reports whether a word may be part of a leftover job title.
func (u *Understander) runWord(t ucToken) bool {
	if ucFunctionWords[t.s] || len(t.s) < 2 {
		return false
	}
	if t.s[0] >= '0' && t.s[0] <= '9' {
		return false
	}
	return !u.known[t.s] || ucJobCueWords[t.s]
}

func ucHasSOC(ms []lmi.Mention, soc string) bool {
	for _, m := range ms {
		if m.Candidates[0].SOC2020 == soc {
			return true
		}
	}
	return false
}
