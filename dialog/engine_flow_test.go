package dialog

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/lmi"
)

// stubUnderstander returns canned understandings, to drive flows the real lexicon
// and store may not produce today (an ambiguous job title).
type stubUnderstander map[string]Understanding

func (s stubUnderstander) Understand(ctx context.Context, text string) Understanding {
	if u, ok := s[text]; ok {
		u.Text = text
		return u
	}
	return Understanding{Text: text, Intent: IntentUnknown}
}

func TestAmbiguousJobAsksWithButtons(t *testing.T) {
	nurse := lmi.Mention{Text: "nurse", Ambiguous: true, Candidates: []lmi.Match{
		{SOC2020: "2237", Title: "Other registered nursing professionals", Score: 0.8},
		{SOC2020: "6131", Title: "Nursing auxiliaries and assistants", Score: 0.75},
	}}
	und := stubUnderstander{
		"how much does a nurse earn": {Intent: IntentPay, Confidence: 1, Occupations: []lmi.Mention{nurse}},
		"the second one":             {Intent: IntentUnknown, Choice: 2},
		"compare nurse and vet": {Intent: IntentCompare, Confidence: 1, Occupations: []lmi.Mention{nurse,
			{Text: "vet", Candidates: []lmi.Match{{SOC2020: "2240", Title: "Veterinarians"}}}}},
	}
	e := testEngine(t, Options{Understander: und})
	ctx := context.Background()

	r, st, err := e.Respond(ctx, State{}, Input{Text: "how much does a nurse earn", Age: 16})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rule != "which-job" || r.Pending != "occupation" || len(r.Buttons) < 2 || r.Buttons[1].Value != "occ:6131" {
		t.Fatalf("ambiguous title: rule %s pending %s buttons %+v", r.Rule, r.Pending, r.Buttons)
	}
	if len(r.Occupations) != 2 || !strings.Contains(r.Text, "Nursing auxiliaries") {
		t.Errorf("options not offered: %+v %q", r.Occupations, r.Text)
	}

	// Answer by number.
	r2, _, err := e.Respond(ctx, st, Input{Text: "the second one"})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Intent != IntentPay || len(r2.Occupations) != 1 || r2.Occupations[0].SOC2020 != "6131" {
		t.Errorf("choice 2: intent %s occupations %+v", r2.Intent, r2.Occupations)
	}
	// Answer by button.
	r3, _, err := e.Respond(ctx, st, Input{Button: "occ:2237", Text: "Other registered nursing professionals"})
	if err != nil {
		t.Fatal(err)
	}
	if r3.Intent != IntentPay || r3.Occupations[0].SOC2020 != "2237" || !strings.Contains(r3.Text, "£") {
		t.Errorf("button: intent %s occupations %+v: %s", r3.Intent, r3.Occupations, r3.Text)
	}
	// Compare takes the top candidate rather than asking.
	r4, _, _ := e.Respond(ctx, State{}, Input{Text: "compare nurse and vet"})
	if r4.Intent != IntentCompare || len(r4.Cards) != 2 || len(r4.Charts) != 1 {
		t.Errorf("compare: intent %s cards %d charts %d", r4.Intent, len(r4.Cards), len(r4.Charts))
	}
}

func TestDepthByAge(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		age     int
		adviser bool
		want    string
	}{{0, false, DepthTeen}, {11, false, DepthYoung}, {13, false, DepthYoung}, {14, false, DepthTeen},
		{16, false, DepthTeen}, {17, false, DepthOlder}, {19, false, DepthOlder}, {20, false, DepthAdult},
		{24, false, DepthAdult}, {15, true, DepthAdviser}} {
		r, st, _ := e.Respond(ctx, State{}, Input{Text: "how much do plumbers earn", Age: tc.age, Adviser: tc.adviser})
		if r.Depth != tc.want {
			t.Errorf("age %d adviser %v: depth %s, want %s", tc.age, tc.adviser, r.Depth, tc.want)
		}
		// Every figure shows its source.
		if !strings.Contains(r.Text, "ONS") || len(r.Sources) == 0 {
			t.Errorf("age %d: no source: %s", tc.age, r.Text)
		}
		if tc.age > 0 && st.Profile.Age != tc.age {
			t.Errorf("profile age %d, want %d", st.Profile.Age, tc.age)
		}
	}
}

func TestMissingFigureIsSaidNotInvented(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	// Find an occupation whose full-time median is not published.
	occs, err := e.store.Occupations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var code string
	for _, o := range occs {
		if o.Pay.AnnualFullTime.Median.Missing {
			code = o.SOC2020
			break
		}
	}
	if code == "" {
		t.Skip("every occupation has a published median in this snapshot")
	}
	for _, age := range []int{12, 15, 22} {
		r, _, err := e.Respond(ctx, State{}, Input{Button: "pay:" + code, Age: age})
		if err != nil {
			t.Fatal(err)
		}
		// The only figure that may appear is the published hourly median, said as such.
		o, _ := e.store.Occupation(ctx, code)
		hourly := o.Pay.HourlyFullTime.Median
		text := r.Text
		if !hourly.Missing && hourly.Value > 0 {
			text = regexp.MustCompile(`£[0-9.,]+ an hour`).ReplaceAllString(text, "")
		}
		if strings.Contains(text, "£") {
			t.Errorf("age %d, %s: a pay figure was shown for a missing median: %s", age, code, r.Text)
		}
		if !strings.Contains(strings.ToLower(r.Text), "figure") && !strings.Contains(r.Text, "not published") {
			t.Errorf("age %d, %s: missing figure not said: %s", age, code, r.Text)
		}
	}
}

func TestUnknownCodeButtonAsksForTheJob(t *testing.T) {
	e := testEngine(t, Options{})
	r, _, err := e.Respond(context.Background(), State{}, Input{Button: "pay:9999", Age: 15})
	if err != nil {
		t.Fatal(err)
	}
	if r.Intent != IntentPay || r.Pending != "occupation" || strings.Contains(r.Text, "£") {
		t.Errorf("pay:9999: intent %s pending %q: %s", r.Intent, r.Pending, r.Text)
	}
	r, _, _ = e.Respond(context.Background(), State{}, Input{Button: "occ:abc"})
	if strings.Contains(r.Text, "£") || r.Text == "" {
		t.Errorf("occ:abc: %s", r.Text)
	}
}

// TestEveryOccupationEveryDepth renders every informative answer for every unit group
// at every depth: no template holes, no stray punctuation, figures with sources.
func TestEveryOccupationEveryDepth(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	occs, err := e.store.Occupations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	intents := []string{IntentPay, IntentHours, IntentEntry, IntentDescribe, IntentOutlook, IntentVacancies}
	depths := []struct {
		age     int
		adviser bool
	}{{12, false}, {15, false}, {18, false}, {22, false}, {30, true}}
	bad := []string{"<no value>", " .", "..", "()", " ,", "%!", "{{", "&lt;", ": .", ":.", ", .", "  "}
	// A sentence whose list was empty: "entry is usually through .", "you can do .",
	// "To get into X jobs. It can help to have no set exams."
	broken := regexp.MustCompile(`(?i)\b(through|include|includes|with|of|for|and|or|the|a)[.:,]|jobs\. it can help to have no|have no set exams|[a-z]\(|\bsource: [^)]*\.\.|[a-z] source:|\bjob like it is\b`)
	n := 0
	youngSum := map[string]float64{}
	youngN := map[string]int{}
	for i, o := range occs {
		if testing.Short() && i%10 != 0 {
			continue
		}
		for _, intent := range intents {
			for _, d := range depths {
				in := Input{Button: intent + ":" + o.SOC2020, Age: d.age, Adviser: d.adviser}
				if i%3 == 0 {
					in.Location = "Leeds"
				}
				r, _, err := e.Respond(ctx, State{}, in)
				n++
				if err != nil {
					t.Fatalf("%s %s age %d: %v", intent, o.SOC2020, d.age, err)
				}
				if r.Text == "" || r.Intent != intent {
					t.Fatalf("%s %s age %d: intent %s text %q", intent, o.SOC2020, d.age, r.Intent, r.Text)
				}
				checkText(t, fmt.Sprintf("%s %s age %d", intent, o.SOC2020, d.age), r.Text, bad, broken)
				if d.age <= 13 {
					youngSum[intent] += FKGrade(r.Text)
					youngN[intent]++
				}
				if strings.Contains(r.Text, "£") && len(r.Sources) == 0 {
					t.Errorf("%s %s age %d: a figure without a source: %q", intent, o.SOC2020, d.age, r.Text)
				}
			}
		}
	}
	// Follow-ups that take other paths: a constraint ("without a degree"), a pay
	// period, a comparison with the next group, at every depth.
	follow := []struct{ intent, text string }{
		{IntentEntry, "how do i get into it without a degree"},
		{IntentEntry, "how do i get into it without going to college"},
		{IntentEntry, "how do i get into it without a levels"},
		{IntentPay, "and how much is that per hour"},
		{IntentPay, "how much a month"},
		{IntentPay, "how much a week"},
	}
	for i, o := range occs {
		if testing.Short() && i%10 != 0 || i%2 != 0 {
			continue
		}
		next := occs[(i+1)%len(occs)].SOC2020
		for _, d := range depths {
			for _, f := range follow {
				st := State{LastIntent: f.intent, LastOccupations: []string{o.SOC2020}}
				r, _, err := e.Respond(ctx, st, Input{Text: f.text, Age: d.age, Adviser: d.adviser})
				n++
				if err != nil {
					t.Fatalf("%q %s: %v", f.text, o.SOC2020, err)
				}
				if r.Intent != f.intent {
					t.Fatalf("%q %s: intent %s, want %s (the follow-up paths are not exercised)", f.text, o.SOC2020, r.Intent, f.intent)
				}
				checkText(t, fmt.Sprintf("%q %s age %d", f.text, o.SOC2020, d.age), r.Text, bad, broken)
			}
			r, _, err := e.Respond(ctx, State{}, Input{Button: "compare:" + o.SOC2020 + "," + next, Age: d.age, Adviser: d.adviser})
			n++
			if err == nil {
				checkText(t, fmt.Sprintf("compare %s,%s age %d", o.SOC2020, next, d.age), r.Text, bad, broken)
			}
		}
	}
	// Suggestions and best-paid lists, whose titles come from many unit groups.
	for _, like := range []string{"animals", "sport", "drawing", "computers", "helping people", "music", "cars",
		"maths", "science", "fashion", "travel", "cooking", "building things", "being outdoors", "kids", "history",
		"writing", "talking to people", "fixing things", "acting"} {
		for _, d := range depths {
			for _, text := range []string{"i like " + like, "i like " + like + " but i have no qualifications",
				"best paid jobs for someone who likes " + like + " without a degree"} {
				r, _, err := e.Respond(ctx, State{}, Input{Text: text, Age: d.age, Adviser: d.adviser})
				n++
				if err != nil {
					t.Fatalf("%q: %v", text, err)
				}
				checkText(t, fmt.Sprintf("%q age %d", text, d.age), r.Text, bad, broken)
			}
		}
	}
	for _, text := range []string{"highest paying apprenticeships", "best paid trades", "best paid jobs without a degree",
		"best paid jobs for 16 year olds", "what can i do with no qualifications", "i don't want to be a nurse, what else is there"} {
		for _, d := range depths {
			r, _, err := e.Respond(ctx, State{}, Input{Text: text, Age: d.age, Adviser: d.adviser, Location: "Cardiff"})
			n++
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			checkText(t, fmt.Sprintf("%q age %d", text, d.age), r.Text, bad, broken)
		}
	}
	t.Logf("%d replies rendered", n)
	// Young replies about any of the 412 unit groups (some with long official titles)
	// still read at grade 6 on average for each intent.
	for intent, sum := range youngSum {
		if mean := sum / float64(youngN[intent]); mean > 6 {
			t.Errorf("young %s replies: mean grade %.2f > 6", intent, mean)
		}
	}
}

// checkText reports template holes, stray punctuation and sentences left with an
// empty list.
func checkText(t *testing.T, what, text string, bad []string, broken *regexp.Regexp) {
	t.Helper()
	plain := strings.ReplaceAll(text, "...", "")
	for _, b := range bad {
		if strings.Contains(plain, b) {
			t.Errorf("%s: %q in %q", what, b, text)
			return
		}
	}
	if m := broken.FindString(plain); m != "" {
		t.Errorf("%s: broken sentence at %q in %q", what, m, text)
	}
}
