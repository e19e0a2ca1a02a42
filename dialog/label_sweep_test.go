package dialog

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// checkLabels checks, in reading order, that every figure in a reply's text sits
// under its own label, worked out from the figure itself (its source and year):
// the first label after the figure, if one comes before the next figure, must be
// its own; otherwise the last label before it must be. The label must also show
// the figure's year. It returns how many figures it found and checked.
func checkLabels(text string, figs []figUse, labels []string) (checked int, problems []string) {
	type at struct {
		pos   int
		label string
	}
	var ls []at
	for _, l := range labels {
		for i := 0; ; {
			j := strings.Index(text[i:], l)
			if j < 0 {
				break
			}
			ls = append(ls, at{i + j, l})
			i += j + len(l)
		}
	}
	sort.Slice(ls, func(a, b int) bool { return ls[a].pos < ls[b].pos })
	// where each figure is: in order, from just after the one before
	pos := make([]int, len(figs))
	cursor := 0
	for i, f := range figs {
		j := strings.Index(text[cursor:], f.text)
		if j < 0 {
			if j = strings.Index(text, f.text); j < 0 {
				pos[i] = -1 // formatted but not shown (a card, an unused value)
				continue
			}
			pos[i] = j
		} else {
			pos[i] = cursor + j
		}
		cursor = pos[i] + len(f.text)
	}
	for i, f := range figs {
		if pos[i] < 0 {
			continue
		}
		end := pos[i] + len(f.text)
		next := len(text)
		for k := i + 1; k < len(figs); k++ {
			if pos[k] >= end {
				next = pos[k]
				break
			}
		}
		got := ""
		for _, l := range ls {
			if l.pos >= end && l.pos < next {
				got = l.label
				break
			}
		}
		if got == "" {
			for _, l := range ls {
				if l.pos+len(l.label) <= pos[i] {
					got = l.label
				}
			}
		}
		checked++
		year := f.fig.Year
		if len(year) > 4 {
			year = year[:4]
		}
		switch {
		case got == "":
			problems = append(problems, fmt.Sprintf("%q has no label (want %s)", f.text, f.label))
		case got != f.label:
			problems = append(problems, fmt.Sprintf("%q is under %s, want %s", f.text, got, f.label))
		case year != "" && !strings.Contains(got, year):
			problems = append(problems, fmt.Sprintf("%q: label %s lacks the figure's year %s", f.text, got, f.fig.Year))
		}
	}
	return checked, problems
}

// TestLabelSweep renders every reply with figures for all 412 unit groups, at every
// depth, for every intent with figures (and a comparison with the next group),
// with and without a place, and checks each figure's label against the figure.
func TestLabelSweep(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	occs, err := e.store.Occupations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	intents := []string{IntentPay, IntentHours, IntentOutlook, IntentVacancies, IntentDescribe, IntentEntry, IntentCompare}
	depths := []struct {
		age     int
		adviser bool
	}{{12, false}, {15, false}, {18, false}, {22, false}, {30, true}}
	replies, figures, bad := 0, 0, 0
	perIntent := map[string]int{}
	for i, o := range occs {
		if testing.Short() && i%10 != 0 {
			continue
		}
		next := occs[(i+1)%len(occs)].SOC2020
		for _, intent := range intents {
			for _, d := range depths {
				for _, place := range []string{"", "Leeds"} {
					in := Input{Button: intent + ":" + o.SOC2020, Age: d.age, Adviser: d.adviser, Location: place}
					if intent == IntentCompare {
						in.Button = "compare:" + o.SOC2020 + "," + next
					}
					r, _, err := e.Respond(ctx, State{}, in)
					if err != nil {
						t.Fatalf("%s %s age %d: %v", intent, o.SOC2020, d.age, err)
					}
					replies++
					var labels []string
					for _, f := range r.figs {
						labels = append(labels, f.label)
					}
					n, problems := checkLabels(r.Text, r.figs, labels)
					figures += n
					perIntent[intent] += n
					for _, p := range problems {
						bad++
						if bad <= 40 {
							t.Errorf("%s %s age %d place %q: %s\n%s", intent, o.SOC2020, d.age, place, p, r.Text)
						}
					}
				}
			}
		}
	}
	t.Logf("label sweep: %d replies, %d figures checked, %d mislabelled; by intent %v", replies, figures, bad, perIntent)
	if figures == 0 {
		t.Fatal("no figures found: the sweep checks nothing")
	}
}
