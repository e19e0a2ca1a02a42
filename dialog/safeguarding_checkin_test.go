package dialog

import (
	"context"
	"strings"
	"testing"
)

// TestCheckInFollowUp: after a tier-2 check-in, a reply that confirms ("yes", "yeah he
// is", "kind of", "I'm scared of him") escalates at tier 1 with the helplines and a
// handoff, and a denial ("no I'm fine, just asking") goes back to careers, at every age.
func TestCheckInFollowUp(t *testing.T) {
	e := testEngine(t, Options{})
	ctx := context.Background()
	openers := []string{
		"my boss shouts at me all the time and i'm scared of my boss, what other jobs pay ok",
		"someone keeps asking me for more pics",
		"my boyfriend gets really jealous",
	}
	tests := []struct {
		answer   string
		escalate bool
	}{
		{"yes", true},
		{"yeah he is", true},
		{"kind of", true},
		{"I'm scared of him", true},
		{"yeah", true},
		{"a bit", true},
		{"no I'm fine, just asking", false},
		{"no", false},
		{"nah im ok, how much do nurses earn", false},
	}
	for _, age := range []int{12, 15, 18, 22} {
		for _, opener := range openers {
			r, st, err := e.Respond(ctx, State{}, Input{Text: opener, Age: age})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Review || r.CheckIn == "" || r.Safeguarding || r.Handoff {
				t.Fatalf("age %d %q: want a tier-2 check-in, got review=%v check_in=%q safeguarding=%v handoff=%v %q",
					age, opener, r.Review, r.CheckIn, r.Safeguarding, r.Handoff, r.Text)
			}
			for _, tc := range tests {
				r2, st2, err := e.Respond(ctx, st, Input{Text: tc.answer, Age: age})
				if err != nil {
					t.Fatal(err)
				}
				if tc.escalate {
					if !r2.Safeguarding || !r2.Handoff || r2.Intent != IntentSafeguarding || !strings.Contains(r2.Text, "0800 1111") {
						t.Errorf("age %d %q then %q: want tier-1 escalation with helplines, got intent=%s safeguarding=%v handoff=%v %q",
							age, opener, tc.answer, r2.Intent, r2.Safeguarding, r2.Handoff, r2.Text)
					}
					continue
				}
				if r2.Safeguarding || r2.Handoff || r2.Intent == IntentSafeguarding || r2.Review {
					t.Errorf("age %d %q then %q: want back to careers, got intent=%s safeguarding=%v handoff=%v review=%v %q",
						age, opener, tc.answer, r2.Intent, r2.Safeguarding, r2.Handoff, r2.Review, r2.Text)
				}
				// the check-in is answered: a later "yes" is an ordinary yes
				if r3, _, _ := e.Respond(ctx, st2, Input{Text: "yes", Age: age}); r3.Safeguarding {
					t.Errorf("age %d %q then %q then yes: escalated after the check-in was answered", age, opener, tc.answer)
				}
			}
		}
	}
}
