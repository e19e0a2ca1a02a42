package lmi

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestReviewedTableLoads checks the committed table: it parses, every row names its
// sources, and the build put every row into the store in place of the rules.
func TestReviewedTableLoads(t *testing.T) {
	rev, err := ReviewedEntries()
	if err != nil {
		t.Fatal(err)
	}
	if len(rev) < 150 {
		t.Errorf("%d reviewed unit groups, want at least 150", len(rev))
	}
	st, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	occs, err := st.Occupations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range occs {
		r, ok := rev[o.SOC2020]
		if !ok {
			if o.Entry.Reviewed || o.Entry.SourceID != "soc2020" {
				t.Errorf("%s: no reviewed row but entry is %+v", o.SOC2020, o.Entry)
			}
			continue
		}
		n++
		if !o.Entry.Reviewed || !slices.Equal(o.Entry.Routes, r.Routes) || !slices.Equal(o.Entry.Bodies, r.Bodies) || len(o.Entry.CheckedAgainst) == 0 {
			t.Errorf("%s: store entry %+v is not the reviewed row %+v", o.SOC2020, o.Entry, r)
		}
	}
	if n != len(rev) {
		t.Errorf("%d of %d reviewed rows reached the store", n, len(rev))
	}
	t.Logf("reviewed unit groups: %d of %d", n, len(occs))
}

// TestReviewedTableErrors: a broken row is an error naming file:line:col.
func TestReviewedTableErrors(t *testing.T) {
	header := strings.Join(reviewedCols, "\t") + "\n"
	good := "2237\tdegree,apprenticeship\tRegistered nurse degree (NMC 2018)/6\tdegree\trequired\tnursing\tprofessional_body\tprofessional_body\tNMC\t-\t-\t-\t-\tNMC\n"
	cases := []struct {
		name, text, want string
	}{
		{"good", header + good, ""},
		{"no header", good, "t.tsv:1:1: header"},
		{"columns", header + "2237\tdegree\n", "t.tsv:2:1: 2 columns"},
		{"code", header + strings.Replace(good, "2237", "22x7", 1), "t.tsv:2:1: soc2020"},
		{"route", header + strings.Replace(good, "degree,apprenticeship", "degree,uni", 1), "t.tsv:2:6: routes: unknown \"uni\""},
		{"level", header + strings.Replace(good, "/6", "/9", 1), "t.tsv:2:28: standards"},
		{"standard without route", header + strings.Replace(good, "degree,apprenticeship", "degree", 1), "standards given but routes has no apprenticeship"},
		{"degree without route", header + strings.Replace(good, "degree,apprenticeship", "apprenticeship", 1), "routes has no degree"},
		{"body", header + strings.Replace(good, "\tNMC\t-", "\tNMX\t-", 1), "bodies: unknown \"NMX\""},
		{"only for", header + strings.Replace(good, "NMC\t-\t", "NMC\tGas Safe=gas work\t", 1), "only_for: \"Gas Safe\" is neither"},
		{"age", header + strings.Replace(good, "\t-\tNMC\n", "\t9\tNMC\n", 1), "min_age"},
		{"sources", header + strings.TrimSuffix(good, "NMC\n") + " \n", "every reviewed row names"},
		{"duplicate", header + good + good, "t.tsv:3:1: soc2020: 2237 already given on line 2"},
	}
	for _, c := range cases {
		_, err := parseReviewed(c.text, "t.tsv")
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
