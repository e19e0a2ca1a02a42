package dialog

import (
	"slices"
	"strings"
)

// decorate adds the structured parts of an informative reply: cards, charts and
// follow-up buttons. Each figure on a card shows its source.
func (e *Engine) decorate(r *Reply, v *View, intent string) {
	switch intent {
	case IntentCompare:
		var labels []string
		var pay []float64
		var src string
		for _, o := range v.Occs {
			r.Cards = append(r.Cards, v.cachedCard(o, true))
			f := o.Pay.AnnualFullTime.Median
			labels = append(labels, o.Title)
			if v.Has(f) {
				pay = append(pay, f.Value)
				src = plainSrc(v.SrcID(f.SourceID, f.Year))
			} else {
				pay = append(pay, 0)
			}
		}
		if len(v.Occs) >= 2 {
			alt := make([]string, len(labels))
			for i := range labels {
				if pay[i] > 0 {
					alt[i] = labels[i] + " £" + Commas(pay[i])
				} else {
					alt[i] = labels[i] + " no figure"
				}
			}
			r.Charts = append(r.Charts, Chart{
				Kind: "bar", Title: "Median full-time pay a year", Labels: labels,
				Series: []Series{{Name: "Median full-time pay", Values: pay}},
				Unit:   "£ a year", AltText: "Median full-time pay a year: " + strings.Join(alt, "; "),
				Source: src,
			})
		}
	case IntentOutlook:
		for _, o := range v.Occs {
			ol := o.Outlook
			if ol == nil || ol.Employment2020K.Missing || ol.Employment2035K.Missing {
				continue
			}
			a, b := ol.Employment2020K.Value*1000, ol.Employment2035K.Value*1000
			r.Charts = append(r.Charts, Chart{
				Kind: "line", Title: "Projected jobs: " + ol.SubMajorGroupTitle + " (" + ol.Area + ")",
				Labels: []string{"2020", "2035"},
				Series: []Series{{Name: ol.SubMajorGroupTitle, Values: []float64{a, b}}},
				Unit:   "jobs",
				AltText: "Jobs in " + ol.SubMajorGroupTitle + " (" + ol.Area + "): " + Commas(roundTo(a, 1000)) +
					" in 2020, " + Commas(roundTo(b, 1000)) + " projected in 2035",
				Source: plainSrc(v.SrcID(ol.Employment2035K.SourceID, ol.Employment2035K.Year)),
			})
		}
		for _, o := range v.Occs {
			r.Cards = append(r.Cards, v.cachedCard(o, false))
		}
	case IntentBestPaid:
		labels := make([]string, 0, len(v.Best))
		pay := make([]float64, 0, len(v.Best))
		alt := make([]string, 0, len(v.Best))
		src := ""
		for _, b := range v.Best {
			labels = append(labels, b.Title)
			pay = append(pay, b.Median.Value)
			alt = append(alt, b.Title+" £"+Commas(b.Median.Value))
			src = plainSrc(v.SrcID(b.Median.SourceID, b.Median.Year))
		}
		if len(labels) > 0 {
			title := "Best-paid jobs (median full-time pay a year)"
			if v.Region != "" {
				title += ", " + v.Region + " (estimate)"
			}
			r.Charts = append(r.Charts, Chart{Kind: "bar", Title: title, Labels: labels,
				Series: []Series{{Name: "Median full-time pay", Values: pay}}, Unit: "£ a year",
				AltText: title + ": " + strings.Join(alt, "; "), Source: src})
		}
	case IntentSuggest:
		r.Cards = slices.Grow(r.Cards, len(v.Suggestions))
		fields := make([]Field, len(v.Suggestions)) // one "Why" field a card, one allocation
		for i, s := range v.Suggestions {
			fields[i] = Field{Label: "Why", Value: s.Why}
			r.Cards = append(r.Cards, Card{Title: s.Title, Subtitle: e.socSubtitle(s.SOC2020),
				Fields: fields[i : i+1 : i+1]})
		}
	default:
		for _, o := range v.Occs {
			r.Cards = append(r.Cards, v.cachedCard(o, false))
		}
	}
	r.Buttons = appendFollowButtons(r.Buttons, v, intent)
}

// cardEntry is a cached occupation card and the sources it cites.
type cardEntry struct {
	card    Card
	sources []string
}

// cachedCard is occCard, cached per occupation, depth and kind: a card depends on
// nothing else, and the store does not change while the engine runs.
func (v *View) cachedCard(o *OccView, compare bool) Card {
	if v.e == nil {
		return v.occCard(o, compare)
	}
	key := o.SOC2020 + "|" + v.Depth
	if compare {
		key += "|c"
	}
	if c, ok := v.e.cache.cards.Load(key); ok {
		ce := c.(*cardEntry)
		for _, id := range ce.sources {
			v.UseSource(id)
		}
		c := ce.card
		c.Fields = slices.Clone(c.Fields) // replies never share a slice
		return c
	}
	tmp := *v
	tmp.sources = nil
	card := tmp.occCard(o, compare)
	for _, id := range tmp.sources {
		v.UseSource(id)
	}
	if !v.e.cache.full() {
		v.e.cache.cards.Store(key, &cardEntry{card: card, sources: tmp.sources})
		v.e.cache.count.Add(1)
	}
	return card
}

// occCard is a summary of one occupation.
func (v *View) occCard(o *OccView, compare bool) Card {
	// a card is read on its own: its first figure is labelled, and any figure whose
	// label differs from the one before it (tag); the reply's text is not affected
	defer func(last string, n int) { v.last, v.figs = last, v.figs[:n] }(v.last, len(v.figs))
	v.last = ""
	c := Card{Title: o.Title, Subtitle: "SOC 2020 " + o.SOC2020}
	var foot []string
	addSrc := func(s string) {
		if s != "" && !containsStr(foot, s) {
			foot = append(foot, s)
		}
	}
	pay := o.Pay.AnnualFullTime.Median
	if v.Has(pay) {
		c.Fields = append(c.Fields, Field{Label: "Pay (median, full-time)", Value: v.Annual(pay)})
		addSrc(v.SrcID(pay.SourceID, pay.Year))
	} else {
		c.Fields = append(c.Fields, Field{Label: "Pay (median, full-time)", Value: v.NoFigure(pay)})
	}
	hrs := o.Pay.PaidHoursFullTime.Median
	if v.Has(hrs) {
		c.Fields = append(c.Fields, Field{Label: "Paid hours (full-time)", Value: v.Hours(hrs)})
	} else if compare {
		c.Fields = append(c.Fields, Field{Label: "Paid hours (full-time)", Value: v.NoFigure(hrs)})
	}
	if o.Outlook != nil {
		if ch := v.Change(o.Outlook); ch != "" {
			c.Fields = append(c.Fields, Field{Label: "Outlook 2020-2035 (" + o.Outlook.SubMajorGroupTitle + ")", Value: "jobs projected to " + ch})
			addSrc(v.SrcID(o.Outlook.Employment2035K.SourceID, o.Outlook.Employment2035K.Year))
		}
	} else if compare {
		c.Fields = append(c.Fields, Field{Label: "Outlook 2020-2035", Value: "no projection available"})
	}
	if q := v.Quals(o); len(q) > 0 {
		c.Fields = append(c.Fields, Field{Label: "Qualifications", Value: joinList(q)})
		addSrc(v.SrcID(o.Entry.SourceID, ""))
	} else if compare {
		c.Fields = append(c.Fields, Field{Label: "Qualifications", Value: "not known"})
	}
	c.Footer = strings.Join(foot, " ")
	return c
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// buttonValue is intent + ":" + code, memoised by the view's engine when it has one.
func buttonValue(v *View, intent, code string) string {
	if v.e == nil {
		return intent + ":" + code
	}
	return v.e.buttonValue(intent, code)
}

// appendFollowButtons appends the next questions about the same job, and an
// adviser (at most five buttons, in one allocation when out is empty).
func appendFollowButtons(out []Button, v *View, intent string) []Button {
	out = slices.Grow(out, 5)
	young := v.Young || v.Teen
	if intent == IntentSuggest {
		for i, s := range v.Suggestions {
			if i >= 3 {
				break
			}
			out = append(out, Button{Label: s.Title, Value: buttonValue(v, IntentDescribe, s.SOC2020)})
		}
	} else if intent == IntentBestPaid {
		for i, b := range v.Best {
			if i >= 2 {
				break
			}
			out = append(out, Button{Label: "How to become: " + b.Title, Value: buttonValue(v, IntentEntry, b.SOC2020)})
		}
	} else if v.Occ != nil {
		code := v.Occ.SOC2020
		type nb struct{ intent, young, older string }
		next := []nb{
			{IntentPay, "What is the pay?", "Pay"},
			{IntentEntry, "How do I get in?", "Entry routes"},
			{IntentOutlook, "Will there be jobs?", "Outlook"},
			{IntentHours, "What are the hours?", "Hours"},
		}
		if intent == IntentCompare {
			next = nil
		}
		for _, n := range next {
			if n.intent == intent || len(out) >= 3 {
				continue
			}
			label := n.older
			if young {
				label = n.young
			}
			out = append(out, Button{Label: label, Value: buttonValue(v, n.intent, code)})
		}
	}
	return append(out, Button{Label: "Talk to an adviser", Value: "handoff"})
}

// socialButtons are starters for greetings, help and misunderstandings.
func socialButtons(intent, depth string) []Button {
	switch intent {
	case IntentFeedback:
		return []Button{{Label: "Talk to an adviser", Value: "handoff"}}
	case IntentSuggest: // nothing known about the person yet: offer some likes
		return []Button{
			{Label: "Animals", Value: "i like animals"},
			{Label: "Sport", Value: "i like sport"},
			{Label: "Art and drawing", Value: "i like drawing"},
			{Label: "Computers", Value: "i like computers"},
			{Label: "Helping people", Value: "i like helping people"},
			{Label: "Fixing things", Value: "i like fixing things"},
			{Label: "Talk to an adviser", Value: "handoff"},
		}
	case IntentGreet, IntentHelp, IntentUnknown, IntentThanks:
		return []Button{
			{Label: "Jobs that suit me", Value: "suggest"},
			{Label: "Best-paid jobs", Value: "best_paid"},
			{Label: "Talk to an adviser", Value: "handoff"},
		}
	}
	return nil
}

// plainSrc is a source label without its brackets or "Source: " (a chart's Source
// field: channels add their own "Source: " before it).
func plainSrc(label string) string {
	label = strings.TrimSuffix(strings.TrimPrefix(label, "("), ")")
	return strings.TrimPrefix(label, "Source: ")
}
