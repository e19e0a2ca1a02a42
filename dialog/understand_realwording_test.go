package dialog

import (
	"context"
	"slices"
	"testing"

	"github.com/careersbot/careersbot/lmi"
)

// TestRealWording: the kinds of real wording issue 9 names (run-on messages with
// greetings, fields and degrees instead of job titles, an age inside a question, US
// terms), with the embedded LMI store.
func TestRealWording(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct {
		text, intent string
		soc          string // one of the occupations found, "" for none required
		age, asked   int
	}{
		{"Hey, do you have any tips for people who want to work in the video game industry?", IntentSuggest, "", 0, 0},
		{"what jobs can you do after a degree in biochemistry", IntentSuggest, "", 0, 0},
		{"what can you do with a biology degree besides teaching", IntentSuggest, "", 0, 0},
		{"what are some jobs in the fashion industry", IntentSuggest, "", 0, 0},
		{"how long can a 15 year old work?", IntentHours, "", 0, 15},
		{"can i work after 7pm if im 15", IntentHours, "", 15, 0},
		{"what can I do if I want to be a police", IntentEntry, "3312", 0, 0},
		{"how much do physical therapists make", IntentPay, "2221", 0, 0},
		{"what do you need to become a radiologic technologist", IntentEntry, "2254", 0, 0},
		{"what high school classes should i take to become a physical therapist", IntentEntry, "2221", 0, 0},
		{"which jobs have the biggest salaries in london", IntentBestPaid, "", 0, 0},
		{"i'm 22 and work in retail, is it too late to retrain as a nurse", IntentEntry, "", 22, 0},
		// backstory, then "but" and the question asked
		{"so i'm looking at becoming a paramedic but how much do they actually get paid", IntentPay, "2255", 0, 0},
		{"i was thinking of training as a chef but do they work every weekend", IntentHours, "5434", 0, 0},
		{"how do i become a nurse but without going to uni", IntentEntry, "", 0, 0},
		// a way into a field is no liking; fields named by an adjective or field noun
		{"what's the route into law with no a levels", IntentEntry, "2412", 0, 0},
		{"how do you get onto a legal apprenticeship", IntentEntry, "3520", 0, 0},
		{"do you need chemistry for medicine", IntentEntry, "2211", 0, 0},
		// jobs asked for in a field, trades worth going into, a trend asked about
		{"what roles could i get in the music industry", IntentSuggest, "", 0, 0},
		{"which apprenticeships are best to go into right now", IntentSuggest, "", 0, 0},
		{"will nursing jobs continue to grow", IntentOutlook, "", 0, 0},
		{"hiya im 15 and looking for my first job, where should i apply", IntentVacancies, "", 15, 0},
		{"need work urgently, anything available round here", IntentVacancies, "", 0, 0},
		{"my daughter wants to be a midwife, where should she begin", IntentEntry, "2231", 0, 0},
		{"what is the pay like being a chef", IntentPay, "5434", 0, 0},
		// earning said as an amount without a figure; kinds of work as the object of a way in
		{"do plumbers make loads", IntentPay, "5315", 0, 0},
		{"my mum reckons bricklayers earn a fortune, is that true?", IntentPay, "5313", 0, 0},
		{"what are some good trades to go into", IntentSuggest, "", 0, 0},
		{"which industries are worth getting into", IntentSuggest, "", 0, 0},
		{"how do i go into plumbing", IntentEntry, "5315", 0, 0},
	}
	for _, tt := range tests {
		got := u.Understand(context.Background(), tt.text)
		if got.Intent != tt.intent {
			t.Errorf("%q: intent %s (cues %v), want %s", tt.text, got.Intent, got.Cues, tt.intent)
		}
		if tt.soc != "" && !slices.ContainsFunc(got.Occupations, func(m lmi.Mention) bool { return len(m.Candidates) > 0 && m.Candidates[0].SOC2020 == tt.soc }) {
			t.Errorf("%q: occupations %v, want %s", tt.text, got.Occupations, tt.soc)
		}
		if got.Age != tt.age || got.AgeAsked != tt.asked {
			t.Errorf("%q: age %d asked %d, want %d and %d", tt.text, got.Age, got.AgeAsked, tt.age, tt.asked)
		}
	}
}

func TestRewriteTerms(t *testing.T) {
	m := DefaultNLU()
	tests := []struct{ in, want string }{
		{"how much do physical therapists make", "how much do physiotherapists make"},
		{"i want to be a police", "i want to be a police officer"},
		{"what can i do with a history major", "what can i do with a history degree"},
		{"a major company", "a major company"},
		{"how much do nurses earn", "how much do nurses earn"},
		{"how much does a cna make", "how much does a healthcare assistant make"},
		{"how do i become a home health aide", "how do i become a care worker"},
		{"is being a pediatrician hard", "is being a paediatrician hard"},
		{"my guidance counselor said", "my careers adviser said"},
		{"what jobs are good rn", "what jobs are good rn"}, // "rn" is "right now", not a nurse
	}
	for _, tt := range tests {
		got, _ := m.rewriteTerms(tt.in, ucNormalise(tt.in))
		if got != tt.want {
			t.Errorf("%q -> %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestStudiedSubjects: a subject the store reads as a job is also a subject when it is
// studied ("a psychology degree"), not when the job is meant ("psychologists earn").
func TestStudiedSubjects(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct {
		text, subject string // "" for none
	}{
		{"what can i do with a psychology degree", "psychology"},
		{"careers with a degree in law", "law"},
		{"i'm studying chemistry at uni, what jobs are there", "chemistry"},
		{"how much do psychologists earn", ""},
		{"how do i get into law", ""},
	}
	for _, tt := range tests {
		got := u.Understand(context.Background(), tt.text)
		if has := slices.Contains(got.Subjects, tt.subject); tt.subject != "" && !has || tt.subject == "" && len(got.Subjects) > 0 {
			t.Errorf("%q: subjects %v, want %q", tt.text, got.Subjects, tt.subject)
		}
	}
}
