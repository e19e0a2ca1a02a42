package dialog

import (
	"context"
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
