package lmi

import (
	"context"
	"slices"
	"testing"
)

// TestWorkplaceMentions: a place of work named instead of a job stands for the unit
// groups whose index titles use it; a place that is no workplace (home, the evenings,
// words) is no mention.
func TestWorkplaceMentions(t *testing.T) {
	st := testStore(t)
	tests := []struct {
		text      string
		want      []string // codes that must all be among the candidates (nil: no mention)
		ambiguous bool
		within    bool
	}{
		{"what would i need to study to work at a zoo", []string{"6129"}, false, false},
		{"what qualifications do u need to work in a nursery", []string{"6111", "2315"}, true, false},
		{"do you need a degree to work in a bank", []string{"4123"}, false, false},
		{"what do i need to do to work in a hospital lab", []string{"3111"}, false, false},
		{"how do i get a job at a hospital", []string{"6131"}, true, true},
		{"which is the best paid job in the nhs", nil, false, true},
		// a job's name in the plural after "a": the place it works in ("the vet's")
		{"how do i get a job at a vets", []string{"3240", "6129"}, true, true},
		{"can i work at home", nil, false, false},
		{"do you have to work in the evenings", nil, false, false},
		{"can someone explain it as a job in simple words", nil, false, false},
		{"i want to work in a team", nil, false, false},
	}
	for _, tt := range tests {
		ms, err := st.FindOccupations(context.Background(), tt.text)
		if err != nil {
			t.Fatal(err)
		}
		if tt.want == nil && !tt.within {
			if len(ms) != 0 {
				t.Errorf("%q: mentions %+v, want none", tt.text, ms)
			}
			continue
		}
		if len(ms) != 1 {
			t.Errorf("%q: %d mentions %+v, want 1", tt.text, len(ms), ms)
			continue
		}
		m := ms[0]
		var got []string
		for _, c := range m.Candidates {
			got = append(got, c.SOC2020)
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: candidates %v, want %s among them", tt.text, got, w)
			}
		}
		if slices.ContainsFunc(got, func(s string) bool { return s[0] == '1' }) {
			t.Errorf("%q: candidates %v include managers", tt.text, got)
		}
		if m.Ambiguous != tt.ambiguous {
			t.Errorf("%q: ambiguous %v, want %v (candidates %v)", tt.text, m.Ambiguous, tt.ambiguous, got)
		}
		if !m.AtWork || m.Within != tt.within {
			t.Errorf("%q: at work %v within %v, want true and %v", tt.text, m.AtWork, m.Within, tt.within)
		}
	}
}

func TestWorkplaceContext(t *testing.T) {
	tests := []struct {
		text     string
		at       int // the word tested
		want     bool
		jobsNoun bool
	}{
		{"work at a zoo", 3, true, false},
		{"get into the police", 3, true, false},
		{"join the police", 2, true, false},
		{"jobs in hospitals", 2, true, true},
		{"the best job in the nhs", 5, true, true},
		{"work in a hospital lab", 4, true, false},
		{"work at home", 2, false, false},
		{"work in care", 2, false, false},
		{"work in the evenings", 3, false, false},
		{"a job in simple words", 4, false, false},
		{"i live in a flat", 4, false, false},
	}
	for _, tt := range tests {
		toks := tokenize(tt.text)
		ok, noun := workplaceContextWord(toks, tt.at)
		if ok != tt.want || noun != tt.jobsNoun {
			t.Errorf("%q at %q: %v %v, want %v %v", tt.text, toks[tt.at].raw, ok, noun, tt.want, tt.jobsNoun)
		}
	}
}
