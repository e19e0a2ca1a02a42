package dialog

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// Spelling corrections from the store count as mentions; everyday words the store
// corrects into a job do not. Runs on the real embedded store.
func TestUnderstandSpellingMentions(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct {
		text string
		soc  []string
	}{
		{"how much do carpnters earn", []string{"5316"}},
		{"how do i become a pharmasist", []string{"2251"}},
		{"accountents salary in leeds", []string{"2421"}},
		{"what does a plumber actually do", []string{"5315"}},
		{"is being a chef a secure job", []string{"5434"}},
		{"i am getting bullying at work what do i do", nil},
		{"honestly what jobs pay well", nil},
	}
	for _, tt := range tests {
		r := u.Understand(context.Background(), tt.text)
		var got []string
		for _, m := range r.Occupations {
			got = append(got, m.Candidates[0].SOC2020)
		}
		if len(got) != len(tt.soc) {
			t.Errorf("%q: occupations %v, want %v", tt.text, got, tt.soc)
			continue
		}
		for i := range got {
			if got[i] != tt.soc[i] {
				t.Errorf("%q: occupations %v, want %v", tt.text, got, tt.soc)
				break
			}
		}
	}
}

// Jobs the store's whole-message scan misses are found by searching the leftover words
// of a job question; interest talk and social messages are left alone.
func TestUnderstandLeftoverMentions(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct {
		text, intent string
		soc          []string
	}{
		{"how long does it take to qualify as a train driver", IntentEntry, []string{"8231"}},
		{"are paramedics in demand", IntentOutlook, []string{"2255"}},
		{"how do i get into the navy", IntentEntry, []string{"3311"}},
		{"nurse or army which is better", IntentCompare, []string{"2237", "3311"}},
		{"what shifts do train drivers do", IntentHours, []string{"8231"}},
		{"i like trains and planes", IntentSuggest, nil},
		{"hiya", IntentGreet, nil},
	}
	for _, tt := range tests {
		r := u.Understand(context.Background(), tt.text)
		var got []string
		for _, m := range r.Occupations {
			got = append(got, m.Candidates[0].SOC2020)
		}
		if r.Intent != tt.intent || len(got) != len(tt.soc) {
			t.Errorf("%q: %s %v, want %s %v", tt.text, r.Intent, got, tt.intent, tt.soc)
			continue
		}
		for i := range got {
			if got[i] != tt.soc[i] {
				t.Errorf("%q: occupations %v, want %v", tt.text, got, tt.soc)
				break
			}
		}
	}
}

// The fallbacks that call the real store again (leftover words, nicknames, postcodes)
// must cope with any text.
func TestUnderstandRealStoreOddText(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	long := strings.Repeat("how do you become a train driver in LS6 ", 300)
	for _, s := range []string{"", " ", "\x00\xff\xfe", "LS", "L6", "ls6ls6", "SW1A", "a1 b2 c3",
		"pompey pompey pompey", "what does a 🚂 driver do", "train\u00a0driver salary", long,
		"how do i become a a a a a a a a", "or or or or", "not not not a vet"} {
		r := u.Understand(context.Background(), s)
		if r.Intent == "" {
			t.Errorf("%q: empty intent", s)
		}
		if len(r.Occupations) > 3 {
			t.Errorf("%q: %d occupations", s, len(r.Occupations))
		}
		for _, m := range r.Occupations {
			if m.Start < 0 || m.End > len(s) || m.Start > m.End {
				t.Errorf("%q: mention span %d..%d", s, m.Start, m.End)
			}
		}
		if p := r.Place; p != nil && (p.Start < 0 || p.End > len(s) || p.Start > p.End) {
			t.Errorf("%q: place span %d..%d", s, p.Start, p.End)
		}
	}
}

// Interests and subjects the person dislikes or is bad at are not kept; "people" on its
// own ("jobs for people who like animals") is not an interest.
func TestUnderstandDislikes(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct {
		text     string
		want     []string // interests and subjects, in that order
		notWants []string
	}{
		{"im good at art but bad at maths", []string{"art"}, []string{"maths"}},
		{"i hate science but love music", []string{"music"}, []string{"science"}},
		{"i don't like maths or science, i like drawing", []string{"art"}, []string{"maths", "science"}},
		{"jobs for people who like animals", []string{"animals"}, []string{"people"}},
		{"i'm a people person and love sport", []string{"people", "sport"}, nil},
		{"i like maths but not physics", []string{"maths"}, []string{"physics"}},
		{"not a fan of science but i love animals", []string{"animals"}, []string{"science"}},
		{"i can't stand drawing", nil, []string{"art"}},
		{"jobs with no maths", nil, []string{"maths"}},
		{"i struggle with english", nil, []string{"english"}},
		{"i cant do maths at all", nil, []string{"maths"}},
	}
	for _, tt := range tests {
		r := u.Understand(context.Background(), tt.text)
		got := map[string]bool{}
		for _, w := range append(append([]string(nil), r.Interests...), r.Subjects...) {
			got[w] = true
		}
		for _, w := range tt.want {
			if !got[w] {
				t.Errorf("%q: interests %v subjects %v, want %q", tt.text, r.Interests, r.Subjects, w)
			}
		}
		for _, w := range tt.notWants {
			if got[w] {
				t.Errorf("%q: interests %v subjects %v, do not want %q", tt.text, r.Interests, r.Subjects, w)
			}
			if w != "people" && !slices.Contains(r.Dislikes, w) {
				t.Errorf("%q: dislikes %v, want %q", tt.text, r.Dislikes, w)
			}
		}
	}
}

func TestUnderstandBestPaidTrades(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	for _, tt := range []struct {
		text     string
		noDegree bool
	}{
		{"highest paying apprenticeships", true},
		{"which trades pay the most", true},
		{"best paid degree apprenticeships", false},
		{"best paid jobs", false},
	} {
		r := u.Understand(context.Background(), tt.text)
		if r.Intent != IntentBestPaid || r.NoDegree != tt.noDegree {
			t.Errorf("%q: %s no_degree=%v, want best_paid no_degree=%v", tt.text, r.Intent, r.NoDegree, tt.noDegree)
		}
	}
}

func TestUnderstandLeftoverEverydayWords(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	for _, s := range []string{"can i become a pilot with glasses", "can you be a police officer with tattoos"} {
		r := u.Understand(context.Background(), s)
		if len(r.Occupations) != 1 {
			var got []string
			for _, m := range r.Occupations {
				got = append(got, m.Text)
			}
			t.Errorf("%q: occupations %v, want one", s, got)
		}
	}
}
