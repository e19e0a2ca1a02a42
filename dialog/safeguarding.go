package dialog

import "strings"

// Safeguarding categories (SafeguardingFlag.Category).
const (
	SafeguardSuicide      = "suicide"
	SafeguardSelfHarm     = "self_harm"
	SafeguardEating       = "eating"
	SafeguardAbuse        = "abuse"
	SafeguardGrooming     = "grooming"
	SafeguardExploitation = "exploitation"
	SafeguardBullying     = "bullying"
	SafeguardRunningAway  = "running_away"
	SafeguardDanger       = "danger"
	// Categories of their own (issue 9): image-based abuse and sextortion (the UK route
	// is Report Remove, by Childline and the IWF), county lines, exploitation at work,
	// abuse by a partner, homelessness and being thrown out.
	SafeguardSexting          = "sexting"
	SafeguardCountyLines      = "county_lines"
	SafeguardWorkExploitation = "work_exploitation"
	SafeguardPartnerAbuse     = "partner_abuse"
	SafeguardHomelessness     = "homelessness"
)

// Flags on safeguarding patterns.
const (
	// sgWeak marks a topic phrase ("domestic abuse", "self harm", "homeless") that is not a
	// disclosure by itself when the message is a careers question ("what jobs help abuse
	// victims") with no first-person word near it.
	sgWeak uint32 = 1 << iota
	// sgNegatable marks a phrase that "not"/"never" just before it cancels ("i am not
	// being bullied", "i'm not in danger"). Suicide and self-harm phrases never are.
	sgNegatable
	// sgOverIdiom marks a phrase an idiom does not cancel: "he'll kill me if i tell" is a
	// threat, though "kill me if" alone is usually a figure of speech.
	sgOverIdiom
	// sgCareersMoot marks a phrase that any careers word cancels: "leave home and get my own
	// flat, what jobs pay enough" is moving out, not running away.
	sgCareersMoot
	// sgCareersCheck marks a tier-1 phrase that describes work which is also an ordinary
	// job ("drop off parcels for", "paid to deliver"): in a careers question ("i drop off
	// packages for amazon, is being a courier a good job") it is a check-in (tier 2), which
	// escalates if the reply confirms, not an escalation on its own.
	sgCareersCheck
)

// sgIdiom labels phrases that cover words which would otherwise look like a disclosure:
// "i'd kill for a job like that", "killer salary", "cutting edge", "dye my hair".
const sgIdiom = "idiom"

// sgCareersFrame words mark a careers question ("what jobs help people who self harm").
var sgCareersFrame = map[string]bool{
	"job": true, "jobs": true, "career": true, "careers": true, "work": true, "working": true,
	"become": true, "becoming": true, "study": true, "studying": true, "course": true, "courses": true,
	"degree": true, "qualification": true, "qualifications": true, "charity": true, "charities": true,
	"victims": true, "victim": true, "survivors": true, "prevention": true, "deal": true, "deals": true,
	"profession": true, "volunteer": true, "volunteering": true, "training": true, "support": true,
	"supporting": true, "counsellor": true, "therapist": true, "officer": true, "worker": true,
	"workers": true, "apprenticeship": true, "helping": true, "specialise": true, "specialize": true,
	"studies": true, "research": true, "researcher": true, "psychologist": true, "lawyer": true,
	"solicitor": true, "police": true, "nurse": true, "doctor": true, "teacher": true, "adviser": true,
	"forensic": true, "investigator": true, "investigators": true, "officers": true, "nurses": true,
	"doctors": true, "teachers": true, "lawyers": true, "solicitors": true, "counsellors": true,
	"therapists": true, "specialists": true, "advisers": true, "earnings": true, "wages": true, "wage": true,
	"cv": true, "interview": true, "interviews": true, "retail": true, "office": true, "earns": true,
	"apprentice": true, "apprentices": true, "internship": true, "placement": true, "uni": true, "college": true,
	"university": true, "gcses": true, "gcse": true, "actor": true, "actress": true, "shifts": true, "specialist": true, "salary": true, "earn": true, "paid": true,
}

// sgFirstPerson words tie a phrase to the speaker or someone close to them.
var sgFirstPerson = map[string]bool{
	"i": true, "me": true, "my": true, "myself": true, "mine": true, "we": true, "us": true, "our": true,
}

// CheckSafeguarding is the safeguarding gate on its own: the service runs it on every
// message, whatever state the conversation is in (also while an adviser holds it). It is
// pure and fast. It returns nil when the message shows no sign of risk.
// It reads the embedded NLU data; a service whose engine loads its own (rules dir/nlu)
// uses Engine.CheckSafeguarding instead.
func CheckSafeguarding(text string) *SafeguardingFlag {
	return DefaultNLU().CheckSafeguarding(text)
}

// CheckSafeguarding is the tier-1 gate over this NLU data's safeguarding patterns.
func (m *NLU) CheckSafeguarding(text string) *SafeguardingFlag {
	if text == "" || m == nil {
		return nil
	}
	toks := ucNormaliseMax(text, sgMaxText)
	f, start, end := m.sg.checkSpan(text, toks, 1)
	hyperbole := f != nil && f.Category == SafeguardSuicide && sgHyperbole(toks, end)
	if f != nil && !hyperbole {
		return m.vet(f, toks, start, end, false)
	}
	if hyperbole || sgReported(toks) {
		return nil // as the engine's gate: the classifier alone does not speak for these
	}
	if _, suicide := m.sgLearned.scores(toks); suicide >= sgLearnedSuicide {
		return &SafeguardingFlag{Category: SafeguardSuicide, Tier: 1}
	}
	return nil
}

// CheckSafeguarding is the tier-1 gate over the NLU data the engine uses now: the
// loaded rules dir/nlu (hot-reloaded with the rules), else the embedded data. The
// service (bot.New) picks it up by type assertion, so an edited safeguarding file
// changes the service's gate without a rebuild.
func (e *Engine) CheckSafeguarding(text string) *SafeguardingFlag {
	return e.nluData().CheckSafeguarding(text)
}

// check runs the gate over normalised tokens of text and returns the most serious
// category found at tier maxTier or more serious (1: tier 1 only; 2: either tier). A
// tier-1 match always wins over a tier-2 one.
func (t *sgTables) check(text string, toks []ucToken, maxTier int) *SafeguardingFlag {
	f, _, _ := t.checkSpan(text, toks, maxTier)
	return f
}

// checkSpan is check, also returning the tokens [start, end) the flag matched.
func (t *sgTables) checkSpan(text string, toks []ucToken, maxTier int) (*SafeguardingFlag, int, int) {
	var buf [16]ucMatch
	ms := t.m.find(toks, buf[:0])
	if len(ms) == 0 {
		return nil, 0, 0
	}
	careers := sgCareersQuestion(toks)
	// idiomEnd[k] is set when an idiom covers token k, so checking a match costs its
	// length, not the number of idioms
	var idiomBuf [64]int32
	idiomEnd := idiomBuf[:0]
	if len(toks) > len(idiomBuf) {
		idiomEnd = make([]int32, len(toks))
	} else {
		idiomEnd = idiomBuf[:len(toks)]
	}
	hasIdiom := false
	for _, m := range ms {
		if t.m.phrases[m.phrase].label == sgIdiom {
			hasIdiom = true
			for k := m.start; k < m.end; k++ {
				idiomEnd[k] = 1
			}
		}
	}
	best := -1
	bestRank := 1 << 30
	var validBuf [16]int32
	valid := validBuf[:0]
	for i, m := range ms {
		ph := &t.m.phrases[m.phrase]
		if ph.label == sgIdiom {
			continue
		}
		if hasIdiom && ph.flags&sgOverIdiom == 0 && sgCovered(idiomEnd, m) {
			continue
		}
		if ph.flags&sgWeak != 0 && careers && !sgFirstPersonNear(toks, m.start, m.end) {
			continue
		}
		if ph.flags&sgCareersMoot != 0 && careers {
			continue
		}
		if ph.flags&sgNegatable != 0 && sgNegatedBefore(toks, m.start) {
			continue
		}
		tier := sgPhraseTier(ph, careers)
		if tier > maxTier {
			continue
		}
		if tier == 2 && sgPurposeAfter(toks, m.end) {
			continue
		}
		rank := ph.slot + (tier-1)*t.ranks // any tier 1 before any tier 2
		if rank < bestRank {
			best, bestRank = i, rank
		}
		valid = append(valid, int32(i))
	}
	if best < 0 {
		return nil, 0, 0
	}
	// a longer match of the same tier that contains the chosen one names the category
	// better ("kicked me out" is being thrown out, not "kicked me")
	bestTier := sgPhraseTier(&t.m.phrases[ms[best].phrase], careers)
	for _, i := range valid {
		m, b := ms[i], ms[best]
		if sgPhraseTier(&t.m.phrases[m.phrase], careers) == bestTier && m.start <= b.start && m.end >= b.end && m.end-m.start > b.end-b.start {
			best = int(i)
		}
	}
	m := ms[best]
	matched := text
	if s, e := toks[m.start].start, toks[m.end-1].end; s >= 0 && e <= len(text) && s < e {
		matched = text[s:e]
	}
	ph := &t.m.phrases[m.phrase]
	return &SafeguardingFlag{Category: ph.label, Matched: strings.TrimSpace(matched), Tier: sgPhraseTier(ph, careers)}, m.start, m.end
}

// sgPhraseTier is a safeguarding phrase's tier in a message: its own, except that a
// careers_check phrase in a careers question is a check-in (tier 2).
func sgPhraseTier(ph *ucPhrase, careers bool) int {
	if ph.weight == 1 && careers && ph.flags&sgCareersCheck != 0 {
		return 2
	}
	return int(ph.weight)
}

// idiomCovers reports whether an idiom ("hurt myself playing football", "i would kill
// for a job like that") covers any of the tokens [start, end).
func (t *sgTables) idiomCovers(toks []ucToken, start, end int) bool {
	var buf [16]ucMatch
	for _, m := range t.m.find(toks, buf[:0]) {
		if t.m.phrases[m.phrase].label == sgIdiom && m.start < end && m.end > start {
			return true
		}
	}
	return false
}

// sgCareersQuestion reports a careers word or frame in the message ("jobs", "want to be
// an actor", "what else is there").
func sgCareersQuestion(toks []ucToken) bool {
	for i, tk := range toks {
		if sgCareersFrame[tk.s] {
			return true
		}
		// "want to be an actor": a careers question, whatever the job
		if (tk.s == "be" || tk.s == "become") && i+1 < len(toks) && (toks[i+1].s == "a" || toks[i+1].s == "an") {
			return true
		}
		if tk.s == "what" && i+1 < len(toks) && toks[i+1].s == "else" {
			return true // "what else is there"
		}
	}
	return false
}

// sgCovered reports whether an idiom covers any token of m.
func sgCovered(covered []int32, m ucMatch) bool {
	for k := m.start; k < m.end; k++ {
		if covered[k] != 0 {
			return true
		}
	}
	return false
}

func sgFirstPersonNear(toks []ucToken, start, end int) bool {
	return sgFirstPersonWithin(toks, start, end, 2)
}

// sgFirstPersonWithin reports a first-person word within n tokens of [start, end).
func sgFirstPersonWithin(toks []ucToken, start, end, n int) bool {
	lo, hi := start-n, end+n
	if lo < 0 {
		lo = 0
	}
	if hi > len(toks) {
		hi = len(toks)
	}
	for i := lo; i < hi; i++ {
		if sgFirstPerson[toks[i].s] {
			return true
		}
	}
	return false
}

func sgNegatedBefore(toks []ucToken, start int) bool {
	for i := start - 1; i >= 0 && i >= start-3; i-- {
		switch toks[i].s {
		case "not", "never", "if":
			return true
		}
	}
	return false
}

// sgAnswerToCheckIn reads the message after a tier-2 check-in ("is someone pressuring
// you or making you feel unsafe?"). It escalates when the answer confirms ("yes", "yeah
// he is", "kind of", "i'm scared of him") or the message shows a risk of its own. A
// denial ("no i'm fine, just asking") goes back to careers, unless a pattern names a risk
// in it too ("no but he does scare me"); the classifier's unnamed possible risk on a
// denial is dropped (it returns the risk to check in on, nil then), so the person is not
// asked the same question again.
func sgAnswerToCheckIn(in Input, risk *SafeguardingFlag) (escalate bool, rest *SafeguardingFlag) {
	named := risk != nil && risk.Category != SafeguardPossibleRisk
	switch {
	case in.Button == "yes":
		return true, risk
	case in.Button != "" || in.Command != "":
		return named, risk
	}
	toks := ucNormalise(clipText(in.Text))
	if sgDenies(toks) {
		if named {
			return true, risk
		}
		return false, nil
	}
	return risk != nil || ucConfirms(toks), risk
}

// sgDenies reports an answer that starts by saying no ("no", "nah", "not really", "i'm
// fine", "all good", "just asking"), not an idiom that starts with no ("no idea").
func sgDenies(toks []ucToken) bool {
	if len(toks) == 0 || ucNoIsIdiom(toks) {
		return false
	}
	w := func(i int) string {
		if i < len(toks) {
			return toks[i].s
		}
		return ""
	}
	switch w(0) {
	case "no", "nah", "nope", "naw", "na", "nothing", "never", "not", "nobody", "noone":
		return true
	case "i", "im":
		k := 1
		if w(k) == "am" || w(k) == "m" {
			k++
		}
		switch w(k) {
		case "fine", "ok", "okay", "good", "alright", "safe", "grand", "just", "only":
			return true
		case "not": // "i'm not", "i am not being pressured"
			return w(k+1) != "sure"
		}
	case "all", "its", "it":
		return w(1) == "good" || w(1) == "fine" || w(1) == "ok" || (w(1) == "is" && (w(2) == "fine" || w(2) == "ok"))
	case "just", "only":
		return w(1) == "asking" || w(1) == "wondering" || w(1) == "curious"
	}
	return false
}

// sgPurposeAfter reports a purpose just after a match: "for" or "to go to" and a careers
// word ("i have to move out at 18 for uni", "leaving home for an apprenticeship"). A
// move made for study or work is not being thrown out; a tier-2 match followed by one is
// dropped.
func sgPurposeAfter(toks []ucToken, end int) bool {
	for i := end; i < len(toks) && i <= end+3; i++ {
		if toks[i].s != "for" && toks[i].s != "to" {
			continue
		}
		for j := i + 1; j < len(toks) && j <= i+3; j++ {
			if sgCareersFrame[toks[j].s] || toks[j].s == "study" || toks[j].s == "school" {
				return true
			}
		}
	}
	return false
}

// sgHyperbole reports a suicide match that ends in a condition about a careers thing:
// "going to die if i do not get into this college course", "i will die if i fail my
// exams". The condition starts within two words of the match ("if", "when", "unless")
// and names a careers word or a careers thing (sgThings but it/this/that: "if this
// carries on" is no careers outcome) before the clause ends; a person in the condition
// ("if he finds out") is not hyperbole.
func sgHyperbole(toks []ucToken, end int) bool {
	i := end
	for i < len(toks) && i < end+2 && toks[i].s != "if" && toks[i].s != "unless" && toks[i].s != "when" {
		i++
	}
	if i >= len(toks) || (toks[i].s != "if" && toks[i].s != "unless" && toks[i].s != "when") {
		return false
	}
	for j := i + 1; j < len(toks) && j <= i+10; j++ {
		if j > i+1 && sgClauseBreak(toks, j) {
			break
		}
		w := toks[j].s
		if sgPerson[w] {
			return false
		}
		if sgCareersFrame[w] || (sgThings[w] && w != "it" && w != "this" && w != "that" && w != "stress") {
			return true // a careers thing, not "if this carries on"
		}
	}
	return false
}

// sgPerson are words for someone other than the writer who could threaten or hurt them.
var sgPerson = map[string]bool{
	"he": true, "she": true, "they": true, "him": true, "her": true, "them": true, "mum": true, "dad": true,
	"mom": true, "parents": true, "boyfriend": true, "girlfriend": true, "someone": true, "anyone": true,
	"brother": true, "sister": true, "stepdad": true, "uncle": true, "people": true, "everyone": true,
}

// sgReported reports a message that only passes on what the writer heard or read about
// others: a report word ("heard", "apparently", "read", "people say") followed by a
// third party and no first-person word after it ("i have heard chefs basically have no
// life", "i heard they never sleep"). The classifier alone does not flag such a message.
func sgReported(toks []ucToken) bool {
	for i, tk := range toks {
		switch tk.s {
		case "heard", "hear", "apparently", "read", "say", "says", "said":
		default:
			continue
		}
		if tk.s == "say" || tk.s == "says" || tk.s == "said" {
			// "people say", "they say": only a general third-party subject reports
			if i == 0 || (toks[i-1].s != "people" && toks[i-1].s != "they" && toks[i-1].s != "everyone") {
				continue
			}
		}
		if i+1 >= len(toks) {
			return false
		}
		// every first-person word is the report's own subject ("i heard", "i have read")
		for j, t := range toks {
			if (sgFirstPerson[t.s] || t.s == "you") && (j >= i || j < i-2) {
				return false
			}
		}
		next := toks[i+1].s
		if next == "that" && i+2 < len(toks) {
			next = toks[i+2].s
		}
		return !sgPerson[next] || next == "they" || next == "people" || next == "everyone"
	}
	return false
}
