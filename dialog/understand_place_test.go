package dialog

import (
	"context"
	"strings"
	"testing"
)

// Every nickname must name a place the real store resolves.
func TestPlaceNicknamesResolve(t *testing.T) {
	s := ucRealStore(t)
	for _, e := range ucPlaceNicknames {
		name, _, _ := strings.Cut(e.word, ">")
		if _, err := s.ResolvePlace(context.Background(), name); err != nil {
			t.Errorf("nickname %q -> %q: %v", e.pattern, e.word, err)
		}
	}
}

func TestUnderstandPlaceFallback(t *testing.T) {
	u := NewUnderstander(ucRealStore(t))
	tests := []struct {
		text, region, matched string
	}{
		{"how much do chefs earn in the toon", "North East", "the toon"},
		{"plumber jobs near donny", "Yorkshire and The Humber", "donny"},
		{"is there work for welders round the potteries", "West Midlands", "the potteries"},
		{"nursing jobs in glesga", "Scotland", "glesga"},
		{"mechanic wages brizzle", "South West", "brizzle"},
		{"how do i become a vet in embra", "Scotland", "embra"},
		{"joiner pay CF10", "Wales", "CF10"},
		{"chef jobs ls11", "Yorkshire and The Humber", "ls11"},
		{"what do roofers earn round SW1A", "London", "SW1A"},
		{"hairdresser salary M14", "North West", "M14"},
		{"care jobs in essex", "East of England", "essex"},
		{"how much do nurses earn on teesside", "North East", "teesside"},
		{"bricklayer wages in bt9", "Northern Ireland", "BT9"}, // the store found it
		// not places: ages, school years, choices, lower-case one-letter areas
		{"im 15 and in yr10", "", ""},
		{"i got a b2 in maths", "", ""},
		{"option 2", "", ""},
		{"jobs that make big bucks", "", ""},
		{"i like drawing toons", "", ""},
		{"what jobs can i do at 16", "", ""},
	}
	for _, tt := range tests {
		r := u.Understand(context.Background(), tt.text)
		switch {
		case tt.region == "" && r.Place != nil:
			t.Errorf("%q: place %q (%s), want none", tt.text, r.Place.Text, r.Place.Region.Name)
		case tt.region == "":
		case r.Place == nil:
			t.Errorf("%q: no place, want %s", tt.text, tt.region)
		case r.Place.Region.Name != tt.region || !strings.EqualFold(r.Place.Text, tt.matched):
			t.Errorf("%q: place %q in %s, want %q in %s", tt.text, r.Place.Text, r.Place.Region.Name, tt.matched, tt.region)
		}
	}
}
