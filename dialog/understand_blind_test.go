package dialog

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/careersbot/careersbot/lmi"
)

// blindCase is one line of a blind intent set (testdata/blind/intents*.jsonl).
type blindCase struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Intent      string `json:"intent"`
	Age         int    `json:"age"`
	Occupations []struct {
		SOC2020 []string `json:"soc2020"`
	} `json:"occupations"`
}

// TestBlindIntentSets keeps the blind intent sets' scores from going back. Each turn is
// answered as `careersbot eval` answers it (a new conversation), so the counts are the ones
// ../shared/eval/score.py prints; the floors are the scores reached (dialog/README.md,
// testdata/blind/intents4_notes.md), not targets above them. Clarifications count as the
// intent guessed.
func TestBlindIntentSets(t *testing.T) {
	e := testEngine(t, Options{})
	tests := []struct {
		file           string
		intents, occs  int // at least this many right
		cases, occWant int // the set's size, to notice an edited set
	}{
		{"intents.jsonl", 298, 188, 300, 189},
		{"intents2.jsonl", 263, 182, 267, 184},
		{"intents3.jsonl", 49, 37, 52, 37},
		{"intents4.jsonl", 150, 111, 150, 111},
		{"intents5.jsonl", 39, 26, 40, 26},
		{"intents6.jsonl", 61, 46, 61, 46},
		{"intents7.jsonl", 28, 19, 30, 20},
		// written at the end of the session by a writer who saw no code or sets, scored once
		// (0.942 first pass once its two labels outside the project's set were mapped; 0.962 with the afterthought rule)
		{"intents8.jsonl", 50, 42, 52, 42},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			cases := readBlindCases(t, filepath.Join("testdata", "blind", tt.file))
			nOcc, okInt, okOcc := 0, 0, 0
			for _, c := range cases {
				r, _, err := e.Respond(context.Background(), State{}, Input{Text: c.Text, Age: c.Age})
				if err != nil {
					t.Fatalf("%s: %v", c.ID, err)
				}
				if r.Intent == c.Intent {
					okInt++
				} else {
					t.Logf("%s %q: %s, want %s", c.ID, c.Text, r.Intent, c.Intent)
				}
				for _, w := range c.Occupations {
					nOcc++
					if slices.ContainsFunc(r.Occupations, func(m lmi.Match) bool { return slices.Contains(w.SOC2020, m.SOC2020) }) {
						okOcc++
					} else {
						t.Logf("%s %q: occupations %v, want one of %v", c.ID, c.Text, r.Occupations, w.SOC2020)
					}
				}
			}
			if len(cases) != tt.cases || nOcc != tt.occWant {
				t.Fatalf("%d cases and %d occupations, want %d and %d (the set changed: rescore it)", len(cases), nOcc, tt.cases, tt.occWant)
			}
			t.Logf("intent %d/%d, occupations %d/%d", okInt, len(cases), okOcc, nOcc)
			if okInt < tt.intents {
				t.Errorf("intent %d/%d right, want at least %d", okInt, len(cases), tt.intents)
			}
			if okOcc < tt.occs {
				t.Errorf("occupations %d/%d found, want at least %d", okOcc, nOcc, tt.occs)
			}
		})
	}
}

func readBlindCases(t testing.TB, path string) []blindCase {
	t.Helper()
	return readJSONLines[blindCase](t, path)
}
