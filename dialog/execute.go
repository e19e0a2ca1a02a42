package dialog

import (
	"context"
	"slices"

	"github.com/careersbot/careersbot/lmi"
)

// informativeIntents give facts from the LMI store.
var informativeIntents = map[string]bool{
	IntentPay: true, IntentBestPaid: true, IntentEntry: true, IntentDescribe: true,
	IntentOutlook: true, IntentHours: true, IntentSuggest: true, IntentCompare: true,
	IntentVacancies: true,
}

// execute carries out a rule's actions and renders its reply.
func (e *Engine) execute(ctx context.Context, rs *RuleSet, rule *Rule, t *turn) (Reply, error) {
	intent := t.intent
	if rule.Intent != "" {
		intent = rule.Intent
	}
	asking := rule.Ask != ""
	v := e.newView(ctx, t, intent, !asking)
	r := Reply{
		Intent:      intent,
		Depth:       t.depth,
		Rule:        rule.Name,
		Handoff:     rule.Handoff,
		Occupations: t.occs,
	}
	if t.region.Name != "" && (t.placeInMsg || usesRegion[intent]) {
		r.Region = t.region.Name
	}

	// Ask: open a pending question with its options.
	t.st.Pending = nil
	if asking {
		p := &Pending{Slot: rule.Ask, Intent: t.intent}
		switch rule.Ask {
		case "occupation":
			if t.ambiguous {
				for _, m := range t.options {
					p.Options = append(p.Options, m.SOC2020)
				}
				r.Buttons = append(r.Buttons, optionButtons(t.options)...)
				r.Occupations = t.options
				v.Options = make([]string, len(t.options))
				for i, m := range t.options {
					v.Options[i] = m.Title
				}
			}
		case "region_choice":
			if len(t.choices) > 0 {
				// "Kingston": upon Thames or upon Hull? Each button is a place whose
				// area, skills plan area and region agree.
				v.PlaceSaid = t.placeSaid
				for _, c := range t.choices {
					p.Options = append(p.Options, placeChoicePrefix+c.District)
					r.Buttons = append(r.Buttons, Button{Label: c.Text, Value: placeChoicePrefix + c.District})
					v.Options = append(v.Options, c.Text)
				}
				break
			}
			for _, reg := range t.regions {
				p.Options = append(p.Options, reg.Name)
				r.Buttons = append(r.Buttons, Button{Label: reg.Name, Value: "region:" + reg.Name})
				v.Options = append(v.Options, reg.Name)
			}
		case "adviser_offer":
			r.Buttons = append(r.Buttons, Button{Label: "Yes, please", Value: "yes"}, Button{Label: "No, thanks", Value: "no"})
		}
		t.st.Pending = p
		r.Pending = p.Slot
	}
	for k, val := range rule.Set {
		t.st.Slots = setSlot(t.st.Slots, k, val)
	}
	if intent == IntentFeedback {
		r.Feedback = t.st.Slots["feedback"]
	}

	text, err := rs.render(rule.Reply, t.depth, v)
	if err != nil {
		return Reply{}, err
	}
	r.Text = text

	informative := !asking && !rule.Handoff && informativeIntents[intent] && v.found
	slotButtons := r.Buttons
	if informative {
		e.decorate(&r, v, intent)
		// A second question in the same message is offered as the first button.
		if v.Occ != nil && needsOccupation[intent] && intent != IntentCompare {
			if also := alsoAsked(t.u.Text, intent); also != "" {
				w := alsoWords[also]
				b := Button{Label: w[1], Value: also + ":" + v.Occ.SOC2020}
				r.Buttons = append([]Button{b}, slices.DeleteFunc(r.Buttons, func(x Button) bool { return x.Value == b.Value })...)
				v.Also, v.AlsoButton = w[0], w[1]
				if line, err := rs.render("also_asked", t.depth, v); err == nil && line != "" {
					r.Text += "\n\n" + line
				}
			}
		}
	} else if !asking && !rule.Handoff && intent != IntentDeleteData {
		r.Buttons = append(r.Buttons, socialButtons(intent, t.depth)...)
	}
	if rule.Reply == "clarify" && len(t.occs) > 0 {
		r.Buttons, r.Clarify = clarifyButtons(t), true
	}
	if len(rule.Buttons) > 0 {
		// A rule's own buttons replace the automatic next steps (a question's
		// option buttons stay).
		r.Buttons = append(append([]Button(nil), slotButtons...), rule.Buttons...)
	}
	if len(v.Extra) > 0 {
		r.Occupations = v.Extra
	}
	if note := v.CautionNote(); note != "" && informative {
		r.Text += "\n" + note
	}
	r.Sources = v.sourceIDs()
	r.figs = v.figs
	if r.Occupations == nil {
		r.Occupations = []lmi.Match{}
	}
	if r.Sources == nil {
		r.Sources = []string{}
	}

	// State.
	st := &t.st
	st.LastIntent = intent
	if len(t.occs) > 0 && !(asking && rule.Ask == "occupation" && t.ambiguous) {
		st.LastOccupations = occCodes(t.occs)
		st.LastOccupationNames = append([]string(nil), t.names...)
	} else if len(v.Extra) > 0 {
		// the codes of the reply's first three jobs (made only when kept)
		st.LastOccupations = occCodes(r.Occupations[:min(3, len(r.Occupations))])
		st.LastOccupationNames = nil
	}
	for _, term := range v.newTerms {
		if !slices.Contains(st.ExplainedTerms, term) {
			st.ExplainedTerms = append(st.ExplainedTerms, term)
		}
	}
	switch {
	case t.answered == "adviser_offer" || rule.Handoff:
		st.Fallbacks = 0
	default:
		st.Fallbacks = t.misses()
	}
	if intent == IntentDeleteData {
		// Erasure: the service deletes the transcript; the engine forgets the person.
		*st = State{Turns: t.st.Turns}
	}
	if informative {
		st.Answers++
		after := e.opts.FeedbackAfter
		if after == 0 {
			after = 3
		}
		if after > 0 && st.Answers >= after && !st.FeedbackAsked && st.Pending == nil {
			q, err := rs.render("feedback_question", t.depth, v)
			if err == nil {
				if len(r.Cards)+len(r.Charts) > 0 {
					// After the content: channels show cards after the text.
					r.Cards = append(r.Cards, Card{Title: q})
				} else {
					r.Text += "\n\n" + q
				}
				r.AskFeedback = true
				r.Buttons = append([]Button{{Label: "Yes", Value: "yes"}, {Label: "No", Value: "no"}}, r.Buttons...)
				st.FeedbackAsked = true
				st.Pending = &Pending{Slot: "feedback", Intent: intent}
			}
		}
	}
	st.Offered = append([]Button(nil), r.Buttons...)
	return r, nil
}

func occCodes(ms []lmi.Match) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.SOC2020)
	}
	return out
}

// safeguarding answers a flagged message: calm help lines and a handoff.
func (e *Engine) safeguarding(ctx context.Context, rs *RuleSet, t *turn, flag *SafeguardingFlag) (Reply, State, error) {
	t.st.Profile.AgeGroup = ageGroup(t.st.Profile.Age)
	t.depth = depthFor(t.st.Profile.Age, t.in.Adviser)
	t.intent = IntentSafeguarding
	v := e.newView(ctx, t, IntentSafeguarding, false)
	v.Category = flag.Category
	v.Route = routeFor(rs, t.depth, v)
	text, err := rs.render("safeguarding", t.depth, v)
	if err != nil || text == "" {
		e.log.Error("dialog: safeguarding template failed; using built-in text", "err", err)
		text = safeguardingText
	}
	r := Reply{
		Intent:       IntentSafeguarding,
		Depth:        t.depth,
		Text:         text,
		Handoff:      true,
		Safeguarding: true,
		Rule:         "safeguarding",
		Occupations:  []lmi.Match{},
		Sources:      []string{},
	}
	t.st.Pending = nil
	t.st.Offered = nil
	t.st.Fallbacks = 0
	t.st.LastIntent = IntentSafeguarding
	return r, t.st, nil
}

// clarifyButtons offer the readings of a message about one job: the close alternatives,
// or pay, the way in and what the job is like.
func clarifyButtons(t *turn) []Button {
	code := t.occs[0].SOC2020
	intents := t.u.Alternatives
	if len(intents) < 2 {
		intents = []string{IntentPay, IntentEntry, IntentDescribe}
	}
	out := make([]Button, 0, len(intents)+1)
	for _, in := range intents {
		label := clarifyLabels[in]
		if label == "" {
			continue
		}
		out = append(out, Button{Label: label, Value: in + ":" + code})
	}
	return out
}

var clarifyLabels = map[string]string{
	IntentPay: "Pay", IntentEntry: "How to get in", IntentDescribe: "What the job is like",
	IntentHours: "Hours", IntentOutlook: "Will there be jobs?", IntentVacancies: "Jobs going",
}

// slotCheckIn holds the category of a tier-2 check-in until the next message, whose
// answer decides whether to escalate.
const slotCheckIn = "safeguarding_checkin"

// checkIn puts a gentle, age-fitting check-in before the careers answer of a message
// that may show a risk (tier 2), flags the reply for an adviser's review and remembers
// the check-in, so that a "yes" next escalates.
func (e *Engine) checkIn(ctx context.Context, rs *RuleSet, t *turn, r Reply, flag *SafeguardingFlag) Reply {
	v := e.newView(ctx, t, IntentSafeguarding, false)
	v.Category = flag.Category
	v.Route = routeFor(rs, t.depth, v)
	text, err := rs.render("safeguarding_checkin", t.depth, v)
	if err != nil || text == "" {
		e.log.Error("dialog: check-in template failed; using built-in text", "err", err)
		text = checkInText
	}
	if r.Intent == IntentUnknown || r.Rule == "fallback" {
		r.Text = text // nothing careers to answer: the check-in alone
	} else {
		r.Text = text + "\n\n" + r.Text
	}
	r.Review, r.CheckIn = true, flag.Category
	if t.st.Slots == nil {
		t.st.Slots = map[string]string{}
	}
	t.st.Slots[slotCheckIn] = flag.Category
	return r
}

// routeFor renders the UK service for a safeguarding category (template
// route_<category>), "" when the rules define none.
func routeFor(rs *RuleSet, depth string, v *View) string {
	name := "route_" + v.Category
	if !rs.hasTemplate(name) {
		return ""
	}
	s, err := rs.render(name, depth, v)
	if err != nil {
		return ""
	}
	return s
}

// checkInText is used only if the check-in template cannot be rendered.
const checkInText = "Before I answer, can I check: is someone pressuring you or making you feel unsafe? " +
	"You can tell me, or talk to Childline on 0800 1111 (free, any time)."

// safeguardingText is used only if the safeguarding template cannot be rendered.
const safeguardingText = "Thank you for telling me. You matter, and you do not have to deal with this on your own. " +
	"I am letting a careers adviser know so a real person can help.\n" +
	"You can talk to someone now: Childline 0800 1111 (free, any time), Samaritans 116 123, " +
	"or text SHOUT to 85258. If you are in danger right now, call 999."

// fallbackReply is the reply when no rule fires or a rule fails.
func (e *Engine) fallbackReply(ctx context.Context, rs *RuleSet, t *turn) Reply {
	if t.depth == "" {
		t.depth = depthFor(t.st.Profile.Age, t.in.Adviser)
	}
	v := e.newView(ctx, t, IntentUnknown, false)
	text, err := rs.render("fallback", t.depth, v)
	if err != nil || text == "" {
		text = "Sorry, I did not understand that. You can ask me about jobs, pay and how to get in, or ask to talk to a careers adviser."
	}
	t.st.Fallbacks = t.prev.Fallbacks + 1
	t.st.Pending = nil
	buttons := []Button{{Label: "Talk to an adviser", Value: "handoff"}}
	t.st.Offered = buttons
	return Reply{
		Intent: IntentUnknown, Depth: t.depth, Text: text, Rule: "fallback",
		Occupations: []lmi.Match{}, Sources: []string{}, Buttons: buttons,
	}
}
