package dialog

import (
	"context"
	"slices"
	"testing"

	"github.com/careersbot/careersbot/lmi"
)

// TestWorkplaceWording: a place of work named instead of a job is the jobs there, through
// the whole understanding: kept when the person also says what they like, asked about by
// way-in cues; after a word naming jobs it is where the jobs asked about are, so
// questions about no job in particular still apply.
func TestWorkplaceWording(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct {
		text, intent string
		soc          string // one of the occupations' candidates, "" for none required
	}{
		{"Hey, I'm 14 and I love animals more than anything, what would I need to study to work at a zoo when I'm older?", IntentEntry, "6129"},
		{"what qualifications do u need to work in a nursery with little kids", IntentEntry, "6111"},
		{"do you need a degree to work in a bank", IntentEntry, "4123"},
		{"what do you need to get into the police? like do you need a degree now?", IntentEntry, "3312"},
		{"which is the best paid job in the nhs", IntentBestPaid, ""},
		{"whats the pay like working in a supermarket", IntentPay, "7111"},
		{"i want to work at a hairdressers", IntentEntry, "6221"},
		// a job's work named with its work word, looked for
		{"looking for care work in birmingham, anything about?", IntentVacancies, "6135"},
		{"im looking for bar jobs", IntentVacancies, "9265"},
		// a time ahead with no job asked about is still a question of what suits them
		{"what should i do when i'm older", IntentSuggest, ""},
	}
	for _, tt := range tests {
		got := u.Understand(context.Background(), tt.text)
		if got.Intent != tt.intent {
			t.Errorf("%q: intent %s (cues %v), want %s", tt.text, got.Intent, got.Cues, tt.intent)
		}
		if tt.soc != "" && !slices.ContainsFunc(got.Occupations, func(m lmi.Mention) bool {
			return slices.ContainsFunc(m.Candidates, func(c lmi.Match) bool { return c.SOC2020 == tt.soc })
		}) {
			t.Errorf("%q: occupations %+v, want %s among the candidates", tt.text, got.Occupations, tt.soc)
		}
	}
}

// TestAgeStatementNoCue: "i am" before an age is the age, not a cue that the person is
// describing themselves.
func TestAgeStatementNoCue(t *testing.T) {
	tests := []struct {
		text string
		end  int // the cue's end
		want bool
	}{
		{"im 14", 2, true},
		{"i am aged 15", 3, true},
		{"i am fifteen", 2, true},
		{"i am creative", 2, false},
		{"i am 3 hours away", 2, false},
		{"im 14", 1, false},
	}
	for _, tt := range tests {
		toks := ucNormalise(tt.text)
		if got := ucStatesAge(toks, tt.end); got != tt.want {
			t.Errorf("%q up to %d: %v, want %v", tt.text, tt.end, got, tt.want)
		}
	}
	u := NewUnderstander(ucRealStore(t))
	for _, text := range []string{"im 14", "i'm 17"} {
		if got := u.Understand(context.Background(), text); got.Intent != IntentUnknown || got.Age == 0 {
			t.Errorf("%q: intent %s age %d, want unknown (a fact noted) with the age", text, got.Intent, got.Age)
		}
	}
}
