package lmi

import (
	"context"
	"io/fs"
	"strings"
	"testing"
)

// TestPlacesAgree: over every name the store knows, a match's area, LSIP area and
// region are those of one local authority, never a mix of several places'.
func TestPlacesAgree(t *testing.T) {
	st := testStore(t)
	g, err := st.places()
	if err != nil {
		t.Fatal(err)
	}
	lads := localAuthorityFacts(geoOf(t, st))
	checked := 0
	for key, pe := range g.names {
		m := g.match(pe, key, 0, len(key))
		if m.Ambiguous {
			if len(m.Choices) == 0 && len(m.Options) < 2 {
				t.Errorf("%q: ambiguous with no choices", key)
			}
			for _, c := range m.Choices {
				checkAgree(t, key+" / "+c.Text, c, lads, g.regions)
			}
			continue
		}
		if checkAgree(t, key, m, lads, g.regions) {
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d places checked", checked)
	}
	t.Logf("%d place names checked against their local authority", checked)
}

// checkAgree reports whether m names a local authority and, if so, checks that its
// region and LSIP are that authority's.
func checkAgree(t *testing.T, what string, m PlaceMatch, lads map[string]ladFacts, regions []Region) bool {
	t.Helper()
	f, ok := lads[m.Area]
	if !ok || m.Kind == "alias" || m.Kind == "region" {
		return false
	}
	if m.LSIP != f.lsip {
		t.Errorf("%s: area %s, LSIP %q, want the authority's %q", what, m.Area, m.LSIP, f.lsip)
	}
	if m.Region != regions[f.region] {
		t.Errorf("%s: area %s, region %q, want the authority's %q", what, m.Area, m.Region.Name, regions[f.region].Name)
	}
	return true
}

// TestAmbiguousPlaceChoices: each choice of an ambiguous name is a real place whose
// postcode district resolves to the same area, LSIP and region, and its label says
// which place it is.
func TestAmbiguousPlaceChoices(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	want := map[string][]string{
		"Kingston":  {"Kingston upon Hull", "Kingston upon Thames"},
		"Richmond":  {"Richmond upon Thames", "Richmond, North Yorkshire"},
		"Newport":   {"Newport, Isle of Wight", "Newport, Wales"},
		"Newcastle": {"Newcastle upon Tyne", "Newcastle-under-Lyme"},
	}
	for name, labels := range want {
		m, err := st.ResolvePlace(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Ambiguous || len(m.Choices) < 2 {
			t.Fatalf("%s: not ambiguous: %+v", name, m)
		}
		var got []string
		for _, c := range m.Choices {
			got = append(got, c.Text)
			r, err := st.ResolvePlace(ctx, c.District)
			if err != nil {
				t.Fatalf("%s: choice %s: %v", name, c.Text, err)
			}
			if r.Ambiguous || r.Region != c.Region || r.Area != c.Area || r.LSIP != c.LSIP {
				t.Errorf("%s: choice %+v, its district resolves to %+v", name, c, r)
			}
		}
		for _, l := range labels {
			if !strings.Contains(strings.Join(got, "|"), l) {
				t.Errorf("%s: choices %v lack %q", name, got, l)
			}
		}
	}
	// in a message, an ambiguous town is found and flagged
	m, ok := st.FindPlace(ctx, "what jobs are there in Kingston")
	if !ok || !m.Ambiguous || len(m.Choices) != 2 {
		t.Errorf("FindPlace in Kingston: %+v %v", m, ok)
	}
}

// geoOf decodes the store's place snapshot again (the index keeps no copy).
func geoOf(t *testing.T, st *Embedded) *snapGeo {
	t.Helper()
	data, err := fs.ReadFile(st.fsys, fileGeo)
	if err != nil {
		t.Fatal(err)
	}
	g, err := decodeGeo(string(data))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestAmbiguousPlaceSettled: another place in the same message that names the area
// or region of exactly one of a town's places picks it; one that fits several
// narrows the choices to those; one that fits none leaves the town ambiguous.
func TestAmbiguousPlaceSettled(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	cases := []struct {
		text           string
		area, region   string // want; "" area with ambiguous true
		stillAmbiguous bool
		choices        int // when still ambiguous, this many choices are left (0: any)
	}{
		{text: "jobs in newport isle of wight", area: "Isle of Wight", region: "South East"},
		{text: "what do nurses earn in kingston london", area: "Kingston upon Thames", region: "London"},
		{text: "richmond north yorkshire apprenticeships", area: "North Yorkshire", region: "Yorkshire and The Humber"},
		{text: "jobs in Kingston, East Riding", stillAmbiguous: true},
		{text: "what jobs are there in Kingston", stillAmbiguous: true},
		{text: "jobs in newport wales", region: "Wales", stillAmbiguous: true, choices: 2}, // two Newports in Wales: ask between them
	}
	for _, tc := range cases {
		m, ok := st.FindPlace(ctx, tc.text)
		if !ok {
			t.Errorf("%q: no place", tc.text)
			continue
		}
		if tc.stillAmbiguous {
			if !m.Ambiguous {
				t.Errorf("%q: settled as %+v, want still ambiguous", tc.text, m)
			}
			if tc.choices > 0 && len(m.Choices) != tc.choices {
				t.Errorf("%q: %d choices %+v, want %d", tc.text, len(m.Choices), m.Choices, tc.choices)
			}
			for _, c := range m.Choices {
				if tc.region != "" && c.Region.Name != tc.region {
					t.Errorf("%q: choice %q outside %s kept", tc.text, c.Text, tc.region)
				}
			}
			continue
		}
		if m.Ambiguous || m.Area != tc.area || m.Region.Name != tc.region {
			t.Errorf("%q: got area %q region %q ambiguous %v, want %q %q", tc.text, m.Area, m.Region.Name, m.Ambiguous, tc.area, tc.region)
		}
		if tc.area != "" && m.LSIP == "" && m.Region.Country == "England" {
			t.Errorf("%q: settled place has no skills plan area: %+v", tc.text, m)
		}
	}
}
