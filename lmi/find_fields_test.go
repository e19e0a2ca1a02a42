package lmi

import (
	"context"
	"slices"
	"testing"
)

// TestFieldNounGroups: a discipline several kinds of job work in is one ambiguous mention
// offering them; a word that is a title itself, or an ordinary job, is not widened.
func TestFieldNounGroups(t *testing.T) {
	st := testStore(t)
	tests := []struct {
		text      string
		want      []string // codes that must all be among the candidates
		ambiguous bool
	}{
		{"i'm interested in the radiology field", []string{"2212", "2254"}, true},
		{"how do i get into radiology", []string{"2212", "2254"}, true},
		{"how do i become a radiographer", []string{"2254"}, false},
		{"how do i become a radiologist", []string{"2212"}, false},
		{"jobs in radiography", []string{"2254"}, false},
	}
	for _, tt := range tests {
		ms, err := st.FindOccupations(context.Background(), tt.text)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 {
			t.Errorf("%q: %d mentions %+v, want 1", tt.text, len(ms), ms)
			continue
		}
		var got []string
		for _, c := range ms[0].Candidates {
			got = append(got, c.SOC2020)
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: candidates %v, want %s among them", tt.text, got, w)
			}
		}
		if ms[0].Ambiguous != tt.ambiguous {
			t.Errorf("%q: ambiguous %v, want %v (candidates %+v)", tt.text, ms[0].Ambiguous, tt.ambiguous, ms[0].Candidates)
		}
	}
}

func TestFieldNoun(t *testing.T) {
	for w, want := range map[string]bool{
		"radiology": true, "sonography": true, "psychiatry": true, "cardiology": true,
		"radiographer": false, "nursing": false, "ology": false, "dentist": false,
	} {
		if got := fieldNoun(w); got != want {
			t.Errorf("fieldNoun(%q) = %v, want %v", w, got, want)
		}
	}
}
