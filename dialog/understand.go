package dialog

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/careersbot/careersbot/lmi"
)

// Understander finds intents and entities in one message. Safe for concurrent use.
//
// It is deterministic and explainable: the message is normalised (lowercase, accents
// folded, contractions and texting spellings expanded), occupation and place mentions are
// found by the LMI store and collapsed into the words OCC and PLACE, and weighted cue
// phrases score every intent. The best score wins; ties between two questions about a job
// go to the one written first, other ties by ucIntentPrecedence. A cue right after "not"
// ("don't want to be a vet") does not count for entry or compare. When the store's scan
// misses a place, place nicknames the store still lacks are tried (placeFallback). Job
// titles are the store's alone (FindOccupations). The cues
// that decided are kept in Understanding.Cues.
type Understander struct {
	store     lmi.Store
	nlu       *NLU
	learned   *ucLearned // nil when the data has too few examples
	cues      *ucMatcher
	interests *ucMatcher
	subjects  *ucMatcher
	skills    *ucMatcher
	ents      *ucMatcher
	places    *ucMatcher // place nicknames, tried when the store finds no place
	prec      map[string]int
	fuzzy     *ucFuzzy
	known     map[string]bool // every word some pattern uses: never corrected
	topics    map[string]bool // subject and interest words, a slot in the learned features
}

// NewUnderstander returns an Understander that finds occupations and places with store.
// store may be nil (no occupations or places are then found). It uses the embedded NLU
// data (DefaultNLU).
func NewUnderstander(store lmi.Store) *Understander {
	return NewUnderstanderNLU(store, DefaultNLU())
}

// NewUnderstanderNLU is NewUnderstander with loaded NLU data (LoadNLU).
func NewUnderstanderNLU(store lmi.Store, m *NLU) *Understander {
	u := &Understander{
		store:     store,
		nlu:       m,
		cues:      m.cues,
		interests: ucMustCompile(ucLexSpecs(ucInterestLexicon)),
		subjects:  ucMustCompile(ucLexSpecs(ucSubjectLexicon)),
		skills:    ucMustCompile(ucLexSpecs(ucSkillLexicon)),
		ents:      ucMustCompile(ucEntitySpecs),
		places:    ucMustCompile(ucLexSpecs(ucPlaceNicknames)),
		prec:      make(map[string]int, len(ucIntentPrecedence)),
		fuzzy:     newUCFuzzy(ucFuzzyWords),
		known:     make(map[string]bool),
		topics:    ucTopicWords(m.cues),
	}
	for _, m := range []*ucMatcher{u.cues, u.interests, u.subjects, u.skills, u.ents, u.places, m.sg.m} {
		for _, ph := range m.phrases {
			for _, e := range ph.elems {
				for _, a := range e.alts {
					u.known[a] = true
				}
			}
		}
	}
	for i, in := range ucIntentPrecedence {
		u.prec[in] = i
	}
	u.learned = m.learnedFor(u)
	return u
}

func ucLexSpecs(lex []ucLexEntry) []ucPatternSpec {
	out := make([]ucPatternSpec, len(lex))
	for i, e := range lex {
		out[i] = ucPatternSpec{pattern: e.pattern, label: e.word, weight: 1}
	}
	return out
}

// Understand reads one message without any conversation state. The safeguarding gate runs
// first; a flagged message has intent "safeguarding" whatever else it says.
func (u *Understander) Understand(ctx context.Context, text string) Understanding {
	return u.understand(ctx, text, false, nil)
}

// understand is Understand; gated says the caller has already run the safeguarding gate
// on this very text and found nothing, so the gate is not run twice, and toks, when not
// nil, are the gate's words for it (the text is then no longer than ucMaxText), so the
// text is not normalised twice either.
func (u *Understander) understand(ctx context.Context, text string, gated bool, toks []ucToken) Understanding {
	out := Understanding{Text: text, Intent: IntentUnknown}
	if toks == nil || !gated || len(text) > ucMaxText {
		toks = ucNormalise(text)
	}
	var flag *SafeguardingFlag
	switch {
	case gated:
	case len(text) > ucMaxText:
		flag = u.nlu.gate(text, ucNormaliseMax(text, sgMaxText)) // the gate reads the whole message
	default:
		flag = u.nlu.gate(text, toks)
	}
	if flag != nil && flag.Tier == 1 {
		out.Safeguarding = flag
	} else {
		out.Risk = flag
	}
	if len(toks) == 0 {
		if out.Safeguarding != nil {
			out.Intent, out.Confidence = IntentSafeguarding, 1
		}
		return out
	}
	// US terms to UK ones, before the store or the cues read the words (the gate above
	// read the text as written)
	if t2, ok := u.nlu.rewriteTerms(text, toks); ok {
		text = t2
		out.Text = text
		toks = ucNormalise(text)
	}

	var cbuf [32]ucToken // the collapsed words, on the stack for a message of ordinary length
	ctoks := u.collapseInto(ctx, text, toks, &out, cbuf[:0])
	u.entities(toks, ctoks, &out)
	u.classify(ctoks, &out)
	out.PayUnit, out.Without, out.Apprentice = payUnit(text), withoutIn(text, out.NoDegree), apprenticeIn(text)
	if out.Intent == IntentBestPaid && !out.NoDegree && ucAsksTrades(toks) {
		// "best paid apprenticeships", "highest paying trades": jobs without a degree
		out.NoDegree = true
	}
	if out.Safeguarding != nil {
		out.Intent, out.Confidence = IntentSafeguarding, 1
		out.Cues = append([]string{"safeguarding (" + out.Safeguarding.Category + "): \"" + out.Safeguarding.Matched + "\""}, out.Cues...)
	}
	if out.Risk != nil {
		out.Cues = append(out.Cues, "check in (tier 2, "+out.Risk.Category+"): \""+out.Risk.Matched+"\"")
	}
	return out
}

// collapse finds the occupations and the place of text (on the text as written), corrects
// typos in toks and returns the words with each mention collapsed into OCC or PLACE.
func (u *Understander) collapse(ctx context.Context, text string, toks []ucToken, out *Understanding) []ucToken {
	return u.collapseInto(ctx, text, toks, out, nil)
}

// collapseInto is collapse writing the collapsed words to dst (a caller's buffer) when
// there is a mention to collapse.
func (u *Understander) collapseInto(ctx context.Context, text string, toks []ucToken, out *Understanding, dst []ucToken) []ucToken {
	// Entities from the store, on the text as written.
	if u.store != nil {
		var ms []lmi.Mention
		var pm lmi.PlaceMatch
		var placeOK bool
		if sc, ok := u.store.(textScanner); ok {
			ms, pm, placeOK = sc.ScanText(ctx, text) // one pass over the words for both
		} else {
			var err error
			if ms, err = u.store.FindOccupations(ctx, text); err != nil {
				ms = nil
			}
			pm, placeOK = u.store.FindPlace(ctx, text)
		}
		if len(ms) > 0 {
			ms = u.keepMentions(ctx, text, ucOrderMentions(ms), ucInterestFrame(toks))
			if len(ms) > 3 {
				ms = ms[:3]
			}
			out.Occupations = ms
		}
		if placeOK {
			p := pm
			out.Place = &p
		} else if pm, ok := u.placeFallback(ctx, text, toks); ok {
			p := pm
			out.Place = &p
		}
	}
	if out.Place != nil && ucPlaceOverlapsOcc(out.Place, out.Occupations) {
		out.Place = nil
	}

	u.correctTypos(toks)
	return ucCollapse(dst, toks, out.Occupations, out.Place)
}

// textScanner is a store that finds job-title mentions and the place in one pass
// over the words of a message (lmi.Embedded.ScanText), instead of FindOccupations
// and FindPlace each reading it.
type textScanner interface {
	ScanText(ctx context.Context, text string) (mentions []lmi.Mention, place lmi.PlaceMatch, placeOK bool)
}

// correctTypos rewrites words one edit away from a distinctive cue word. It runs after
// the safeguarding gate, which sees the text as written.
func (u *Understander) correctTypos(toks []ucToken) {
	var buf [24]byte
	for i := range toks {
		s := toks[i].s
		if len(s) < 5 || u.known[s] {
			continue
		}
		if w := u.fuzzy.correct(s, buf[:0]); w != "" {
			toks[i].s = w
		}
	}
}

// ucOrderMentions puts mentions in the order written (the store gives them best first).
// The store's slice is the caller's (as any returned slice): when it is already in
// order with no empty mention, as the store's scan gives it, it is returned as it is.
func ucOrderMentions(ms []lmi.Mention) []lmi.Mention {
	ordered := true
	for i, m := range ms {
		if len(m.Candidates) == 0 || i > 0 && m.Start < ms[i-1].Start {
			ordered = false
			break
		}
	}
	if ordered {
		return ms
	}
	out := make([]lmi.Mention, 0, len(ms))
	for _, m := range ms {
		if len(m.Candidates) == 0 {
			continue
		}
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b lmi.Mention) int { return cmp.Compare(a.Start, b.Start) })
	return out
}

// ucMinMentionScore is the least candidate score for an occupation mention to count. The
// store scores word-form guesses ("loads" -> loader, "grow" -> grower) below it.
const ucMinMentionScore = 0.85

// ucMinSpellingScore is the score below which the store's candidate is a spelling
// correction ("plummers" -> plumber, 0.88). A correction is kept unless the word is an
// everyday one the store does not index ("actually" -> actuary, "secure", "bullying").
const ucMinSpellingScore = 0.9

// everydaySpelling reports whether a spelling-corrected mention is an everyday word rather
// than a misspelt job: a word some cue or lexicon uses, or one with an adverb, verb or
// abstract-noun ending no job title has.
func (u *Understander) everydaySpelling(toks []ucToken) bool {
	for _, t := range toks {
		w := t.s
		if u.known[w] || ucEverydayWords[w] {
			return true
		}
		for _, suf := range [...]string{"ly", "ing", "ed", "ful", "ness", "ment", "less", "ous", "able", "ible", "ise", "ize", "ure"} {
			if len(w) > len(suf)+2 && w[len(w)-len(suf):] == suf {
				return true
			}
		}
	}
	return false
}

// ucNotJobWords are everyday words the store may read as a job title by word form
// ("join" -> joiner) but which in a young person's message are not one.
var ucNotJobWords = map[string]bool{
	"join": true, "joining": true, "start": true, "starting": true, "work": true, "working": true,
	"help": true, "helping": true, "play": true, "playing": true, "drive": true, "driving": true,
	"teach": true, "clean": true, "cleaning": true, "make": true, "making": true, "build": true,
	"fix": true, "train": true, "training": true, "hire": true, "hiring": true, "lead": true,
	"manage": true, "support": true, "read": true, "reading": true, "run": true,
	"running": true, "sing": true, "singing": true, "write": true,
	"love": true, "like": true, "last": true, "grow": true,
	"secure": true, "colour": true, "loads": true, "money": true, "pay": true, "time": true,
	"future": true, "night": true, "nights": true, "shift": true, "shifts": true,
}

// keepMentions drops weak mentions: low-scored word-form guesses, everyday verbs, and,
// when the person is saying what they like, interest or subject words the store read as a
// job ("i like art and design", "jobs for people who love football"). "jobs in design"
// keeps its occupation.
//
// A mention of several words that is a spelling guess with an everyday word in it ("i've
// heard chefs": "heard chefs" read as "head chef") is read again without its first word,
// so the job written after it ("chefs") still counts.
//
// ms is not changed: the kept mentions are ms itself when all are kept as they are, else a copy.
func (u *Understander) keepMentions(ctx context.Context, text string, ms []lmi.Mention, interestFrame bool) []lmi.Mention {
	var out []lmi.Mention // nil until a mention is dropped or changed
	var again []lmi.Mention
	for i, m := range ms {
		score := m.Candidates[0].Score
		// a job or place of work named after a work word is asked about, whatever
		// the person says they like ("i love animals ... work at a zoo")
		if score < ucMinMentionScore || u.everydayWords(m.Text, score, interestFrame && !m.AtWork) {
			if r, ok := u.rescanTail(ctx, text, m, score); ok {
				again = append(again, r)
			}
			if out == nil {
				out = append(make([]lmi.Mention, 0, len(ms)), ms[:i]...)
			}
			continue
		}
		if m.Ambiguous {
			if c := ucLikelyCandidates(m.Candidates); len(c) != len(m.Candidates) {
				m.Candidates = c
				if out == nil {
					out = append(make([]lmi.Mention, 0, len(ms)), ms[:i]...)
				}
			}
		}
		if out != nil {
			out = append(out, m)
		}
	}
	if out == nil && len(again) == 0 {
		return ms
	}
	if out == nil {
		out = append(make([]lmi.Mention, 0, len(ms)+len(again)), ms...)
	}
	if len(again) > 0 {
		out = append(out, again...)
		slices.SortStableFunc(out, func(a, b lmi.Mention) int { return cmp.Compare(a.Start, b.Start) })
	}
	return out
}

// rescanTail reads a dropped spelling-guess mention of several words again without its
// first word, and returns the one mention found there that is the store's own reading
// (scored at least ucMinSpellingScore), with offsets in text.
func (u *Understander) rescanTail(ctx context.Context, text string, m lmi.Mention, score float64) (lmi.Mention, bool) {
	if u.store == nil || score >= ucMinSpellingScore || m.Start < 0 || m.End > len(text) {
		return lmi.Mention{}, false
	}
	sp := strings.IndexByte(text[m.Start:m.End], ' ')
	if sp < 0 {
		return lmi.Mention{}, false
	}
	from := m.Start + sp + 1
	ms, err := u.store.FindOccupations(ctx, text[from:m.End])
	if err != nil || len(ms) != 1 || len(ms[0].Candidates) == 0 || ms[0].Candidates[0].Score < ucMinSpellingScore {
		return lmi.Mention{}, false
	}
	r := ms[0]
	r.Start += from
	r.End += from
	return r, true
}

// ucOptionShare is the least share of the best candidate's score another candidate of an
// ambiguous mention needs to be offered as what was meant ("radiology": radiologists and
// radiographers, not the industrial radiologist at two fifths of its score).
const ucOptionShare = 0.45

// ucLikelyCandidates drops the candidates far below the best (the result's capacity is
// capped, so appending to it never writes into the store's slice).
func ucLikelyCandidates(cs []lmi.Match) []lmi.Match {
	for i := 1; i < len(cs); i++ {
		if cs[i].Score < ucOptionShare*cs[0].Score {
			return cs[:i:i]
		}
	}
	return cs
}

// everydayWords reports whether a mention is an everyday verb read as a job by word form
// (score below 1) or, in an interest frame, wholly an interest, subject or skill word
// ("i'm really into fashion", "i like coding").
func (u *Understander) everydayWords(text string, score float64, interestFrame bool) bool {
	var tbuf [12]ucToken // a mention's few words, read here and dropped
	toks := ucNormaliseInto(tbuf[:0], text, ucMaxText)
	if len(toks) == 0 {
		return false
	}
	if score < 1 && len(toks) == 1 && ucNotJobWords[toks[0].s] {
		return true
	}
	if score < ucMinSpellingScore && u.everydaySpelling(toks) {
		return true
	}
	if !interestFrame {
		return false
	}
	var buf [8]ucMatch
	for _, m := range []*ucMatcher{u.interests, u.subjects, u.skills} {
		for _, x := range m.find(toks, buf[:0]) {
			if x.start == 0 && x.end == len(toks) {
				return true
			}
		}
	}
	return false
}

// ucInterestFrame reports whether the message says what the person likes or is good at.
func ucInterestFrame(toks []ucToken) bool {
	for i, t := range toks {
		if t.s == "into" && !ucIntoLiking(toks, i) {
			continue // "get into the navy", "the pathway into law": a way in, not a liking
		}
		if t.s == "good" && (i+1 >= len(toks) || toks[i+1].s != "at" && toks[i+1].s != "with") {
			continue // "is a pilot's salary good": not a liking, unlike "good at", "good with"
		}
		switch t.s {
		case "like", "likes", "liked", "love", "loves", "enjoy", "enjoys", "into", "interested",
			"passionate", "good", "fan", "keen", "favourite", "hobby", "hobbies", "interests", "who":
			return true
		}
	}
	return false
}

// ucIntoLiking reports whether "into" at i says what the person likes: after a form of
// "be" or a degree word ("i'm into", "really into", "not into", "kinda into"), not after
// a verb or noun of moving in ("get into", "the route into", "go into").
func ucIntoLiking(toks []ucToken, i int) bool {
	if i == 0 {
		return false
	}
	switch toks[i-1].s {
	case "am", "are", "is", "was", "were", "be", "been", "being", "m", "im", "really", "so", "very",
		"quite", "proper", "well", "super", "also", "too", "not", "more", "mostly", "totally", "deeply",
		"kinda", "massively", "seriously", "big", "all", "just", "always", "still", "both":
		return true
	}
	return false
}

func ucPlaceOverlapsOcc(p *lmi.PlaceMatch, ms []lmi.Mention) bool {
	if p.End <= p.Start {
		return false
	}
	for _, m := range ms {
		if p.Start < m.End && m.Start < p.End {
			return true
		}
	}
	return false
}

// ucCollapse replaces the words of each occupation mention by one OCC word and the words
// of the place by PLACE.
// It writes them to dst[:0] (a caller's buffer, or a new slice when too small), or
// returns toks when there is nothing to collapse.
func ucCollapse(dst, toks []ucToken, occ []lmi.Mention, place *lmi.PlaceMatch) []ucToken {
	if len(occ) == 0 && place == nil {
		return toks
	}
	out := dst[:0]
	if cap(out) < len(toks) {
		out = make([]ucToken, 0, len(toks))
	}
	lastOcc, lastPlace := -1, false
	for _, t := range toks {
		in := -1
		for i, m := range occ {
			if t.start < m.End && m.Start < t.end {
				in = i
				break
			}
		}
		if in >= 0 {
			if lastOcc != in {
				out = append(out, ucToken{s: "OCC", start: t.start, end: t.end})
			} else {
				out[len(out)-1].end = t.end
			}
			lastOcc, lastPlace = in, false
			continue
		}
		lastOcc = -1
		if place != nil && place.End > place.Start && t.start < place.End && place.Start < t.end {
			if !lastPlace {
				out = append(out, ucToken{s: "PLACE", start: t.start, end: t.end})
			}
			lastPlace = true
			continue
		}
		lastPlace = false
		out = append(out, t)
	}
	return out
}

// classify scores every intent over the collapsed words.
func (u *Understander) classify(ctoks []ucToken, out *Understanding) {
	nOcc := len(out.Occupations)
	// a job set aside ("the best paid job in healthcare that isn't a doctor", "jobs in law
	// besides solicitor") or a subject studied that the store reads as a job ("a
	// psychology a level") is not the job asked about: cues for questions about no job in
	// particular still apply
	// A place of work after a word naming jobs ("the best paid job in the nhs") is where
	// the jobs asked about are, not one of them.
	nAsked := max(0, nOcc-ucExcludedJobs(ctoks)-ucStudiedJobs(ctoks)-ucWithin(out.Occupations))
	var buf [32]ucMatch
	ms := u.cues.find(ctoks, buf[:0])
	backstory := ucBackstoryEnd(ctoks)
	if backstory < 0 {
		backstory = ucStatementEnd(out.Text, ctoks)
	}
	afterthought := ucAfterthoughtStart(out.Text, ctoks)

	type acc struct {
		max, sum float64
		best     string
		bestSpan [2]int
		spans    [6][2]int
		weights  [6]float64
		n        int
	}
	var scores [len(ucAllIntents)]acc
	for mi, m := range ms {
		ph := &u.cues.phrases[m.phrase]
		switch {
		case ph.flags&ucNeedOcc != 0 && nOcc == 0,
			ph.flags&ucNoOcc != 0 && nAsked > 0,
			ph.flags&ucNeed2Occ != 0 && nOcc < 2:
			continue
		}
		if ph.weight > 0 && (ph.label == IntentEntry || ph.label == IntentCompare) && ucNegatedCue(ctoks, m.start) {
			continue
		}
		if ph.weight > 0 && ucInsideLongerCue(u.cues, ms, mi, nOcc, nAsked) {
			continue // "apprenticeships" in "which apprenticeships are best to go into"
		}
		if ph.weight > 0 && ucStatesAge(ctoks, m.end) {
			continue // "i am" in "im 14": an age stated, not a question about what suits them
		}
		a := &scores[ph.slot]
		w := ph.weight
		if w > 0 && (m.end <= backstory || (afterthought >= 0 && m.start >= afterthought)) {
			// "thinking about becoming a nurse but what's the pay like"; "do bar jobs have
			// to be nights? looking for work while im at uni"
			w *= ucBackstoryFactor
		}
		if w < 0 {
			a.sum += w
			continue
		}
		// Overlapping cues of one intent ("how to become", "become a") count once, at
		// the highest weight among them.
		overlap := -1
		for k := 0; k < a.n; k++ {
			if m.start < a.spans[k][1] && a.spans[k][0] < m.end {
				overlap = k
				break
			}
		}
		if overlap >= 0 {
			if prev := a.weights[overlap]; w > prev {
				a.sum += w - prev
				a.weights[overlap] = w
				if w > a.max {
					a.max, a.best, a.bestSpan = w, ph.source, [2]int{m.start, m.end}
				}
			}
			continue
		}
		if a.n < len(a.spans) {
			a.spans[a.n] = [2]int{m.start, m.end}
			a.weights[a.n] = w
			a.n++
		}
		a.sum += w
		if w > a.max {
			a.max, a.best, a.bestSpan = w, ph.source, [2]int{m.start, m.end}
		}
	}
	// Entity evidence.
	// a dislike said alone ("actually i'm bad at maths") also changes what suits them
	hasInterest := len(out.Interests) > 0 || len(out.Subjects) > 0 || len(out.Skills) > 0 || len(out.Dislikes) > 0
	if hasInterest && nOcc == 0 {
		a := &scores[ucIntentIndex(IntentSuggest)]
		a.sum += 0.5
		if a.max < 0.5 {
			a.max, a.best = 0.5, "interests"
		}
	}
	if nOcc > 0 {
		// an occupation and nothing else ("electrician?") asks what the job is
		if a := &scores[ucIntentIndex(IntentDescribe)]; a.max == 0 {
			a.sum, a.max, a.best = 1, 1, ucCueOccOnly
		}
	}
	// the strongest cue counts in full, further cues for the same intent count half
	var sc [len(ucAllIntents)]float64
	cueBest, cueSecond := 0.0, 0.0
	for i := range scores {
		a := &scores[i]
		if a.max > 0 {
			sc[i] = a.max + 0.5*(a.sum-a.max)
			if ucSocial[ucAllIntents[i]] && len(ctoks) > ucSocialMaxWords {
				// "hey, do you have any tips for ...": a greeting before a question
				// is a preamble; it wins only if nothing else is asked
				sc[i] *= 0.5
			}
		}
		if a.best == ucCueOccOnly {
			continue // a job named alone is no cue: the classifier may read more into it
		}
		switch c := sc[i]; {
		case c > cueBest:
			cueBest, cueSecond = c, cueBest
		case c > cueSecond:
			cueSecond = c
		}
	}
	// The learned classifier decides where the cues do not: no cue strong enough, or the
	// two best within ucLearnedTie of each other. Its probability (times
	// ucLearnedWeight) is then added; an intent no cue found needs p >= ucLearnedAlone.
	var probs []float64
	var pbuf [24]float64
	if u.learned != nil && (cueBest < ucMinScore || cueBest-cueSecond < ucLearnedTie) {
		var fbuf [ucMaxFeatures]uint64
		probs = u.learned.probs(ctoks, nOcc, u.topics, fbuf[:0], pbuf[:0])
		for i := range sc {
			if sc[i] == 0 && u.learned.prob(probs, i) < ucLearnedAlone {
				continue
			}
			sc[i] += u.learned.boost(probs, i)
		}
	}
	bestI, bestS, second := -1, 0.0, 0.0
	for i := range scores {
		s := sc[i]
		if s < ucMinScore {
			continue
		}
		switch {
		case bestI < 0 || s > bestS+1e-9:
			second = bestS
			bestI, bestS = i, s
		case s > bestS-1e-9:
			ai, ab := &scores[i], &scores[bestI]
			if ucAskedFirst[ucAllIntents[i]] && ucAskedFirst[ucAllIntents[bestI]] && ai.bestSpan[1] > 0 && ab.bestSpan[1] > 0 {
				// two questions about a job, equally strong ("what do dentists earn and
				// how do you become one"): the one asked first is the main one
				if ai.bestSpan[0] < ab.bestSpan[0] {
					bestI = i
				}
			} else if u.prec[ucAllIntents[i]] < u.prec[ucAllIntents[bestI]] {
				bestI = i
			}
			second = s
		default:
			if s > second {
				second = s
			}
		}
	}
	if bestI < 0 {
		out.Intent, out.Confidence = IntentUnknown, 0
		return
	}
	out.Intent = ucAllIntents[bestI]
	out.Confidence = ucConfidence(bestS, second)
	if probs != nil && nOcc == 1 && bestS-second < ucUnsureMargin {
		// the classifier was asked and the two best are still close: say so
		secondI := -1
		for i := range sc {
			if i != bestI && sc[i] >= ucMinScore && (secondI < 0 || sc[i] > sc[secondI]) {
				secondI = i
			}
		}
		if secondI >= 0 && ucAskedFirst[ucAllIntents[secondI]] && ucAskedFirst[out.Intent] {
			out.Alternatives = []string{out.Intent, ucAllIntents[secondI]}
		}
	}
	if scores[bestI].best == ucCueOccOnly && out.Confidence > ucOccOnlyConfidence {
		// a bare job title ("a chef", "what about plumbers?"): the conversation decides
		out.Confidence = ucOccOnlyConfidence
	}
	cue := scores[bestI].best
	if cue == "" {
		cue = fmt.Sprintf("learned (p=%.2f)", probs[u.learned.cls[bestI]])
	}
	if sp := scores[bestI].bestSpan; sp[1] > sp[0] {
		// the words as written that matched the deciding cue
		if s, e := ctoks[sp[0]].start, ctoks[sp[1]-1].end; 0 <= s && s < e && e <= len(out.Text) {
			cue = "\"" + out.Text[s:e] + "\""
		}
	}
	out.Cues = append(out.Cues, out.Intent+": "+cue)
}

// ucInsideLongerCue reports whether cue match ms[i] lies wholly inside a longer match of
// another intent's cue that applies (its job flags hold) and weighs at least as much: the
// words are part of that longer phrase, not a question of their own.
func ucInsideLongerCue(cues *ucMatcher, ms []ucMatch, i, nOcc, nAsked int) bool {
	m := ms[i]
	ph := &cues.phrases[m.phrase]
	for j, o := range ms {
		if j == i || o.start > m.start || o.end < m.end || o.end-o.start <= m.end-m.start {
			continue
		}
		op := &cues.phrases[o.phrase]
		if op.label == ph.label || op.weight < ph.weight {
			continue
		}
		switch {
		case op.flags&ucNeedOcc != 0 && nOcc == 0,
			op.flags&ucNoOcc != 0 && nAsked > 0,
			op.flags&ucNeed2Occ != 0 && nOcc < 2:
			continue
		}
		return true
	}
	return false
}

// ucExcludedJobs counts the jobs named only to be set aside: OCC right after "besides",
// "except", "apart from", "other than", "aside from", "not" or "isn't" (an article,
// "being" or "just" may come between).
func ucExcludedJobs(ctoks []ucToken) int {
	n := 0
	for i, t := range ctoks {
		if t.s != "OCC" {
			continue
		}
		j := i - 1
		for j >= 0 && (ctoks[j].s == "a" || ctoks[j].s == "an" || ctoks[j].s == "being" || ctoks[j].s == "just" || ctoks[j].s == "be") {
			j--
		}
		if j < 0 {
			continue
		}
		switch ctoks[j].s {
		case "besides", "except", "excluding", "not":
			n++
		case "from", "than":
			if j > 0 && (ctoks[j-1].s == "apart" || ctoks[j-1].s == "aside" || ctoks[j-1].s == "other") {
				n++
			}
		}
	}
	return n
}

// ucStudiedJobs counts the jobs that are a subject studied: OCC right before a course
// word ("a psychology a level", "a law degree", "my chemistry gcse") or right after
// "degree in", "studying" or "study".
func ucStudiedJobs(ctoks []ucToken) int {
	n := 0
	for i, t := range ctoks {
		if t.s != "OCC" {
			continue
		}
		if i+1 < len(ctoks) {
			switch ctoks[i+1].s {
			case "degree", "degrees", "gcse", "gcses", "btec", "btecs", "major", "course", "courses", "qualification", "qualifications":
				n++
				continue
			case "a", "t":
				if i+2 < len(ctoks) && (ctoks[i+2].s == "level" || ctoks[i+2].s == "levels") {
					n++
					continue
				}
			}
		}
		if i > 0 {
			switch ctoks[i-1].s {
			case "studying", "study", "studied":
				n++
			case "in", "of":
				if i > 1 && ucDegreeWords[ctoks[i-2].s] {
					n++
				}
			}
		}
	}
	return n
}

// ucBackstoryFactor is how much a cue in the backstory before a "but" question counts.
const ucBackstoryFactor = 0.5

// ucBackstoryEnd finds a run-on message's backstory: a statement, then "but" and a
// question ("i'm thinking about becoming a physio but what's the pay like", "thinking of
// doing a plumbing course but are there actually jobs"). It returns the index of that
// "but" (cues ending before it are what the person plans, the question after it is what
// they ask), or -1.
func ucBackstoryEnd(ctoks []ucToken) int {
	for b, t := range ctoks {
		if t.s != "but" && t.s != "however" {
			continue
		}
		if b == 0 || b+1 >= len(ctoks) {
			return -1
		}
		if ucQuestionAt(ctoks, 0) {
			return -1 // the first part is itself a question
		}
		for i := 0; i < b; i++ {
			if ucWhWords[ctoks[i].s] {
				return -1
			}
		}
		if ucQuestionAt(ctoks, b+1) {
			return b
		}
		for i := b + 1; i < len(ctoks) && i <= b+3; i++ {
			if ucWhWords[ctoks[i].s] {
				return b
			}
		}
		return -1
	}
	return -1
}

// ucStatementEnd finds the same shape as ucBackstoryEnd without a "but": statements, a
// clause break (punctuation, optionally followed by "so" or "and"), then the question
// asked, last ("i've wanted to be a vet since i was 5 and i'm doing my gcses now, is
// being a vet well paid?"). It returns the index of the last such question's first word,
// or -1 when an earlier clause is itself a question or no clause after a break is one.
func ucStatementEnd(text string, ctoks []ucToken) int {
	q := -1
	for b := 1; b < len(ctoks); b++ {
		if !ucClauseBreak(text, ctoks, b) {
			continue
		}
		at := b
		if ctoks[b].s == "so" || ctoks[b].s == "and" {
			at = b + 1
		}
		if at < len(ctoks) && (ucQuestionAt(ctoks, at) || ucWhWords[ctoks[at].s] || ucQuestionVerb(ctoks, at)) {
			q = at
		}
	}
	if q < 0 {
		return -1
	}
	if ucQuestionAt(ctoks, 0) || ucQuestionVerb(ctoks, 0) {
		return -1 // the first part is itself a question
	}
	for i := 0; i < q; i++ {
		if ucWhWords[ctoks[i].s] {
			return -1
		}
	}
	return q
}

// ucClauseBreak reports whether punctuation that ends a clause (",.;!?") stands between
// ctoks[b] and the word before it in text.
func ucClauseBreak(text string, ctoks []ucToken, b int) bool {
	from, to := ctoks[b-1].end, ctoks[b].start
	if from < 0 || to > len(text) || from > to {
		return false
	}
	return strings.ContainsAny(text[from:to], ",.;!?")
}

// ucAfterthoughtStart finds the mirror of ucStatementEnd: a message that asks first, ends
// the question with "?", then adds a statement ("do bar jobs have to be nights? looking for
// work while im at uni in cardiff"). It returns the index of the statement's first word,
// whose cues then count as the backstory's do, or -1 when the message does not start with
// a question or what follows the "?" is itself a question.
func ucAfterthoughtStart(text string, ctoks []ucToken) int {
	if len(ctoks) < 2 || !(ucQuestionAt(ctoks, 0) || ucWhWords[ctoks[0].s] || ucQuestionVerb(ctoks, 0)) {
		return -1
	}
	for b := 1; b < len(ctoks); b++ {
		from, to := ctoks[b-1].end, ctoks[b].start
		if from < 0 || to > len(text) || from > to || !strings.Contains(text[from:to], "?") {
			continue
		}
		if ucQuestionAt(ctoks, b) || ucWhWords[ctoks[b].s] || ucQuestionVerb(ctoks, b) {
			return -1
		}
		return b
	}
	return -1
}

// ucQuestionVerb reports a clause starting with a verb that asks ("tell me", "explain",
// "any ideas").
func ucQuestionVerb(ctoks []ucToken, i int) bool {
	switch ctoks[i].s {
	case "tell", "explain", "any", "anyone", "thoughts", "advice", "tips", "help", "please":
		return true
	}
	return false
}

// ucQuestionAt reports whether a clause starting at i is a yes/no question ("are there",
// "do they", "is it", "can i").
func ucQuestionAt(ctoks []ucToken, i int) bool {
	if i+1 >= len(ctoks) {
		return false
	}
	switch ctoks[i].s {
	case "do", "does", "did", "can", "could", "is", "are", "will", "would", "should", "am", "was", "were", "have", "has":
		switch ctoks[i+1].s {
		case "i", "you", "they", "it", "there", "we", "he", "she", "people", "OCC", "the", "a", "an", "most", "any", "that", "this", "u", "being":
			return true
		}
	}
	return false
}

var ucWhWords = ucWordSet("what", "how", "which", "where", "when", "why", "who", "whats")

// A message that names a job and says nothing else about it is "describe" with
// Confidence ucOccOnlyConfidence (below 0.5), and cue ucCueOccOnly, so the dialogue can
// read it in context ("what about plumbers?" after a pay question).
const (
	ucCueOccOnly        = "occupation only"
	ucOccOnlyConfidence = 0.3
)

// ucSocial are the social intents; in a message longer than ucSocialMaxWords their cues
// count half, so a greeting or thanks in front of a question does not hide it.
var ucSocial = ucWordSet(IntentGreet, IntentThanks, IntentBye)

const ucSocialMaxWords = 6

// ucUnsureMargin is how close the two best scores of a question about one job must be,
// after the classifier had its say, for the reply to ask which was meant.
const ucUnsureMargin = 0.3

// ucAskedFirst are the questions about a job whose ties go to the one written first.
var ucAskedFirst = ucWordSet(IntentPay, IntentEntry, IntentHours, IntentOutlook, IntentDescribe)

// ucMinScore is the least score an intent needs to be chosen; below it the message is
// "unknown" (a lone "like" in "do you like pizza" is not a careers question).
const ucMinScore = 1.0

// ucConfidence maps the winning score and the runner-up to 0..1: a strong cue with a clear
// margin is near 1, a weak or contested one lower.
func ucConfidence(best, second float64) float64 {
	strength := best / 2
	if strength > 1 {
		strength = 1
	}
	margin := (best - second) / best
	c := strength * (0.5 + 0.5*margin)
	if c < 0.05 {
		c = 0.05
	}
	return float64(int(c*100+0.5)) / 100
}

// ucAllIntents are the intents the scorer can choose (safeguarding is set by the gate).
var ucAllIntents = [...]string{
	IntentDeleteData, IntentHandoff, IntentCompare, IntentBestPaid, IntentVacancies,
	IntentEntry, IntentHours, IntentOutlook, IntentPay, IntentDescribe, IntentSuggest,
	IntentHelp, IntentThanks, IntentBye, IntentGreet,
}

func ucIntentIndex(intent string) int {
	for i, in := range ucAllIntents {
		if in == intent {
			return i
		}
	}
	panic("dialog: cue for unknown intent " + intent)
}

// Entity labels used in ucEntitySpecs.
const (
	ueNearMe     = "near_me"
	ueNoDegree   = "no_degree"
	ueAgeUni     = "age:18"
	ueAgeSixth   = "age:16"
	ueQualPrefix = "qual:"
	ueYes        = "yes"
	ueNo         = "no"
	ueSkillCue   = "skill_cue"
)

var ucEntitySpecs = []ucPatternSpec{
	{pattern: "near me|round here|around here|round my way|local|locally|in my area|my area|nearby|near by|near where i live|close to me|close by|near home|near my house|in my town|where i live|around me|near to me", label: ueNearMe},
	{pattern: "without a/an? degree|without going to uni/university|without uni/university|no degree|no uni|no university|not go to uni/university|not going to uni/university|not want to go to uni/university|not want a degree|not wanting to go to uni|skip uni|instead of uni/university|not need a degree|not need uni/university|not need to go to uni/university|no need for uni/university|no need for a degree|not needing a degree|not needing uni|not require a degree|no degree needed|no degree required|do not have a degree|not do a degree|not doing a degree|degree not needed|no qualifications|dropped out", label: ueNoDegree},
	{pattern: "at/in uni/university|uni/university student|first/second/third/final year of/at uni/university|undergrad|undergraduate|fresher|studying at uni/university|doing a/my degree", label: ueAgeUni},
	{pattern: "sixth form|6th form|year 12|year 13|lower sixth|upper sixth", label: ueAgeSixth},
	{pattern: "doing/taking/sitting/revising for? my/the? gcses/gcse|gcses/gcse|year 10|year 11", label: ueQualPrefix + "gcse"},
	{pattern: "doing/taking/sitting my? a levels/level|a levels|a level|sixth form|6th form", label: ueQualPrefix + "a_level"},
	{pattern: "t level|t levels", label: ueQualPrefix + "t_level"},
	{pattern: "btec|btecs", label: ueQualPrefix + "btec"},
	{pattern: "at/in college|college student|doing a college course|going to college", label: ueQualPrefix + "college"},
	{pattern: "at/in uni/university|doing a/my degree|have a degree|got a degree|finished uni/university|graduated|graduate|uni/university student|undergraduate", label: ueQualPrefix + "degree"},
	{pattern: "doing an apprenticeship|on an apprenticeship|i am an apprentice", label: ueQualPrefix + "apprenticeship"},
	{pattern: "no qualifications|no quals|no gcses|left school with nothing|left school with no|failed my gcses|failed all my", label: ueQualPrefix + "none"},
	{pattern: "good at|great at|good with|great with|strong at|skilled at|skilled in|skills are|skills in|i am good|i can|my strengths|strength is|talented at", label: ueSkillCue},
	{pattern: "^yes|^yeah|^yea|^yeh|^yep|^yup|^yh|^ye|^sure|^ok|^okay|^definitely|^of course|^correct|^it was|^it did|^that is right|^right|^absolutely|^yes please|^aye|^def|^totally|^very|^really helpful|^helpful|^that helped|^it helped", label: ueYes},
	{pattern: "^no|^nope|^nah|^naw|^not really|^not at all|^no thanks|^it was not|^it did not|^not helpful|^not very|^no it was not|^wrong|^incorrect|^negative", label: ueNo},
}

// entities fills age, qualification level, near-me, interests, subjects, skills, yes/no
// and choice.
func (u *Understander) entities(toks, ctoks []ucToken, out *Understanding) {
	var buf [16]ucMatch
	ms := u.ents.find(toks, buf[:0])
	skillFrom := -1
	for _, m := range ms {
		label := u.ents.phrases[m.phrase].label
		switch {
		case label == ueNearMe:
			out.NearMe = true
		case label == ueNoDegree:
			out.NoDegree = true
		case label == ueAgeUni:
			if out.Age == 0 {
				out.Age = 18
			}
		case label == ueAgeSixth:
			if out.Age == 0 {
				out.Age = 16
			}
		case len(label) > len(ueQualPrefix) && label[:len(ueQualPrefix)] == ueQualPrefix:
			if out.QualLevel == "" {
				out.QualLevel = label[len(ueQualPrefix):]
			}
		case label == ueSkillCue:
			if skillFrom < 0 {
				skillFrom = m.end
			}
		case label == ueYes:
			if len(toks) <= 6 {
				out.Yes = true
			}
		case label == ueNo:
			if len(toks) <= 6 && !ucNoIsIdiom(toks) {
				out.No = true
			}
		}
	}
	if out.Yes && out.No {
		out.Yes = false // "no it was not" also matched ^it was
	}
	if age := ucFindAge(toks); age > 0 {
		if ucAgeOfSomeone(toks) {
			out.AgeAsked = age // "can a 15 year old work nights": not the person's age
		} else {
			out.Age = age
		}
	}
	out.Choice = ucFindChoice(toks)

	// Interests and subjects from words outside occupation mentions.
	out.Interests = ucLexWords(u.interests, ctoks, out.Interests, &out.Dislikes)
	out.Subjects = ucLexWords(u.subjects, ctoks, out.Subjects, &out.Dislikes)
	out.Subjects = u.studiedSubjects(toks, out.Occupations, out.Subjects)
	out.Studied = ucStudied(toks)
	if skillFrom >= 0 && skillFrom < len(toks) {
		out.Skills = ucLexWords(u.skills, toks[skillFrom:], out.Skills, &out.Dislikes)
	}
}

// ucStudyWords say a word next to them is a subject studied ("a psychology degree", "a
// levels in chemistry", "studying law").
var ucStudyWords = ucWordSet("degree", "degrees", "course", "courses", "level", "levels", "gcse", "gcses",
	"btec", "btecs", "major", "qualification", "qualifications", "study", "studying", "studied", "graduate",
	"graduated", "uni", "university")

// studiedSubjects adds to subjects the school subjects that the store read as a job
// ("psychology" -> psychologist, "law", "chemistry") where the message studies them
// ("a psychology degree", "a degree in law"): the job stays an occupation mention, and
// the subject tells suggestions what the person knows.
func (u *Understander) studiedSubjects(toks []ucToken, occ []lmi.Mention, subjects []string) []string {
	for _, m := range occ {
		first, last := -1, -1
		for i, t := range toks {
			if t.start >= m.Start && t.end <= m.End {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first < 0 {
			continue
		}
		study := false
		for i := max(0, first-3); i < min(len(toks), last+3); i++ {
			if (i < first || i > last) && ucStudyWords[toks[i].s] {
				study = true
				break
			}
		}
		if !study {
			continue
		}
		var buf [4]ucMatch
		for _, x := range u.subjects.find(toks[first:last+1], buf[:0]) {
			if x.start == 0 && x.end == last-first+1 {
				if w := u.subjects.phrases[x.phrase].label; !slices.Contains(subjects, w) {
					subjects = append(subjects, w)
				}
				break
			}
		}
	}
	return subjects
}

// ucConfirms reports whether an answer to a check-in says yes: "yes", "yeah he does",
// "kind of", "maybe", "sort of", "a bit", "i think so".
func ucConfirms(toks []ucToken) bool {
	if len(toks) == 0 || len(toks) > 12 {
		return false
	}
	switch toks[0].s {
	case "yes", "yeah", "yea", "yeh", "yep", "yup", "yh", "ye", "aye", "maybe", "kind", "kinda", "sort", "sorta", "bit", "perhaps", "possibly", "sometimes", "he", "she", "they", "someone", "somebody":
		return true
	case "a":
		return len(toks) > 1 && (toks[1].s == "bit" || toks[1].s == "little")
	case "i":
		return len(toks) > 2 && (toks[1].s == "think" && toks[2].s == "so" || toks[1].s == "am" && (toks[2].s == "scared" || toks[2].s == "worried" || toks[2].s == "frightened"))
	}
	return false
}

// ucNoIsIdiom reports messages starting "no" that are not an answer no ("no idea", "no uni").
func ucNoIsIdiom(toks []ucToken) bool {
	if len(toks) < 2 || toks[0].s != "no" {
		return false
	}
	switch toks[1].s {
	case "idea", "clue", "uni", "university", "degree", "one", "way", "problem", "worries":
		return true
	}
	return false
}

// ucLexWords appends the lexicon words matched, longest match first, no overlaps, no
// repeats; words the person dislikes or is bad at go to *dis instead.
func ucLexWords(m *ucMatcher, toks []ucToken, dst []string, dis *[]string) []string {
	var buf [16]ucMatch
	ms := m.find(toks, buf[:0])
	if len(ms) == 0 {
		return dst
	}
	// longest first at each start; skip overlaps
	ucSortLongestFirst(ms)
	covered := -1
	for _, x := range ms {
		if x.start < covered {
			continue
		}
		covered = x.end
		w := m.phrases[x.phrase].label
		if ucDisliked(toks, x.start) {
			// "good at art but bad at maths": not maths
			if !slices.Contains(*dis, w) {
				*dis = append(*dis, w)
			}
			continue
		}
		dup := false
		for _, d := range dst {
			if d == w {
				dup = true
				break
			}
		}
		if !dup {
			dst = append(dst, w)
		}
	}
	return dst
}

// ucAsksTrades reports whether a message asks about apprenticeships or trades (not degree
// apprenticeships).
func ucAsksTrades(toks []ucToken) bool {
	for i, t := range toks {
		switch t.s {
		case "apprenticeship", "apprenticeships", "apprentice", "apprentices", "trade", "trades",
			"tradesman", "tradesmen", "tradespeople", "tradie", "tradies", "manual":
			if i > 0 && toks[i-1].s == "degree" {
				continue
			}
			return true
		}
	}
	return false
}

// ucDisliked reports whether the lexicon word at toks[start] is something the person
// dislikes or is bad at: scanning back up to four words, a negative word ("hate", "bad
// at", "not good at", "don't like") comes before any positive one or a "but".
func ucDisliked(toks []ucToken, start int) bool {
	if start > 0 {
		switch toks[start-1].s {
		case "not", "no", "without", "except", "avoid", "avoids", "avoiding":
			return true // "i like maths but not physics", "jobs with no maths"
		}
	}
	for i := start - 1; i >= 0 && i >= start-4; i-- {
		switch toks[i].s {
		case "stand", "do": // "can't stand drawing", "can't do maths"
			if i >= 1 && toks[i-1].s == "not" {
				return true
			}
		case "but", "whereas", "although", "though":
			return false
		case "hate", "hates", "hated", "dislike", "dislikes", "bad", "rubbish", "terrible", "awful",
			"worst", "struggle", "struggling", "struggles", "useless", "crap", "cannot", "fail", "failing",
			"failed", "boring", "bored":
			return true
		case "like", "likes", "love", "loves", "enjoy", "enjoys", "good", "great", "into", "best",
			"interested", "passionate", "fan", "keen":
			if i > 1 && toks[i-1].s == "a" && toks[i-2].s == "not" {
				return true // "not a fan of science"
			}
			return i > 0 && (toks[i-1].s == "not" || toks[i-1].s == "never" || toks[i-1].s == "no")
		}
	}
	return false
}

// ucAgeOfSomeone reports an age said of someone in general, "a 15 year old" or "15 year
// olds", rather than of the person ("i am a 15 year old", "i'm 15").
func ucAgeOfSomeone(toks []ucToken) bool {
	for i := 0; i+2 < len(toks); i++ {
		if n, w := ucNumberAt(toks, i); n > 0 && i+w+1 < len(toks) && toks[i+w].s == "year" {
			switch toks[i+w+1].s {
			case "olds":
				return true
			case "old":
				if i > 0 && (toks[i-1].s == "a" || toks[i-1].s == "an") && (i < 2 || toks[i-2].s != "am") {
					return true
				}
			}
		}
	}
	return false
}

// ucWithin counts the mentions that are places the jobs asked about are in.
func ucWithin(ms []lmi.Mention) int {
	n := 0
	for _, m := range ms {
		if m.Within {
			n++
		}
	}
	return n
}

// ucStatesAge reports whether the words up to end are the start of a stated age ("i
// am" in "i am 14", "aged" in "aged 15"): a cue there is part of the age.
func ucStatesAge(ctoks []ucToken, end int) bool {
	if end < 1 || end >= len(ctoks) || (ctoks[end-1].s != "am" && ctoks[end-1].s != "aged") {
		return false
	}
	n, _ := ucNumberAt(ctoks, end)
	return n >= 8 && n <= 30
}

// ucFindAge finds a stated age: "i am 15", "15 years old", "aged 15", "i am fifteen",
// "year 10" (UK school year Y starts at age Y+4), "turning 16" (15).
func ucFindAge(toks []ucToken) int {
	for i := range toks {
		n, w := ucNumberAt(toks, i)
		if n == 0 {
			// "year 10" / "yr 10" / "y10"
			if (toks[i].s == "year" || toks[i].s == "y") && i+1 < len(toks) {
				if y, _ := ucNumberAt(toks, i+1); y >= 7 && y <= 13 {
					if i+2 < len(toks) && (toks[i+2].s == "old" || toks[i+2].s == "olds") {
						continue
					}
					return y + 4
				}
			}
			continue
		}
		if n < 8 || n > 30 {
			continue
		}
		next := i + w
		prev := ""
		if i > 0 {
			prev = toks[i-1].s
		}
		prev2 := ""
		if i > 1 {
			prev2 = toks[i-2].s
		}
		nextS := ""
		if next < len(toks) {
			nextS = toks[next].s
		}
		switch {
		case nextS == "years" || nextS == "year" || nextS == "yo" || nextS == "yrs":
			if next+1 < len(toks) && toks[next+1].s == "old" || nextS == "yo" {
				return n
			}
			if prev == "am" || prev == "aged" || prev == "age" {
				return n
			}
		case prev == "aged" || (prev == "age" && prev2 != "retirement") || (prev == "is" && prev2 == "age"):
			return n
		case prev == "am" && prev2 == "i" && n >= 10:
			if nextS == "" || !ucUnitWord(nextS) {
				return n
			}
		case prev == "turning" || prev == "turn" || (prev == "be" && prev2 == "will"):
			if n > 10 {
				return n - 1
			}
		}
	}
	return 0
}

func ucUnitWord(s string) bool {
	switch s {
	case "foot", "feet", "ft", "inches", "cm", "kg", "stone", "percent", "pounds", "quid", "k", "grand", "hours", "minutes", "mins", "am", "pm", "oclock":
		return true
	}
	return false
}

// ucNumberAt reads a number at toks[i] (digits or words, "twenty one"), returning the value
// and the number of tokens used; 0 when none.
func ucNumberAt(toks []ucToken, i int) (int, int) {
	s := toks[i].s
	if s == "" {
		return 0, 0
	}
	if s[0] >= '0' && s[0] <= '9' {
		if len(s) > 3 {
			return 0, 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, 0
		}
		return n, 1
	}
	n, ok := ucNumberWords[s]
	if !ok {
		return 0, 0
	}
	if n == 20 && i+1 < len(toks) {
		if d, ok := ucNumberWords[toks[i+1].s]; ok && d >= 1 && d <= 9 {
			return 20 + d, 2
		}
		switch toks[i+1].s {
		case "one":
			return 21, 2
		case "two":
			return 22, 2
		case "three":
			return 23, 2
		case "four":
			return 24, 2
		case "five":
			return 25, 2
		}
	}
	return n, 1
}

// ucFindChoice reads a pick from offered options in a short message: "2", "the second
// one", "option 3", "first".
func ucFindChoice(toks []ucToken) int {
	if len(toks) == 0 || len(toks) > 4 {
		return 0
	}
	for i, t := range toks {
		if n, ok := ucOrdinals[t.s]; ok {
			// "one" alone is not a choice unless it is "number one"/"option one"
			if (t.s == "one" || t.s == "two" || t.s == "three" || t.s == "four" || t.s == "five") && len(toks) > 1 {
				if i == 0 || (toks[i-1].s != "number" && toks[i-1].s != "option" && toks[i-1].s != "no") {
					continue
				}
			}
			return n
		}
		if len(t.s) == 1 && t.s[0] >= '1' && t.s[0] <= '9' {
			if len(toks) == 1 || (i > 0 && (toks[i-1].s == "number" || toks[i-1].s == "option" || toks[i-1].s == "no")) {
				return int(t.s[0] - '0')
			}
		}
	}
	return 0
}

// ucDegreeWords name a course of study whose subject is next to them ("a biology
// degree", "a degree in law", "a psychology major").
var ucDegreeWords = ucWordSet("degree", "degrees", "major", "ba", "bsc", "hnd", "masters", "undergrad")

// ucNotSubject are words that end a degree's subject or cannot be one.
var ucNotSubject = ucWordSet("a", "an", "the", "my", "your", "his", "her", "their", "our", "this", "that", "uni",
	"university", "college", "good", "first", "second", "1st", "2nd", "class", "honours", "hons", "joint", "full",
	"with", "without", "do", "did", "doing", "done", "get", "got", "have", "has", "had", "in", "of", "for", "to",
	"and", "or", "but", "besides", "other", "than", "if", "so", "what", "which", "jobs", "job", "careers", "career",
	"can", "could", "i", "im", "you", "u", "me", "after", "before", "from", "at", "is", "are", "be", "any", "some",
	"no", "not", "dont", "want", "wanna", "like", "degree", "degrees", "major", "course", "courses", "apprenticeship",
	"level", "levels", "just", "really", "currently", "studying", "study", "studied", "its", "it", "go", "into")

// ucStudied finds the subject of a degree the message names: the words before a
// degree word ("a sports science degree") or after "degree in/of", "studying",
// "majoring in" ("a degree in biochemistry besides research"), up to three words.
func ucStudied(toks []ucToken) string {
	words := func(from, to int) string { // toks[from:to] when all can be a subject
		if from < 0 || to > len(toks) || from >= to {
			return ""
		}
		var b strings.Builder
		for i := from; i < to; i++ {
			if i > from {
				b.WriteByte(' ')
			}
			b.WriteString(toks[i].s)
		}
		return b.String()
	}
	for i, t := range toks {
		after := -1
		switch {
		case ucDegreeWords[t.s] && i+1 < len(toks) && (toks[i+1].s == "in" || toks[i+1].s == "of"):
			after = i + 2
		case (t.s == "studying" || t.s == "majoring" || t.s == "study") && i+1 < len(toks):
			after = i + 1
			if toks[after].s == "in" {
				after++
			}
		case ucDegreeWords[t.s]:
			from := i
			for from > 0 && i-from < 3 && !ucNotSubject[toks[from-1].s] && !ucNumberWord(toks[from-1].s) {
				from--
			}
			if w := words(from, i); w != "" {
				return w
			}
			continue
		default:
			continue
		}
		to := after
		for to < len(toks) && to-after < 3 && !ucNotSubject[toks[to].s] && !ucNumberWord(toks[to].s) {
			to++
		}
		if w := words(after, to); w != "" {
			return w
		}
	}
	return ""
}

// ucNumberWord reports whether w is written with a digit ("2023", "2nd").
func ucNumberWord(w string) bool { return strings.ContainsAny(w, "0123456789") }
