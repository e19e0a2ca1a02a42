package dialog

import (
	"context"
	"slices"
	"testing"

	"github.com/careersbot/careersbot/lmi"
)

func TestLikelyCandidates(t *testing.T) {
	cs := []lmi.Match{{SOC2020: "2212", Score: 0.874}, {SOC2020: "2254", Score: 0.864}, {SOC2020: "3213", Score: 0.854}, {SOC2020: "2481", Score: 0.371}}
	got := ucLikelyCandidates(cs)
	if len(got) != 3 || got[2].SOC2020 != "3213" {
		t.Errorf("kept %+v, want the first three", got)
	}
	if got := ucLikelyCandidates(cs[:2]); len(got) != 2 {
		t.Errorf("kept %+v of two close ones", got)
	}
	if got := ucLikelyCandidates(nil); len(got) != 0 {
		t.Errorf("kept %+v of none", got)
	}
}

// TestFieldOffersJobs: a field several kinds of job work in is offered as a choice
// through the whole turn ("radiology": radiologists and radiographers), with buttons.
func TestFieldOffersJobs(t *testing.T) {
	e := testEngine(t, Options{})
	r, _, err := e.Respond(context.Background(), State{}, Input{Text: "I'm interested in the radiology field, how do I get into it?", Age: 17})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range r.Occupations {
		got = append(got, o.SOC2020)
	}
	if !slices.Contains(got, "2254") || !slices.Contains(got, "2212") {
		t.Errorf("occupations %v, want radiographers (2254) and radiologists (2212) offered", got)
	}
	if slices.Contains(got, "2481") {
		t.Errorf("occupations %v offer the industrial radiologist (2481), far below the rest", got)
	}
	if len(r.Buttons) < 2 {
		t.Errorf("buttons %+v, want a choice", r.Buttons)
	}
}

// TestRescanTail: a spelling guess that swallows an everyday word before a job ("heard
// chefs" as "head chef", scored below the mention threshold) leaves the job itself.
func TestRescanTail(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct {
		text string
		soc  string // "" for no occupation
	}{
		{"i've heard chefs work really long hours, is that true", "5434"},
		{"i have heard chefs basically have no weekends", "5434"},
		{"i heard it was hard", ""},
	}
	for _, tt := range tests {
		got := u.Understand(context.Background(), tt.text)
		var socs []string
		for _, m := range got.Occupations {
			socs = append(socs, m.Candidates[0].SOC2020)
			if tt.text[m.Start:m.End] != m.Text {
				t.Errorf("%q: span %d-%d is %q, mention text %q", tt.text, m.Start, m.End, tt.text[m.Start:m.End], m.Text)
			}
		}
		if tt.soc == "" && len(socs) > 0 || tt.soc != "" && !slices.Contains(socs, tt.soc) {
			t.Errorf("%q: occupations %v, want %q", tt.text, socs, tt.soc)
		}
	}
}
