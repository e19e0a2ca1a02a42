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
