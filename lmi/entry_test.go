package lmi

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestExtractEntry runs the table of made-up sentences in testdata/entry_cases.tsv.
func TestExtractEntry(t *testing.T) {
	rows := readTSV(t, "testdata/entry_cases.tsv", 3)
	for _, row := range rows {
		line, cols := row.Line, row.Cols
		e := ExtractEntry(cols[0])
		var got []string
		switch cols[1] {
		case "routes":
			got = e.Routes
		case "quals":
			got = e.Qualifications
		case "registration":
			got = e.Registration
		case "bodies":
			got = e.Bodies
		case "requirements":
			got = e.Requirements
		case "app_levels":
			got = ints(e.ApprenticeshipLevels)
		case "nvq_levels":
			got = ints(e.NVQLevels)
		case "required":
			got = e.Required
		case "optional":
			got = e.Optional
		case "degree_subject":
			got = nil
			if e.DegreeSubject != "" {
				got = []string{e.DegreeSubject}
			}
		case "degree_usual":
			got = []string{map[bool]string{true: "yes", false: "no"}[e.DegreeUsual]}
		default:
			t.Fatalf("line %d: unknown field %q", line, cols[1])
		}
		want := []string{}
		if cols[2] != "-" {
			want = strings.Split(cols[2], ",")
		}
		g := append([]string{}, got...)
		sort.Strings(g)
		sort.Strings(want)
		if len(g) == 0 {
			g = []string{}
		}
		if !reflect.DeepEqual(g, want) {
			t.Errorf("line %d %q: %s = %v, want %v", line, cols[0], cols[1], g, want)
		}
	}
	if n := len(rows); n < 30 {
		t.Fatalf("only %d cases", n)
	}
}

func ints(v []int) []string {
	out := []string{}
	for _, i := range v {
		out = append(out, strconv.Itoa(i))
	}
	return out
}
