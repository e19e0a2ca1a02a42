package lmi

import (
	"context"
	"testing"
)

// TestCapsAbbreviations: a short abbreviation written in capitals is the job, plural or
// not, without a work word beside it; in lower case, after "my", or in a message written
// all in capitals it still needs one.
func TestCapsAbbreviations(t *testing.T) {
	st := testStore(t)
	tests := []struct {
		text string
		want string // the first candidate ("" for no mention)
	}{
		{"can someone explain what OTs actually do?", "2222"},
		{"what does an OT do", "2222"},
		{"what do OT's do all day", "2222"},
		{"how much do TAs get paid", "6112"},
		{"do GPs work weekends", "2211"},
		{"my OT said i should rest", ""},
		{"what does an ot do", ""},
		{"WHAT DOES A TA DO", ""},
		{"i'm good at IT", ""},
	}
	for _, tt := range tests {
		ms, err := st.FindOccupations(context.Background(), tt.text)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(ms) > 0 {
			got = ms[0].Candidates[0].SOC2020
		}
		if got != tt.want {
			t.Errorf("%q: mentions %+v, want %q", tt.text, ms, tt.want)
		}
	}
}

func TestCapsPlural(t *testing.T) {
	tests := []struct {
		in             string
		abbrev, plural bool
	}{
		{"OTs", true, true}, {"EMTs", true, true}, {"OT's", true, false}, {"GP’s", true, false},
		{"Ts", false, false}, {"OTS", false, false}, {"Nurses", false, false}, {"ots", false, false},
		{"ABCDEs", false, false},
	}
	for _, tt := range tests {
		if a, p := capsPlural(tt.in); a != tt.abbrev || p != tt.plural {
			t.Errorf("capsPlural(%q) = %v %v, want %v %v", tt.in, a, p, tt.abbrev, tt.plural)
		}
	}
}
