package lmi

import (
	"context"
	"strings"
	"testing"
)

// TestSuggestCases checks interest words against sensible jobs in
// testdata/suggest_cases.tsv: the top 5 must hold at least two of the expected
// unit groups and none of the unwanted ones (managers and directors for young
// people, jobs that only share a word).
func TestSuggestCases(t *testing.T) {
	st := testStore(t)
	rows := readTSV(t, "testdata/suggest_cases.tsv", 3)
	for _, row := range rows {
		line, cols := row.Line, row.Cols
		ss, err := st.Suggest(context.Background(), SuggestQuery{Interests: []string{cols[0]}, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		top := map[string]bool{}
		var got []string
		for _, s := range ss {
			top[s.SOC2020] = true
			got = append(got, s.SOC2020+" "+s.Title)
			for _, b := range s.Because {
				if strings.Contains(b, "(") || strings.Contains(b, "Realistic") || strings.Contains(b, "Social)") {
					t.Errorf("%q: jargon in reason %q", cols[0], b)
				}
			}
		}
		want := strings.Split(cols[1], "|")
		hits := 0
		for _, c := range want {
			if top[c] {
				hits++
			}
		}
		if hits < min(2, len(want)) {
			t.Errorf("line %d %q: top 5 %v hold %d of %v", line, cols[0], got, hits, want)
		}
		for _, bad := range strings.Split(cols[2], "|") {
			for code := range top {
				if bad == code || (strings.HasSuffix(bad, "*") && strings.HasPrefix(code, strings.TrimSuffix(bad, "*"))) {
					t.Errorf("line %d %q: unwanted %s in top 5 %v", line, cols[0], code, got)
				}
			}
		}
	}
	if n := len(rows); n < 15 {
		t.Fatalf("only %d cases", n)
	}
}
