package lmi

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func testStore(t testing.TB) *Embedded {
	t.Helper()
	st, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// readCases reads a query<TAB>codes file (codes separated by |), skipping comments
// and the header row.
func readCases(t testing.TB, path string) [][2]string {
	t.Helper()
	var out [][2]string
	for _, row := range readTSV(t, path, 2) {
		out = append(out, [2]string{row.Cols[0], row.Cols[1]})
	}
	return out
}

func top1(t testing.TB, st *Embedded, cases [][2]string) (float64, []string) {
	ok := 0
	var misses []string
	for _, c := range cases {
		ms, err := st.SearchOccupations(context.Background(), c[0], 1)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(ms) > 0 {
			got = ms[0].SOC2020
		}
		hit := false
		for _, w := range strings.Split(c[1], "|") {
			if w == got {
				hit = true
			}
		}
		if hit {
			ok++
		} else {
			misses = append(misses, c[0]+" -> "+got+" (want "+c[1]+")")
		}
	}
	return float64(ok) / float64(len(cases)), misses
}

// TestSearchHeldOut checks generalisation on our own held-out titles.
func TestSearchHeldOut(t *testing.T) {
	st := testStore(t)
	cases := readCases(t, "testdata/search_cases.tsv")
	if len(cases) < 40 {
		t.Fatalf("only %d held-out cases", len(cases))
	}
	acc, misses := top1(t, st, cases)
	t.Logf("held-out top-1 %.3f (%d cases); misses: %v", acc, len(cases), misses)
	if acc < 0.90 {
		t.Errorf("held-out top-1 %.3f < 0.90; misses: %v", acc, misses)
	}
}

// TestSearchDev scores the shared dev file (skipped without ../shared).
func TestSearchDev(t *testing.T) {
	dir := filepath.Dir(sharedData(t))
	cases := readCases(t, filepath.Join(dir, "eval", "occupations.dev.tsv"))
	acc, misses := top1(t, testStore(t), cases)
	t.Logf("dev top-1 %.3f (%d cases); misses: %v", acc, len(cases), misses)
	if acc < 0.95 {
		t.Errorf("dev top-1 %.3f < 0.95; misses: %v", acc, misses)
	}
}

func TestSearchBehaviour(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	tests := []struct {
		name, query string
		want        string // first code, "" for no result
	}{
		{"plural", "nurses", "2237"},
		{"possessive", "chefs'", "5434"},
		{"apostrophe s", "doctor's", "2211"},
		{"case and punctuation", "  ELECTRICIAN!! ", "5241"},
		{"slang", "sparky", "5241"},
		{"abbreviation", "HGV driver", "8211"},
		{"field noun", "physiotherapy", "2221"},
		{"field noun -ing", "plumbing", "5315"},
		{"field noun -ics", "economics", "2433"},
		{"compound", "forklift driver", "8222"},
		{"misspelt", "electrican", "5241"},
		{"spelt by ear", "soljer", "3311"},
		{"spelt by ear, -tion", "recepshunist", "4216"},
		{"spelt by ear, sh", "elektrishun", "5241"},
		{"spelt by ear, ph", "fizio", "2221"},
		{"spelt by ear, ch", "mekanic", "5231"},
		{"spelt by ear, ps", "sycologist", "2226"},
		{"spelt by ear, not a near spelling", "arkeologist", "2115"},
		{"plural kept by the stemmer", "paramedics", "2255"},
		{"code", "5241", "5241"},
		{"empty", "", ""},
		{"punctuation only", "?!...", ""},
		{"nonsense", "qwertyuiop", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms, err := st.SearchOccupations(ctx, tc.query, 3)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(ms) > 0 {
				got = ms[0].SOC2020
			}
			if got != tc.want {
				t.Fatalf("%q -> %q (%v), want %q", tc.query, got, ms, tc.want)
			}
			for i, m := range ms {
				if m.Score <= 0 || m.Score > 1 || m.Title == "" {
					t.Errorf("match %d: %+v", i, m)
				}
				if i > 0 && m.Score > ms[i-1].Score {
					t.Errorf("not sorted: %v", ms)
				}
			}
		})
	}
}

func TestSearchLimit(t *testing.T) {
	ms, err := testStore(t).SearchOccupations(context.Background(), "engineer", 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 4 {
		t.Fatalf("got %d matches, want 4", len(ms))
	}
	for _, m := range ms {
		if m.SOC2010 == "" {
			t.Errorf("%s has no SOC 2010 code", m.SOC2020)
		}
	}
}

// TestConcurrentUse exercises one store from many goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	st, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func(g int) {
			defer func() { done <- true }()
			for i := 0; i < 20; i++ {
				q := benchQueries[(g+i)%len(benchQueries)]
				if _, err := st.SearchOccupations(ctx, q, 3); err != nil {
					t.Error(err)
				}
				st.FindOccupations(ctx, benchMessages[(g+i)%len(benchMessages)])
				st.FindPlace(ctx, benchPlaces[(g+i)%len(benchPlaces)])
				if _, err := st.Occupation(ctx, []string{"5241", "2237", "3312", "9263"}[(g+i)%4]); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

// TestSearchWeakMatchesAreNotConfident: queries that only partly overlap a title
// must score below ConfidentScore so the dialogue asks instead of guessing.
func TestSearchWeakMatchesAreNotConfident(t *testing.T) {
	st := testStore(t)
	for _, q := range []string{"needle sausage", "blorptastic operator", "purple engineer wizard", "zorg manager of vibes"} {
		ms, err := st.SearchOccupations(context.Background(), q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) > 0 && ms[0].Score >= ConfidentScore {
			t.Errorf("%q: %s %q scored %.2f, want below %.2f", q, ms[0].SOC2020, ms[0].Matched, ms[0].Score, ConfidentScore)
		}
	}
	for _, q := range []string{"police woman", "soljer", "electrican", "nurses"} {
		ms, _ := st.SearchOccupations(context.Background(), q, 3)
		if len(ms) == 0 || ms[0].Score < ConfidentScore {
			t.Errorf("%q: want a confident match, got %+v", q, ms)
		}
	}
}
