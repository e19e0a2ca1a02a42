package lmi

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestOccupationFigures(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	o, err := st.Occupation(ctx, "5241")
	if err != nil {
		t.Fatal(err)
	}
	// spot checks from SOURCES.md (ASHE 2025 provisional, full-time)
	checks := []struct {
		name string
		f    Figure
		want float64
	}{
		{"annual median", o.Pay.AnnualFullTime.Median, 39647},
		{"annual mean", o.Pay.AnnualFullTime.Mean, 41190},
		{"weekly median", o.Pay.WeeklyFullTime.Median, 791.3},
		{"hourly median", o.Pay.HourlyFullTime.Median, 19.20},
		{"paid hours median", o.Pay.PaidHoursFullTime.Median, 40.0},
		{"adverts 3m", o.Demand.Adverts3mAvg, 4396.7},
		{"advert change over 12 months", o.Demand.GrowthPct12m, 19.8}, // 4396.7 / 3671.3 (Nov 2024)
		{"adverts per 100", o.Demand.Per100Employed, 22.75},
		{"outlook net change", o.Outlook.NetChangeK, -53.679},
	}
	for _, c := range checks {
		if c.f.Missing || c.f.Value < c.want-0.01 || c.f.Value > c.want+0.01 || c.f.SourceID == "" || c.f.Year == "" {
			t.Errorf("%s = %+v, want %v with a source and year", c.name, c.f, c.want)
		}
	}
	if o.Title != "Electricians and electrical fitters" || o.SOC2010[0] != "5241" || o.SubMajorGroup != "52" {
		t.Errorf("identity: %+v", o)
	}
	if o.Demand.Month != "2025-11" {
		t.Errorf("demand month %q", o.Demand.Month)
	}
	if o.Profile == nil || o.Profile.JobZone == 0 || len(o.Profile.Skills) == 0 || o.Profile.Interests[0] != "Realistic" {
		t.Errorf("profile: %+v", o.Profile)
	}
	e := o.Entry
	if !has(e.Routes, "apprenticeship") || !has(e.Requirements, "colour_vision") || !has(e.Qualifications, "gcse") {
		t.Errorf("entry facts: %+v", e)
	}
	// electricians have a reviewed row: the level 3 standard, the AM2 and the ECS card
	if !e.Reviewed || e.SourceID != "entry_reviewed" || len(e.ApprenticeshipLevels) != 1 || e.ApprenticeshipLevels[0] != 3 ||
		!has(e.Qualifications, "am2") || !has(e.Registration, "ecs_card") || has(e.Routes, "work_experience") {
		t.Errorf("reviewed entry facts: %+v", e)
	}
	// regional estimates: labelled, scaled by the sub-major group ratio
	if len(o.RegionalPay) != 12 {
		t.Fatalf("%d regional figures", len(o.RegionalPay))
	}
	var london, ne RegionalPay
	for _, r := range o.RegionalPay {
		if !r.Median.Estimate || len(r.Median.Caveats) == 0 {
			t.Errorf("%s: not labelled as an estimate: %+v", r.Region, r.Median)
		}
		switch r.Region {
		case "London":
			london = r
		case "North East":
			ne = r
		case "Northern Ireland":
			if r.Basis != "all occupations" || !strings.Contains(strings.Join(r.Median.Caveats, " "), "Northern Ireland") {
				t.Errorf("NI: %+v", r)
			}
		}
	}
	if london.Basis != "sub-major group 52" || london.Median.Value <= ne.Median.Value {
		t.Errorf("London %+v vs North East %+v", london, ne)
	}
}

func has(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func TestOccupationMissingFigures(t *testing.T) {
	st := testStore(t)
	// 3312 police officers: the corrected 2025 annual pay is empty; the 2023 figure
	// stands in, honestly labelled; weekly pay is kept.
	o, err := st.Occupation(context.Background(), "3312")
	if err != nil {
		t.Fatal(err)
	}
	m := o.Pay.AnnualFullTime.Median
	if m.Missing || m.Year != "2023" || m.SourceID != "ashe2023p" || len(m.Caveats) == 0 {
		t.Errorf("annual median fallback: %+v", m)
	}
	if p := o.Pay.AnnualFullTime.P75; !p.Missing || p.Reason == "" || p.Value != 0 {
		t.Errorf("missing p75 should be Missing with a reason: %+v", p)
	}
	if w := o.Pay.WeeklyFullTime.Median; w.Missing || w.Year != "2025" {
		t.Errorf("weekly median: %+v", w)
	}
	all, err := st.Occupations(context.Background())
	if err != nil || len(all) != 412 {
		t.Fatalf("Occupations: %d, %v", len(all), err)
	}
	missing := 0
	for _, o := range all {
		if o.Pay.AnnualFullTime.Median.Missing {
			missing++
			if o.Pay.AnnualFullTime.Median.Value != 0 {
				t.Errorf("%s: missing figure with a value", o.SOC2020)
			}
		}
	}
	if missing == 0 || missing > 30 {
		t.Errorf("%d unit groups with no median at all", missing)
	}
	if _, err := st.Occupation(context.Background(), "9999"); !errors.Is(err, ErrNotFound) {
		t.Errorf("9999: %v", err)
	}
}

func TestBestPaid(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	uk, err := st.BestPaid(ctx, BestPaidQuery{Limit: 10})
	if err != nil || len(uk) != 10 {
		t.Fatalf("%v %v", uk, err)
	}
	for i := 1; i < len(uk); i++ {
		if uk[i].Median.Value > uk[i-1].Median.Value {
			t.Errorf("not sorted: %v", uk)
		}
	}
	ld, err := st.BestPaid(ctx, BestPaidQuery{Region: "London", Limit: 5})
	if err != nil || len(ld) != 5 || !ld[0].Median.Estimate {
		t.Fatalf("London: %+v %v", ld, err)
	}
	nd, err := st.BestPaid(ctx, BestPaidQuery{NoDegree: true, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range nd {
		if r.SOC2020 == "2212" || r.SOC2020 == "2211" || r.SOC2020 == "2412" {
			t.Errorf("no-degree list has %s %s", r.SOC2020, r.Title)
		}
		// chief executives, directors and senior officers are not reached without
		// years of work
		if strings.HasPrefix(r.SOC2020, "11") || r.SOC2020 == "1162" || (r.SOC2020[0] == '1' && strings.Contains(r.Title, "directors")) {
			t.Errorf("no-degree list has senior role %s %s", r.SOC2020, r.Title)
		}
		if r.Entry.SourceID == "" {
			t.Errorf("%s: no entry facts", r.SOC2020)
		}
	}
	ap, err := st.BestPaid(ctx, BestPaidQuery{Apprenticeship: true, Limit: 30})
	if err != nil || len(ap) < 10 {
		t.Fatalf("apprenticeships: %v %v", ap, err)
	}
	for _, r := range ap {
		if !slices.Contains(r.Entry.Routes, "apprenticeship") || strings.HasPrefix(r.SOC2020, "11") {
			t.Errorf("apprenticeship list has %s %s %v", r.SOC2020, r.Title, r.Entry.Routes)
		}
	}
	tr, err := st.BestPaid(ctx, BestPaidQuery{Trades: true, Region: "Wales", Limit: 10})
	if err != nil || len(tr) != 10 {
		t.Fatalf("trades: %v %v", tr, err)
	}
	for _, r := range tr {
		if r.SOC2020[0] != '5' {
			t.Errorf("trades list has %s %s", r.SOC2020, r.Title)
		}
	}
	if _, err := st.BestPaid(ctx, BestPaidQuery{Region: "Narnia"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("Narnia: %v", err)
	}
}

func TestSuggest(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	tests := []struct {
		words   []string
		anyOf   []string // at least one of these in the top 5
		because string
	}{
		{[]string{"animals"}, []string{"2240", "3240", "6129"}, "animals"},
		{[]string{"computers"}, []string{"2134", "3132", "2139", "2135", "3131"}, "computers"},
		{[]string{"sport"}, []string{"3432", "3433", "3431"}, "sport"},
		{[]string{"drawing"}, []string{"3411", "2142"}, "drawing"},
		{[]string{"fixing things"}, []string{"5231", "5241", "5223", "5246"}, "fixing things"},
		{[]string{"helping people"}, []string{"6135", "2461", "2237", "6131", "3224"}, "helping people"},
		{[]string{"kids"}, []string{"6111", "2314", "6114", "6112", "2315"}, "kids"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.words, ","), func(t *testing.T) {
			s, err := st.Suggest(ctx, SuggestQuery{Interests: tc.words, Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(s) == 0 {
				t.Fatal("no suggestions")
			}
			found := false
			for _, x := range s {
				for _, c := range tc.anyOf {
					if x.SOC2020 == c {
						found = true
					}
				}
				if len(x.Because) == 0 || !strings.Contains(x.Because[0], tc.because) {
					t.Errorf("%s: because %v", x.SOC2020, x.Because)
				}
			}
			if !found {
				t.Errorf("top 5 %v has none of %v", s, tc.anyOf)
			}
			again, _ := st.Suggest(ctx, SuggestQuery{Interests: tc.words, Limit: 5})
			for i := range s {
				if again[i].SOC2020 != s[i].SOC2020 {
					t.Fatalf("not deterministic")
				}
			}
		})
	}
	if s, _ := st.Suggest(ctx, SuggestQuery{Interests: []string{"qwerty"}}); len(s) != 0 {
		t.Errorf("nonsense gave %v", s)
	}
}

func TestLocal(t *testing.T) {
	st := testStore(t)
	ctx := context.Background()
	leeds, err := st.ResolvePlace(ctx, "LS1")
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.Adverts(ctx, "5241", leeds)
	if err != nil {
		t.Fatal(err)
	}
	if a.Local.Missing || a.LocalArea == "" || a.England.Value != 89491 || a.Month != "2025-07" {
		t.Errorf("Leeds adverts: %+v", a)
	}
	lon, _ := st.ResolvePlace(ctx, "E1")
	if a, err := st.Adverts(ctx, "5241", lon); err != nil || a.Local.Value != 12068 {
		t.Errorf("London adverts: %+v %v", a, err)
	}
	gla, _ := st.ResolvePlace(ctx, "glasgow")
	if a, err := st.Adverts(ctx, "5241", gla); err != nil || !a.Local.Missing || !strings.Contains(a.Local.Reason, "England") {
		t.Errorf("Glasgow adverts: %+v %v", a, err)
	}
	man, _ := st.ResolvePlace(ctx, "manchester")
	ol, err := st.OutlookForPlace(ctx, "5241", man)
	if err != nil || ol.Area != "Greater Manchester" {
		t.Errorf("outlook Manchester: %+v %v", ol, err)
	}
	ol, err = st.OutlookForPlace(ctx, "5241", gla)
	if err != nil || ol.Area != "England" {
		t.Errorf("outlook Glasgow falls back to England: %+v %v", ol, err)
	}
	subj, inds, err := st.GraduateIndustries(ctx, "computer science")
	if err != nil || subj != "Computing" || len(inds) == 0 || inds[0].Percent.Value < 37 || inds[0].Percent.Value > 38 {
		t.Errorf("graduates: %s %+v %v", subj, inds, err)
	}
	if _, _, err := st.GraduateIndustries(ctx, "underwater basket weaving"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown subject: %v", err)
	}
}

func TestSources(t *testing.T) {
	srcs, err := testStore(t).Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]Source{}
	for _, s := range srcs {
		ids[s.ID] = s
	}
	for _, id := range []string{"ashe2025p", "ashe2023p", "ashe2025p_region", "adverts", "skills2035", "onet", "soc2020", "leo", "places"} {
		if s, ok := ids[id]; !ok || s.Attribution == "" {
			t.Errorf("source %s missing or without attribution", id)
		}
	}
	if !strings.Contains(ids["onet"].Attribution, "modified") {
		t.Errorf("O*NET attribution must say it was modified")
	}
}

func TestLoadTexts(t *testing.T) {
	dir := sharedData(t)
	st, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	n, err := st.LoadTexts(dir + "/ons_soc2020_volume1/soc2020_unit_groups.csv")
	if err != nil || n != 412 {
		t.Fatalf("%d %v", n, err)
	}
	o, _ := st.Occupation(context.Background(), "5241")
	if o.Texts == nil || o.Texts.Description == "" || len(o.Texts.Tasks) == 0 {
		t.Errorf("texts: %+v", o.Texts)
	}
	if _, err := st.LoadTexts("testdata/nope.csv"); err == nil {
		t.Error("missing file: no error")
	}
}

// TestDemandGrowth: the since-January-2021 growth is withheld (a lockdown base) and
// the 12-month change is worked out from the 3-month averages.
func TestDemandGrowth(t *testing.T) {
	st := testStore(t)
	o, err := st.Occupation(context.Background(), "5434")
	if err != nil || o.Demand == nil {
		t.Fatalf("chefs: %v %v", o, err)
	}
	if !o.Demand.GrowthPct.Missing || o.Demand.GrowthPct.Reason == "" {
		t.Errorf("growth since Jan 2021 should be withheld with a reason: %+v", o.Demand.GrowthPct)
	}
	g := o.Demand.GrowthPct12m
	if g.Missing || !g.Estimate || g.Value < -80 || g.Value > 200 || len(g.Caveats) == 0 {
		t.Errorf("12-month change: %+v", g)
	}
	for _, tc := range []struct{ m, want string }{{"2025-11", "2024-11"}, {"2025-01", "2024-01"}, {"2021-12", "2020-12"}, {"bad", ""}} {
		if got := monthsBefore(tc.m, 12); got != tc.want {
			t.Errorf("monthsBefore(%q) = %q, want %q", tc.m, got, tc.want)
		}
	}
}
