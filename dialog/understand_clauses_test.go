package dialog

import (
	"context"
	"testing"
)

// TestStatementEnd: a run-on's statements before the question asked last, found at a
// clause break without a "but".
func TestStatementEnd(t *testing.T) {
	tests := []struct {
		text string
		want string // the first word of the question clause, "" for none
	}{
		{"i've wanted to be a vet since i was 5 and i'm doing my gcses now, is being a vet well paid?", "is"},
		{"im 17 and love biology. what jobs can i do", "what"},
		{"my brother is a plumber, so how much do plumbers earn", "how"},
		{"i'm in year 11, any ideas what to do", "any"},
		// the first part is itself a question: no backstory
		{"how do i become a nurse, is it hard", ""},
		{"what does a vet earn, i'm 15", ""},
		// no break, or no question after it
		{"i want to be a vet when im older", ""},
		{"hi, im 15 and i want to be a vet", ""},
	}
	for _, tt := range tests {
		ctoks := ucNormalise(tt.text)
		got := ""
		if i := ucStatementEnd(tt.text, ctoks); i >= 0 {
			got = ctoks[i].s
		}
		if got != tt.want {
			t.Errorf("%q: question starts at %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestAfterthoughtStart: a question asked first and ended with "?", then a statement.
func TestAfterthoughtStart(t *testing.T) {
	tests := []struct {
		text string
		want string // the statement's first word, "" for none
	}{
		{"do they have to work nights? looking for bar work while im at uni in cardiff", "looking"},
		{"how much do electricians earn? my dad is one", "my"},
		{"what does a paramedic do? i like helping people", "i"},
		// a second question after the "?"
		{"how do i become a nurse? is it hard", ""},
		{"what do vets earn? what about nurses", ""},
		// no "?", or the message starts with a statement
		{"how do i become a nurse, i'm 16", ""},
		{"i love animals? what jobs are there", ""},
	}
	for _, tt := range tests {
		ctoks := ucNormalise(tt.text)
		got := ""
		if i := ucAfterthoughtStart(tt.text, ctoks); i >= 0 {
			got = ctoks[i].s
		}
		if got != tt.want {
			t.Errorf("%q: statement starts at %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestExcludedJobs: a job named only to be set aside.
func TestExcludedJobs(t *testing.T) {
	tests := []struct {
		words string // collapsed words
		want  int
	}{
		{"what is the best paid job in healthcare that is not a OCC", 1},
		{"jobs in the medical field besides OCC and OCC", 1}, // the second is joined by "and": still named
		{"careers apart from being a OCC", 1},
		{"jobs other than OCC", 1},
		{"anything except a OCC", 1},
		{"how much does a OCC earn", 0},
		{"OCC or OCC which pays more", 0},
		{"i do not want to go to uni to be a OCC", 0},
	}
	for _, tt := range tests {
		toks := ucNormalise(tt.words)
		for i := range toks {
			if toks[i].s == "occ" {
				toks[i].s = "OCC" // as ucCollapse writes a mention
			}
		}
		if got := ucExcludedJobs(toks); got != tt.want {
			t.Errorf("%q: %d excluded, want %d", tt.words, got, tt.want)
		}
	}
}

// TestStudiedJobs: a job the store read from a subject studied.
func TestStudiedJobs(t *testing.T) {
	tests := []struct {
		words string
		want  int
	}{
		{"what can you do with a OCC a level", 1},
		{"jobs with a OCC degree", 1},
		{"i am studying OCC at uni", 1},
		{"careers after a degree in OCC", 1},
		{"i failed my OCC gcse", 1},
		{"how do i become a OCC", 0},
		{"do you need a degree to be a OCC", 0},
		{"OCC or OCC", 0},
	}
	for _, tt := range tests {
		toks := ucNormalise(tt.words)
		for i := range toks {
			if toks[i].s == "occ" {
				toks[i].s = "OCC"
			}
		}
		if got := ucStudiedJobs(toks); got != tt.want {
			t.Errorf("%q: %d studied, want %d", tt.words, got, tt.want)
		}
	}
}

// TestClausesUnderstood: the two mechanisms through the whole understanding, with the
// embedded store.
func TestClausesUnderstood(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct{ text, intent string }{
		// the question asked last decides over the plans told first
		{"hey so i've wanted to be a vet since i was like 5 and i'm finally doing my gcses now, is being a vet actually well paid?", IntentPay},
		{"i'm 16 and really want to become an electrician, what hours do they work", IntentHours},
		// and the question asked first decides over a statement added after its "?"
		{"do bar jobs have to be nights? looking for work while im at uni in cardiff", IntentHours},
		// a job set aside does not make a question about no job one about that job
		{"what is the best paid job in healthcare that isn't a doctor", IntentBestPaid},
		{"how much does a doctor earn", IntentPay},
		// a subject studied is no job asked about
		{"what can u do with a psychology a level if u dont go uni", IntentSuggest},
		{"how do i become a psychologist", IntentEntry},
	}
	for _, tt := range tests {
		if got := u.Understand(context.Background(), tt.text); got.Intent != tt.intent {
			t.Errorf("%q: intent %s (cues %v), want %s", tt.text, got.Intent, got.Cues, tt.intent)
		}
	}
}
