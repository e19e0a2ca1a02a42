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
	g, err := decodeGeo(data)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
