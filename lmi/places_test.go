package lmi

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestResolvePlace(t *testing.T) {
	st := testStore(t)
	tests := []struct {
		text, region, district, kind string
		ambiguous                    bool
	}{
		{"M1 1AE", "North West", "M1", "postcode_district", false},
		{"m11ae", "North West", "M1", "postcode_district", false},
		{"LS6", "Yorkshire and The Humber", "LS6", "postcode_district", false},
		{"cf10", "Wales", "CF10", "postcode_district", false},
		{"BT1 1AA", "Northern Ireland", "BT1", "postcode_district", false},
		{"Leeds", "Yorkshire and The Humber", "", "local_authority", false},
		{"glasgow", "Scotland", "", "", false},
		{"newcastle", "", "", "town", true}, // upon Tyne or under Lyme (or County Down)
		{"newcastle upon tyne", "North East", "", "", false},
		{"kingston", "", "", "town", true}, // upon Thames or upon Hull
		{"richmond", "", "", "town", true}, // upon Thames or North Yorkshire
		{"newport", "", "", "town", true},  // Wales, Isle of Wight, Shropshire...
		{"gateshead", "North East", "", "local_authority", false},
		{"boston", "East Midlands", "", "local_authority", false}, // one Boston in the UK data
		{"mcr", "North West", "", "alias", false},
		{"tyneside", "North East", "", "alias", false},
		{"the fens", "", "", "alias", true},
		{"Merthyr", "Wales", "", "local_authority", false},
		{"brum", "West Midlands", "", "alias", false},
		{"pompey", "South East", "", "alias", false},
		{"glesga", "Scotland", "", "alias", false},
		{"the black country", "West Midlands", "", "alias", false},
		{"essex", "East of England", "", "alias", false},
		{"NI", "Northern Ireland", "", "alias", false},
		{"the north east", "North East", "", "", false},
		{"East of England", "East of England", "", "region", false},
		{"yorkshire and the humber", "Yorkshire and The Humber", "", "region", false},
		{"in manchester", "North West", "", "", false},
		{"manchestr", "North West", "", "", false},
		{"the midlands", "", "", "alias", true},
		{"up north", "", "", "alias", true},
		{"down south", "", "", "alias", true},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			m, err := st.ResolvePlace(context.Background(), tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if m.Ambiguous != tc.ambiguous {
				t.Fatalf("ambiguous = %v, want %v (%+v)", m.Ambiguous, tc.ambiguous, m)
			}
			if tc.ambiguous && len(m.Options) < 2 {
				t.Fatalf("ambiguous with %d options", len(m.Options))
			}
			if m.Region.Name != tc.region {
				t.Errorf("region %q, want %q", m.Region.Name, tc.region)
			}
			if m.District != tc.district {
				t.Errorf("district %q, want %q", m.District, tc.district)
			}
			if tc.kind != "" && m.Kind != tc.kind {
				t.Errorf("kind %q, want %q", m.Kind, tc.kind)
			}
			if len(m.Text) > 4 && m.Kind == "postcode_district" && m.Text != m.District {
				t.Errorf("full postcode kept in Text: %q", m.Text)
			}
		})
	}
	for _, bad := range []string{"", "   ", "qwerty", "the moon", "pizza"} {
		if m, err := st.ResolvePlace(context.Background(), bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("ResolvePlace(%q) = %+v, %v; want ErrNotFound", bad, m, err)
		}
	}
}

func TestFindPlace(t *testing.T) {
	st := testStore(t)
	tests := []struct{ text, region string }{
		{"chef wages in scotland", "Scotland"},
		{"software developer salary london", "London"},
		{"architect pay in manchester", "North West"},
		{"top paying jobs in nottingham", "East Midlands"},
		{"best paid jobs in glasgow", "Scotland"},
		{"which careers pay the most in cardiff", "Wales"},
		{"salary london", "London"},
		{"paramedic salary wales", "Wales"},
		{"best paying jobs in the south east", "South East"},
		{"highest paid work in the west midlands", "West Midlands"},
		{"jobs near M1 1AE please", "North West"},
		{"I live in Reading", "South East"},
		{"jobs in bath", "South West"},
		{"I'm from Street in Somerset", "South West"},
		// nicknames
		{"jobs near pompey", "South East"},
		{"roofer wages in brizzle", "South West"},
		{"plumbers in donny", "Yorkshire and The Humber"},
		{"what do electricians earn in sheff", "Yorkshire and The Humber"},
		{"apprenticeships in the boro", "North East"},
		{"jobs in the black country", "West Midlands"},
		{"kernow jobs", "South West"},
		{"glesga joiner pay", "Scotland"},
		{"jobs in soton", "South East"},
		// a misspelt town after "in", "near"...
		{"jobs in birmingam", "West Midlands"},
		{"plumber salary in edinburg", "Scotland"},
		{"i live in sheffeild", "Yorkshire and The Humber"},
		{"best paid jobs in cardif", "Wales"},
		{"jobs in beauty", ""},
		{"i am working in retail", ""},
		{"jobs in survey work", ""},
		{"jobs in france", ""},
		// a bare postcode district
		{"roofer pay LS6", "Yorkshire and The Humber"},
		{"electrician salary NE6", "North East"},
		{"bricklayer wages BT7", "Northern Ireland"},
		{"carers needed BS5", "South West"},
		{"electrician salary ne6", "North East"},
		{"how much do plumbers earn E1", "London"},
		// letters and digits that are grades, levels, planes or motorways
		{"i got a B2 in spanish", ""},
		{"my B1 level french", ""},
		{"i want to fly an A380", ""},
		{"i got an A1", ""},
		{"the M1 motorway", ""},
		{"i love the MK2 golf", ""},
		{"whats the diff between a nurse and a doctor", ""},
		{"b12 vitamins", ""},
		{"is M1 a good grade", ""},
		// everyday words that are also place names
		{"i like reading", ""},
		{"i had a bath", ""},
		{"street cleaner jobs", ""},
		{"over the moon", ""},
		{"what a level do i need in year 10", ""},
		{"care jobs", ""},
		{"how do i become a plumber", ""},
		{"hello", ""},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			m, ok := st.FindPlace(context.Background(), tc.text)
			if tc.region == "" {
				if ok {
					t.Fatalf("found %+v in %q", m, tc.text)
				}
				return
			}
			if !ok || m.Region.Name != tc.region {
				t.Fatalf("got %+v (ok %v), want %s", m, ok, tc.region)
			}
			if m.Start < 0 || m.End > len(tc.text) || m.Start >= m.End {
				t.Errorf("bad span %d-%d", m.Start, m.End)
			}
		})
	}
	if m, ok := st.FindPlace(context.Background(), "jobs up north"); !ok || !m.Ambiguous {
		t.Errorf("up north: %+v %v, want ambiguous", m, ok)
	}
}

func TestRegions(t *testing.T) {
	rs, err := testStore(t).Regions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands", "East of England", "London", "South East", "South West", "Wales", "Scotland", "Northern Ireland"}
	if len(rs) != len(want) {
		t.Fatalf("%d regions", len(rs))
	}
	for i, r := range rs {
		if r.Name != want[i] || r.Code == "" || r.Country == "" {
			t.Errorf("region %d = %+v, want %s", i, r, want[i])
		}
	}
}

// TestAliasLSIP: a nickname for an area made of several local authorities takes an
// LSIP area only when all of them share it (Tyne and Wear spans North of Tyne and
// the North East LSIP areas, so it takes none rather than the wrong one).
func TestAliasLSIP(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	for _, tc := range []struct{ name, lsip string }{
		{"tyne and wear", ""},
		{"tyneside", ""},
		{"teesside", "Tees Valley"},
		{"the black country", "West Midlands and Warwickshire"},
		{"the lake district", "Cumbria"},
		{"mcr", "Greater Manchester"},
	} {
		m, err := st.ResolvePlace(ctx, tc.name)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if m.LSIP != tc.lsip {
			t.Errorf("%s: LSIP %q, want %q", tc.name, m.LSIP, tc.lsip)
		}
	}
}

func TestFindFullPostcodesMatchesRegexp(t *testing.T) {
	for _, text := range []string{
		"", "hello", "jobs in LS6 2AB", "ls62ab please", "M1 1AE and SW1A 1AA and EC1A 1BB and W1A 0AX and B33 8TH",
		"year 10", "B2 level", "1 2", "call 07700 900123", "m1", "postcode ne6 5xx ok", "٣ ١ digits", "SW1A1AA",
	} {
		got, want := findFullPostcodes(text), reFullPostcode.FindAllStringSubmatchIndex(text, 4)
		if len(got) != len(want) {
			t.Errorf("%q: %v, regexp %v", text, got, want)
			continue
		}
		for i := range got {
			if !slices.Equal(got[i], want[i]) {
				t.Errorf("%q: %v, regexp %v", text, got, want)
			}
		}
	}
}

// TestFindPlaceMisspeltCached checks a misspelt town is found the same way when its
// answer is kept (fuzzyWord's cache), and that a word with no near town stays none.
func TestFindPlaceMisspeltCached(t *testing.T) {
	st := testStore(t)
	for _, c := range []struct{ text, area string }{
		{"plumber jobs in birmingam", "Birmingham"},
		{"salary in edinburg", "Edinburgh"},
		{"jobs in qqqqqqqq", ""},
	} {
		var first PlaceMatch
		for round := range 2 {
			m, ok := st.FindPlace(context.Background(), c.text)
			if ok != (c.area != "") || ok && m.Text == "" {
				t.Fatalf("%q round %d: %+v %v", c.text, round, m, ok)
			}
			if round == 0 {
				first = m
			} else if m.Text != first.Text || m.Region.Name != first.Region.Name || m.Area != first.Area || m.Start != first.Start {
				t.Errorf("%q: cached %+v, first %+v", c.text, m, first)
			}
		}
		if c.area != "" && !strings.Contains(first.Area+first.Text, c.area) {
			t.Errorf("%q: %+v, want %s", c.text, first, c.area)
		}
	}
}
