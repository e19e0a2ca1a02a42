package dialog

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/careersbot/careersbot/lmi"
)

// turn is one turn being worked out: the understanding plus everything context added.
type turn struct {
	in      Input
	u       Understanding
	prev    State // state before the turn (a copy)
	st      State // new state being built
	intent  string
	occs    []lmi.Match
	names   []string // how the person named each occupation
	options []lmi.Match
	regions []lmi.Region // region options when a place was ambiguous
	// choices are the places an ambiguous town name can be ("Kingston upon Thames",
	// "Kingston upon Hull"), offered as buttons; placeSaid is the name as written.
	choices   []lmi.PlaceMatch
	placeSaid string
	// locAmbig is the channel's location when it is several places.
	locAmbig *lmi.PlaceMatch

	ambiguous  bool
	followUp   bool
	region     lmi.Region
	place      *lmi.PlaceMatch // the place in use, when resolved this turn
	placeInMsg bool
	placeAmbig bool
	answered   string
	failed     string
	told       bool // the message only told us about the person (age, place)
	yes, no    bool
	depth      string
	// generalWork: a question about work in general for young people ("part time
	// jobs for 15 year olds"), not about one job.
	generalWork bool
	// also is a second question in the same message ("... and how do i become
	// one?"), answered by a button.
	also string
}

// Respond answers one turn. It implements bot.Responder. The state passed in is not
// modified; the new state is returned.
func (e *Engine) Respond(ctx context.Context, st State, in Input) (reply Reply, next State, err error) {
	rs := e.rules.Load()
	t := &turn{in: in, prev: copyState(st), st: copyState(st)}
	// A bug below (here or in the store) must not take the service down: answer with
	// the fallback (which offers an adviser) and report the error. Safeguarding has
	// already run by the time anything else can fail.
	defer func() {
		if p := recover(); p != nil {
			e.log.Error("dialog: panic in Respond", "panic", p)
			next = copyState(st)
			next.Turns++
			reply = e.fallbackReply(ctx, rs, &turn{in: in, prev: copyState(st), st: next})
			reply.Handoff = reply.Handoff || t.u.Safeguarding != nil
			err = fmt.Errorf("dialog: internal error: %v", p)
		}
	}()
	t.st.Turns++
	if in.Age > 0 && in.Age < 120 {
		t.st.Profile.Age = in.Age
	}
	if loc := strings.TrimSpace(in.Location); loc != "" && len(loc) < 200 {
		if pm, err := e.store.ResolvePlace(ctx, clipText(loc)); err == nil && !pm.Ambiguous && pm.Region.Name != "" {
			setPlace(&t.st.Profile, pm)
		} else if err == nil && len(pm.Choices) > 0 {
			t.locAmbig = &pm // "Kingston" from the channel: asked about when it matters
		}
	}

	// 1. Safeguarding first, on the whole text, whatever else it says.
	// Tier 1 escalates now; tier 2 (a possible risk) is checked in on below, after the
	// careers part is answered.
	var gateToks []ucToken
	var risk *SafeguardingFlag
	checkedIn := st.Slots[slotCheckIn]
	if in.Command == "" && in.Text != "" {
		gateToks = ucNormaliseMax(in.Text, sgMaxText) // CheckSafeguarding, keeping its words
		if flag := e.nluData().gate(in.Text, gateToks); flag != nil {
			if flag.Tier == 1 {
				return e.safeguarding(ctx, rs, t, flag)
			}
			risk = flag
		}
	}
	if checkedIn != "" {
		delete(t.st.Slots, slotCheckIn)
		// the answer to "is someone pressuring you?": yes, or more signs, escalates
		var escalate bool
		if escalate, risk = sgAnswerToCheckIn(in, risk); escalate {
			return e.safeguarding(ctx, rs, t, &SafeguardingFlag{Category: checkedIn, Matched: clipText(in.Text), Tier: 1})
		}
	}

	// A bare number picks one of the last reply's buttons, unless the open question
	// has its own numbered options.
	if in.Button == "" && in.Command == "" {
		if n := bareNumber(in.Text); n > 0 && n <= len(st.Offered) &&
			(st.Pending == nil || len(st.Pending.Options) == 0) {
			in.Button = st.Offered[n-1].Value
			t.in = in
		}
	}

	// 2. Understanding (a pressed button or a command stands in for the text).
	text := in.Text
	if in.Button != "" {
		text = in.Button
	}
	if in.Command == "" {
		ct := clipText(text)
		// the gate above already read this very text: no need to run it twice
		if uu := e.uu.Load(); uu != nil {
			gated := in.Button == "" && ct == in.Text
			var toks []ucToken
			if gated && len(ct) <= ucMaxText {
				toks = gateToks
			}
			t.u = uu.understand(ctx, ct, gated, toks)
		} else {
			t.u = e.opts.Understander.Understand(ctx, ct)
		}
		if t.u.Safeguarding != nil {
			return e.safeguarding(ctx, rs, t, t.u.Safeguarding)
		}
		if risk != nil && t.u.Risk == nil {
			t.u.Risk = risk
		}
		// A plain "yes" to a reply that ended with suggestions and no open question
		// ("Do you want to know the pay?") takes the first suggestion.
		if in.Button == "" && st.Pending == nil && t.u.Yes && !t.u.No && len(t.u.Occupations) == 0 &&
			(t.u.Intent == IntentUnknown || t.u.Intent == "") && len(st.Offered) > 0 && st.Offered[0].Value != IntentHandoff {
			in.Button = st.Offered[0].Value
			t.in = in
			t.u = e.Understand(ctx, in.Button)
		}
	} else {
		t.u = Understanding{Text: in.Text}
	}

	// 3. Context.
	e.resolve(ctx, t)
	t.st.Profile.AgeGroup = ageGroup(t.st.Profile.Age)
	t.depth = depthFor(t.st.Profile.Age, in.Adviser)

	// 4. Rules, 5. Reply.
	reply, err = e.reply(ctx, rs, t)
	if t.u.Risk != nil {
		reply = e.checkIn(ctx, rs, t, reply, t.u.Risk)
	}
	return reply, t.st, err
}

// reply picks the rule for the turn and renders it (the fallback when none fires or
// one fails).
func (e *Engine) reply(ctx context.Context, rs *RuleSet, t *turn) (Reply, error) {
	env := t.env()
	rule, err := rs.match(&env)
	if err != nil {
		return e.fallbackReply(ctx, rs, t), fmt.Errorf("dialog: %w", err)
	}
	if rule == nil {
		return e.fallbackReply(ctx, rs, t), nil
	}
	reply, err := e.execute(ctx, rs, rule, t)
	if err != nil {
		e.log.Error("dialog: reply failed", "rule", rule.Name, "err", err)
		return e.fallbackReply(ctx, rs, t), fmt.Errorf("dialog: %w", err)
	}
	return reply, nil
}

// bareNumber reads "2" or " 3 " as a number 1-9, else 0.
func bareNumber(s string) int {
	s = strings.TrimSpace(s)
	if len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		return int(s[0] - '0')
	}
	return 0
}

func setPlace(p *Profile, pm lmi.PlaceMatch) {
	p.Region = pm.Region.Name
	if pm.District != "" {
		p.District = pm.District
	}
	switch {
	case pm.Area != "":
		p.Place = pm.Area
	case pm.Kind == "town" || pm.Kind == "local_authority" || pm.Kind == "alias":
		p.Place = pm.Text // never a postcode: only district codes are kept
	}
}

var intentCommands = map[string]string{
	"start": IntentGreet, "help": IntentHelp, "adviser": IntentHandoff, "delete": IntentDeleteData,
}

// needsOccupation lists intents that are about a job.
var needsOccupation = map[string]bool{
	IntentPay: true, IntentEntry: true, IntentDescribe: true, IntentOutlook: true,
	IntentHours: true, IntentCompare: true, IntentVacancies: true,
}

// usesRegion lists intents whose answer changes with the region.
var usesRegion = map[string]bool{
	IntentPay: true, IntentBestPaid: true, IntentVacancies: true, IntentOutlook: true, IntentCompare: true,
}

// resolve applies the conversation to the understanding: commands, buttons, pending
// questions, follow-ups and profile updates.
func (e *Engine) resolve(ctx context.Context, t *turn) {
	u := &t.u
	t.intent = u.Intent
	if t.intent == "" {
		t.intent = IntentUnknown
	}
	t.yes, t.no = u.Yes, u.No
	prof := &t.st.Profile

	// Profile updates said in passing.
	if u.Age > 0 && u.Age < 120 {
		prof.Age = u.Age
	}
	if u.QualLevel != "" {
		prof.QualLevel = u.QualLevel
	}
	dropNegatedLikes(u)
	// "actually i'm bad at maths": a like said earlier goes (Understanding.Dislikes).
	prof.Interests = dropDisliked(prof.Interests, u.Dislikes)
	prof.Subjects = dropDisliked(prof.Subjects, u.Dislikes)
	prof.Skills = dropDisliked(prof.Skills, u.Dislikes)
	prof.Interests = addWords(prof.Interests, u.Interests)
	prof.Subjects = addWords(prof.Subjects, u.Subjects)
	prof.Skills = addWords(prof.Skills, u.Skills)
	if u.Place != nil {
		if u.Place.Ambiguous {
			t.setAmbiguousPlace(*u.Place)
		} else if u.Place.Region.Name != "" {
			t.placeInMsg = true
			t.region = u.Place.Region
			pm := *u.Place
			t.place = &pm
			setPlace(prof, *u.Place)
		}
	} else if t.locAmbig != nil && u.NearMe && prof.Region == "" {
		// "near me" with the channel's location "Kingston": ask which one
		t.setAmbiguousPlace(*t.locAmbig)
	}

	// Occupations named in this message: the top candidate of each mention.
	for _, m := range u.Occupations {
		if len(m.Candidates) == 0 {
			continue
		}
		t.occs = append(t.occs, m.Candidates[0])
		t.names = append(t.names, m.Text)
		if m.Ambiguous && len(u.Occupations) == 1 {
			t.ambiguous = true
			t.options = m.Candidates[:min(4, len(m.Candidates))]
		}
	}

	if c, ok := intentCommands[t.in.Command]; ok {
		t.intent = c
		t.occs, t.names, t.ambiguous = nil, nil, false
		return
	}

	// A pressed button (or its value typed back) may carry a structured action.
	if e.applyButton(ctx, t) {
		e.finishContext(t)
		return
	}

	if p := t.prev.Pending; p != nil {
		e.answerPending(ctx, t, p)
	}
	e.finishContext(t)
}

// finishContext fills in what a follow-up leaves out: the occupations and the region.
func (e *Engine) finishContext(t *turn) {
	// "how does that compare with electricians?": one job named plus the last one.
	if t.weak() && len(t.occs) == 1 && t.answered == "" && mentionsCompare(t.u.Text) {
		t.intent = IntentCompare
	}
	// "what about plumbers?": a bare job title continues the last question.
	if t.weak() && len(t.occs) > 0 && t.answered == "" {
		if needsOccupation[t.prev.LastIntent] && t.prev.LastIntent != IntentCompare {
			t.intent = t.prev.LastIntent
		} else {
			t.intent = IntentDescribe
		}
	}
	// "what about in london?": a bare place repeats the last question there.
	if t.weak() && len(t.occs) == 0 && t.answered == "" && (t.placeInMsg || t.placeAmbig) &&
		(usesRegion[t.prev.LastIntent] || needsOccupation[t.prev.LastIntent] && len(t.prev.LastOccupations) > 0) {
		t.intent = t.prev.LastIntent
	}
	// "part time jobs for 15 year olds": general guidance, not the last job.
	// "how long can a 15 year old work?": an age inside a question about working time
	// asks about young workers, not one job
	youngHours := t.intent == IntentHours && (t.u.Age > 0 && t.u.Age < 18 || t.u.AgeAsked > 0 && t.u.AgeAsked < 18)
	if len(t.u.Occupations) == 0 && t.answered == "" && t.in.Button == "" &&
		(t.intent == IntentUnknown || needsOccupation[t.intent]) && (youngHours || generalWorkIn(t.u.Text)) {
		t.generalWork = true
		t.occs, t.names = nil, nil
		if youngHours {
			return // an hours question (rule young-hours)
		}
		if t.intent == IntentUnknown || needsOccupation[t.intent] {
			t.intent = IntentVacancies
		}
		return
	}
	// "and how much do they earn?": the occupations of the last answer.
	if needsOccupation[t.intent] && len(t.prev.LastOccupations) > 0 {
		need := 1
		if t.intent == IntentCompare {
			need = 2
		}
		// "what hours do they work?" after a comparison: all the compared jobs.
		if t.prev.LastIntent == IntentCompare && len(t.occs) == 0 && refersToAll(t.u.Text) {
			need = 3
		}
		if len(t.occs) < need && !t.ambiguous {
			for i, code := range t.prev.LastOccupations {
				if len(t.occs) >= 3 || len(t.occs) >= need && t.intent != IntentCompare && need < 3 {
					break
				}
				if slices.ContainsFunc(t.occs, func(m lmi.Match) bool { return m.SOC2020 == code }) {
					continue
				}
				m := e.match(code)
				name := ""
				if i < len(t.prev.LastOccupationNames) {
					name = t.prev.LastOccupationNames[i]
				}
				t.occs = append(t.occs, m)
				t.names = append(t.names, name)
				t.followUp = true
			}
		}
	}
	if t.intent == IntentCompare && len(t.occs) > 3 {
		t.occs, t.names = t.occs[:3], t.names[:3]
	}
	// Region: the message's place, else the profile's for answers that use one.
	if t.region.Name == "" && t.st.Profile.Region != "" && (usesRegion[t.intent] && (t.u.NearMe || t.intent != IntentCompare)) {
		t.region = e.regionByName(t.st.Profile.Region)
	}
	if t.answered == "region_choice" || t.answered == "place" {
		t.placeInMsg = true
	}
	// "i live in leeds", "i'm 15": nothing asked, something told.
	if t.intent == IntentUnknown && t.answered == "" && len(t.occs) == 0 &&
		(t.placeInMsg || t.u.Age > 0 || t.u.QualLevel != "") {
		t.told = true
	}
}

func mentionsCompare(text string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z')
	}) {
		switch w {
		case "compare", "compared", "compares", "comparing", "vs", "versus":
			return true
		}
	}
	return false
}

func (e *Engine) regionByName(name string) lmi.Region {
	if r, ok := e.regions[name]; ok {
		return r
	}
	return lmi.Region{Name: name}
}

// match returns a Match for a SOC 2020 code from the store.
func (e *Engine) match(code string) lmi.Match {
	m := lmi.Match{SOC2020: code, Score: 1}
	if o, err := e.occupation(context.Background(), code); err == nil {
		m.Title = o.Title
		if len(o.SOC2010) > 0 {
			m.SOC2010 = o.SOC2010[0]
		}
	}
	return m
}

// applyButton handles structured button values: "yes", "no", "occ:CODE",
// "region:NAME", "place:DISTRICT", "INTENT" or "INTENT:CODE[,CODE]". It reports whether the button
// decided the turn.
func (e *Engine) applyButton(ctx context.Context, t *turn) bool {
	v := strings.TrimSpace(t.in.Button)
	if v == "" {
		// Platforms without buttons send the value back as text.
		v = strings.TrimSpace(t.in.Text)
		if !strings.Contains(v, ":") || strings.ContainsAny(v, " \t\n") {
			return false
		}
	}
	kind, arg, _ := strings.Cut(v, ":")
	kind = strings.ToLower(kind)
	p := t.prev.Pending
	switch {
	case kind == "yes" || kind == "no":
		t.yes, t.no = kind == "yes", kind == "no"
		if p != nil {
			e.answerPending(ctx, t, p)
		}
		return true
	case kind == "occ" && arg != "":
		intent := t.prev.LastIntent
		if p != nil && p.Slot == "occupation" {
			intent = p.Intent
			t.answered = "occupation"
		}
		if intent == "" {
			intent = IntentDescribe
		}
		t.intent = intent
		t.occs, t.names, t.ambiguous, t.options = nil, nil, false, nil
		for _, c := range strings.Split(arg, ",") {
			if m := e.match(strings.TrimSpace(c)); m.Title != "" { // unknown codes are dropped
				t.occs = append(t.occs, m)
				t.names = append(t.names, t.prevName(m.SOC2020))
			}
		}
		if len(t.occs) == 0 {
			t.answered = ""
			t.failed = "occupation"
		}
		e.carryPending(t, p)
		return true
	case kind == "place" && arg != "":
		pm, ok := e.districtPlace(ctx, arg)
		if !ok {
			return false
		}
		t.region = pm.Region
		t.place = &pm
		setPlace(&t.st.Profile, pm)
		t.placeAmbig, t.choices = false, nil
		if p != nil {
			t.answered = p.Slot
			t.intent = p.Intent
			e.carryPending(t, p)
		}
		return true
	case kind == "region" && arg != "":
		r := e.regionByName(arg)
		if _, ok := e.regions[arg]; !ok {
			return false
		}
		t.region = r
		t.st.Profile.Region = r.Name
		t.placeAmbig = false
		if p != nil {
			t.answered = p.Slot
			t.intent = p.Intent
			e.carryPending(t, p)
		}
		return true
	case knownIntents[kind]:
		t.intent = kind
		t.occs, t.names, t.ambiguous, t.options = nil, nil, false, nil
		if arg != "" {
			for _, c := range strings.Split(arg, ",") {
				if m := e.match(strings.TrimSpace(c)); m.Title != "" { // unknown codes are dropped
					t.occs = append(t.occs, m)
					t.names = append(t.names, t.prevName(m.SOC2020))
				}
			}
		}
		return true
	}
	return false
}

// prevName is how the person named a job earlier in the conversation, if they did.
func (t *turn) prevName(code string) string {
	for i, c := range t.prev.LastOccupations {
		if c == code && i < len(t.prev.LastOccupationNames) {
			return t.prev.LastOccupationNames[i]
		}
	}
	return ""
}

// carryPending restores the occupations the pending question was about.
func (e *Engine) carryPending(t *turn, p *Pending) {
	if p == nil || len(t.occs) > 0 || p.Slot == "occupation" {
		return
	}
	for i, c := range t.prev.LastOccupations {
		t.occs = append(t.occs, e.match(c))
		name := ""
		if i < len(t.prev.LastOccupationNames) {
			name = t.prev.LastOccupationNames[i]
		}
		t.names = append(t.names, name)
	}
}

// answerPending tries to read this message as the answer to the open question.
func (e *Engine) answerPending(ctx context.Context, t *turn, p *Pending) {
	u := &t.u
	newQuestion := !t.weak() && t.intent != IntentFeedback && t.intent != IntentGreet &&
		t.intent != IntentThanks
	switch p.Slot {
	case "feedback":
		if (t.yes || t.no) && !(newQuestion && len(t.occs) > 0) {
			t.intent = IntentFeedback
			t.answered = "feedback"
			if t.yes {
				t.st.Slots = setSlot(t.st.Slots, "feedback", "yes")
			} else {
				t.st.Slots = setSlot(t.st.Slots, "feedback", "no")
			}
		}
	case "adviser_offer":
		if t.yes && !newQuestion || t.yes && t.intent == IntentHandoff {
			t.answered = "adviser_offer"
			t.intent = IntentHandoff
		} else if t.no && !(newQuestion && len(t.occs) > 0) {
			t.answered = "adviser_offer"
			t.intent = IntentHelp
		}
	case "occupation":
		var pick *lmi.Match
		if u.Choice > 0 && u.Choice <= len(p.Options) {
			m := e.match(p.Options[u.Choice-1])
			pick = &m
		} else if len(u.Occupations) > 0 {
			// The first candidate that was offered, else the top candidate.
			for _, m := range u.Occupations {
				for _, c := range m.Candidates {
					if slices.Contains(p.Options, c.SOC2020) {
						pick = &c
						break
					}
				}
				if pick != nil {
					break
				}
			}
			if pick == nil && !(newQuestion && t.intent != p.Intent) {
				c := u.Occupations[0].Candidates[0]
				if !u.Occupations[0].Ambiguous || len(p.Options) > 0 {
					pick = &c
				}
			}
		}
		if pick != nil {
			t.answered = "occupation"
			name := ""
			if len(u.Occupations) > 0 {
				name = u.Occupations[0].Text
			}
			t.occs, t.names, t.ambiguous, t.options = nil, nil, false, nil
			// For compare, keep the job already named.
			if p.Intent == IntentCompare {
				for i, c := range t.prev.LastOccupations {
					if c != pick.SOC2020 {
						t.occs = append(t.occs, e.match(c))
						n := ""
						if i < len(t.prev.LastOccupationNames) {
							n = t.prev.LastOccupationNames[i]
						}
						t.names = append(t.names, n)
					}
				}
			}
			t.occs = append(t.occs, *pick)
			t.names = append(t.names, name)
			if !newQuestion || t.intent == p.Intent {
				t.intent = p.Intent
			}
		} else if !newQuestion && len(u.Occupations) == 0 {
			t.failed = "occupation"
		}
	case "place", "region_choice":
		var region lmi.Region
		if pm, ok := e.placeChoice(ctx, p, u); ok {
			// "which Kingston?": a button, its number, or a place or region that is
			// one of the choices.
			region = pm.Region
			t.place = &pm
			setPlace(&t.st.Profile, pm)
		} else if u.Place != nil && !u.Place.Ambiguous && u.Place.Region.Name != "" {
			region = u.Place.Region
		} else if p.Slot == "region_choice" && u.Choice > 0 && u.Choice <= len(p.Options) {
			region = e.regionByName(p.Options[u.Choice-1])
		} else if u.Place == nil && !newQuestion {
			if pm, err := e.store.ResolvePlace(ctx, clipText(t.in.Text)); err == nil {
				if pm.Ambiguous {
					t.setAmbiguousPlace(pm)
				} else if pm.Region.Name != "" {
					region = pm.Region
					t.place = &pm
					setPlace(&t.st.Profile, pm)
				}
			}
		}
		if region.Name != "" {
			t.answered = p.Slot
			t.region = region
			t.st.Profile.Region = region.Name
			t.placeAmbig = false
			if !newQuestion || len(t.occs) == 0 {
				t.intent = p.Intent
				e.carryPending(t, p)
			}
		} else if !newQuestion && !t.placeAmbig && u.Age == 0 && u.QualLevel == "" {
			t.failed = p.Slot // not a place, and nothing else told ("im 14" is noted instead)
		} else if t.placeAmbig && !newQuestion {
			t.intent = p.Intent
			e.carryPending(t, p)
		}
	case "age":
		if u.Age > 0 {
			t.answered = "age"
			if !newQuestion {
				t.intent = p.Intent
				e.carryPending(t, p)
			}
		} else if !newQuestion {
			t.failed = "age"
		}
	}
}

func setSlot(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

func addWords(have, add []string) []string {
	for _, w := range add {
		if w != "" && !slices.Contains(have, w) {
			have = append(have, w)
		}
	}
	if len(have) > 12 {
		have = have[len(have)-12:]
	}
	return have
}

// misses counts misunderstandings in a row, this turn included.
func (t *turn) misses() int {
	if (t.told || t.yes || t.no) && t.failed == "" {
		return 0 // understood, even if there was nothing to say yes or no to
	}
	if t.intent == IntentUnknown || t.failed != "" {
		return t.prev.Fallbacks + 1
	}
	return 0
}

// weak says the intent was only guessed from a bare job title ("a chef", "what
// about plumbers?"), so the conversation decides what is being asked.
func (t *turn) weak() bool {
	return t.intent == IntentUnknown || t.intent == IntentDescribe && t.u.Confidence < 0.5
}

// clarify says the turn should ask what is wanted rather than guess: one job named with
// nothing asked about it at the start of a topic ("electrician?"), or two readings of a
// question about a job too close to call (Understanding.Alternatives).
func (t *turn) clarify() bool {
	if len(t.occs) != 1 || t.ambiguous || t.followUp || t.in.Button != "" || t.in.Command != "" {
		return false
	}
	if len(t.u.Alternatives) > 1 && needsOccupation[t.intent] {
		return true
	}
	return t.intent == IntentDescribe && t.u.Confidence <= ucOccOnlyConfidence && !ucAskedFirst[t.prev.LastIntent]
}

// env builds the rule environment for this turn.
func (t *turn) env() RuleEnv {
	pending := ""
	if t.prev.Pending != nil {
		pending = t.prev.Pending.Slot
	}
	return RuleEnv{
		U:               t.u,
		State:           t.prev,
		Profile:         t.st.Profile,
		Intent:          t.intent,
		Occupations:     len(t.occs),
		NeedsOccupation: needsOccupation[t.intent],
		Ambiguous:       t.ambiguous,
		FollowUp:        t.followUp,
		Age:             t.st.Profile.Age,
		AgeGroup:        ageGroup(t.st.Profile.Age),
		Depth:           t.depth,
		Adviser:         t.in.Adviser,
		Region:          t.region.Name,
		Country:         t.region.Country,
		HasPlace:        t.region.Name != "",
		PlaceInMessage:  t.placeInMsg,
		PlaceAmbiguous:  t.placeAmbig,
		NearMe:          t.u.NearMe,
		Fallbacks:       t.prev.Fallbacks,
		Misses:          t.misses(),
		Told:            t.told,
		Pending:         pending,
		Answered:        t.answered,
		Failed:          t.failed,
		Yes:             t.yes,
		No:              t.no,
		Button:          t.in.Button,
		Command:         t.in.Command,
		Turns:           t.st.Turns,
		Answers:         t.prev.Answers,
		Interests:       len(t.st.Profile.Interests) + len(t.st.Profile.Subjects) + len(t.st.Profile.Skills),
		GeneralWork:     t.generalWork,
		Clarify:         t.clarify(),
		NoDegree:        t.u.NoDegree || t.st.Profile.QualLevel == "no_degree",
	}
}

// optionButtons turns offered occupations into buttons.
func optionButtons(opts []lmi.Match) []Button {
	out := make([]Button, 0, len(opts))
	for _, m := range opts {
		out = append(out, Button{Label: m.Title, Value: "occ:" + m.SOC2020})
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// setAmbiguousPlace records a place name that is several places ("Kingston") or
// several regions ("up north"), so the turn can ask which.
func (t *turn) setAmbiguousPlace(pm lmi.PlaceMatch) {
	t.placeAmbig = true
	t.regions = pm.Options
	t.choices = pm.Choices
	t.placeSaid = placeName(pm.Text)
}

// placeName writes a place name as typed, with capitals where the person wrote
// none ("kingston" -> "Kingston").
func placeName(s string) string {
	if strings.ToLower(s) != s {
		return s
	}
	w := strings.Fields(s)
	for i, x := range w {
		if !placeJoinWords[x] || i == 0 {
			w[i] = upperFirst(x)
		}
	}
	return strings.Join(w, " ")
}

var placeJoinWords = map[string]bool{"upon": true, "under": true, "on": true, "in": true, "the": true, "de": true, "le": true}

// placeChoicePrefix marks a pending option that is a place (its postcode district)
// rather than a region name.
const placeChoicePrefix = "place:"

// placeChoice reads an answer to "which Kingston do you mean?": the number of a
// choice, or a place or region that picks exactly one of the choices offered.
func (e *Engine) placeChoice(ctx context.Context, p *Pending, u *Understanding) (lmi.PlaceMatch, bool) {
	var districts []string
	for _, o := range p.Options {
		if d, ok := strings.CutPrefix(o, placeChoicePrefix); ok {
			districts = append(districts, d)
		}
	}
	if len(districts) == 0 {
		return lmi.PlaceMatch{}, false
	}
	if u.Choice > 0 && u.Choice <= len(p.Options) {
		if d, ok := strings.CutPrefix(p.Options[u.Choice-1], placeChoicePrefix); ok {
			return e.districtPlace(ctx, d)
		}
	}
	if u.Place == nil || u.Place.Region.Name == "" || u.Place.Ambiguous {
		return lmi.PlaceMatch{}, false
	}
	var picked []lmi.PlaceMatch
	for _, d := range districts {
		pm, ok := e.districtPlace(ctx, d)
		if !ok {
			continue
		}
		switch {
		case u.Place.Kind == "region" && pm.Region.Name == u.Place.Region.Name,
			u.Place.Area != "" && pm.Area == u.Place.Area:
			picked = append(picked, pm)
		}
	}
	if len(picked) != 1 {
		return lmi.PlaceMatch{}, false
	}
	return picked[0], true
}

// districtPlace resolves a postcode district offered as a place choice.
func (e *Engine) districtPlace(ctx context.Context, district string) (lmi.PlaceMatch, bool) {
	district = strings.ToUpper(strings.TrimSpace(district))
	if district == "" || len(district) > 4 {
		return lmi.PlaceMatch{}, false
	}
	pm, err := e.store.ResolvePlace(ctx, district)
	if err != nil || pm.Ambiguous || pm.Region.Name == "" || pm.District != district {
		return lmi.PlaceMatch{}, false
	}
	return pm, true
}
