package lmi

import (
	"context"
	"fmt"
	"math"
	"strings"
)

const (
	reasonMissing   = "not published: ONS suppressed it (sample too small or unreliable) or it is disclosive"
	caveatProv      = "provisional figures; ONS revises them about a year later"
	caveatEmployees = "employees only (not the self-employed)"
	caveatAnnual    = "annual pay covers people in the same job for over a year"
)

var payKeys = []struct {
	key     string
	measure string
}{
	{"annual/full_time", "annual"}, {"annual/all", "annual"}, {"weekly/full_time", "weekly"}, {"weekly/all", "weekly"},
	{"hourly/full_time", "hourly"}, {"hourly/all", "hourly"}, {"hours/full_time", "hours"}, {"hours/all", "hours"},
}

func (e *Embedded) distribution(u *snapUnit, key string) Distribution {
	f, ok := u.Pay[key]
	caveats := []string{caveatProv, caveatEmployees}
	if strings.HasPrefix(key, "annual/") {
		caveats = append(caveats, caveatAnnual)
	}
	mk := func(v *float64) Figure {
		if !ok || v == nil {
			return Figure{Missing: true, Reason: reasonMissing, SourceID: "ashe2025p", Year: "2025"}
		}
		return Figure{Value: *v, SourceID: "ashe2025p", Year: "2025", Caveats: caveats}
	}
	d := Distribution{Median: mk(f[0]), Mean: mk(f[1]), P10: mk(f[2]), P25: mk(f[3]), P75: mk(f[4]), P90: mk(f[5])}
	if d.Median.Missing {
		if v, ok := u.Median2023[key]; ok {
			d.Median = Figure{Value: v, SourceID: "ashe2023p", Year: "2023", Caveats: []string{"the 2025 figure was not published, so this is the 2023 provisional figure (older)", caveatEmployees}}
		}
	}
	return d
}

// payCovers are the unit groups whose pay figures mix people at very different
// stages, as the ONS coding index shows: 2211 holds house officers (doctors in
// their first years) with GPs, 2212 registrars (doctors in specialty training)
// with consultants. ASHE publishes no figure for the stages apart.
var payCovers = map[string]string{
	"2211": "This figure includes doctors in their first years of training as well as GPs, so fully trained GPs usually earn more. Specialist doctors, such as consultants, have their own, higher figure: ask me about consultants.",
	"2212": "This figure includes doctors still training as specialists (registrars) as well as consultants, so consultants usually earn more.",
}

func (e *Embedded) occupation(u *snapUnit) *Occupation {
	o := &Occupation{
		SOC2020: u.SOC2020, SOC2010: append([]string{}, u.SOC2010...), Title: u.Title,
		MinorGroup: u.Minor, MinorGroupTitle: u.MinorTitle,
		SubMajorGroup: u.SubMajor, SubMajorGroupTitle: u.SubMajorTitle,
		MajorGroup: u.Major, MajorGroupTitle: u.MajorTitle,
		RelatedTitles: append([]string{}, u.Related...),
		Entry:         u.Entry,
	}
	o.Pay = Pay{
		AnnualFullTime: e.distribution(u, "annual/full_time"), AnnualAll: e.distribution(u, "annual/all"),
		WeeklyFullTime: e.distribution(u, "weekly/full_time"), WeeklyAll: e.distribution(u, "weekly/all"),
		HourlyFullTime: e.distribution(u, "hourly/full_time"), HourlyAll: e.distribution(u, "hourly/all"),
		PaidHoursFullTime: e.distribution(u, "hours/full_time"), PaidHoursAll: e.distribution(u, "hours/all"),
		Covers: payCovers[u.SOC2020],
	}
	if rp, err := e.regionalPay(u); err == nil {
		o.RegionalPay = rp
	}
	if ol, err := e.outlookFor(u, "EN"); err == nil {
		o.Outlook = ol
	}
	if u.Demand != nil {
		o.Demand = demandOf(u.Demand)
	}
	if u.Profile != nil {
		p := *u.Profile
		p.Caveats = append(append([]string{}, p.Caveats...), "O*NET describes US jobs; UK jobs may differ")
		o.Profile = &p
	}
	e.textsMu.RLock()
	if t, ok := e.texts[u.SOC2020]; ok {
		tt := *t
		o.Texts = &tt
	}
	e.textsMu.RUnlock()
	return o
}

func optFigure(v *float64, src, year string, caveats ...string) Figure {
	if v == nil {
		return Figure{Missing: true, Reason: "not published for this occupation", SourceID: src, Year: year}
	}
	return Figure{Value: *v, SourceID: src, Year: year, Caveats: caveats}
}

func demandOf(d *snapDemand) *Demand {
	yr := d.Month
	if len(yr) >= 4 {
		yr = yr[:4]
	}
	out := &Demand{
		Month:        d.Month,
		Adverts3mAvg: optFigure(d.Adverts3m, "adverts", d.Month, "England only", "online adverts are not vacancies; some jobs (trades, care) advertise less online", "3-month average of monthly advert counts"),
		GrowthPct: Figure{Missing: true, SourceID: "adverts", Year: d.Month,
			Reason: "not used: January 2021 was a lockdown month with very few adverts, so the change since then mostly shows the reopening, not demand"},
		GrowthPct12m: optFigure(d.Growth12m, "adverts", d.Month, "England only", "change in the 3-month average of online adverts over the 12 months to "+d.Month+", worked out from the published averages", "online adverts are not vacancies"),
	}
	out.GrowthPct12m.Estimate = !out.GrowthPct12m.Missing
	pm := d.Per100Month
	if pm == "" {
		pm = d.Month
	}
	out.Per100Employed = optFigure(d.Per100, "adverts", pm, "England only", "adverts in the 12 months to "+pm+" per 100 people employed in the job (APS survey estimate)")
	_ = yr
	return out
}

// regionalPay estimates the full-time annual median in each of the 12 regions.
func (e *Embedded) regionalPay(u *snapUnit) ([]RegionalPay, error) {
	g, err := e.places()
	if err != nil {
		return nil, err
	}
	base := e.distribution(u, "annual/full_time").Median
	if base.Missing {
		return nil, fmt.Errorf("lmi: no UK median for %s", u.SOC2020)
	}
	out := make([]RegionalPay, 0, len(g.regions))
	for _, r := range g.regions {
		out = append(out, regionalFigure(g, u, base, r.Name))
	}
	return out, nil
}

func regionalFigure(g *placeIndex, u *snapUnit, base Figure, region string) RegionalPay {
	ratio, basis, ok := 0.0, "", false
	if m := g.ratios[u.SubMajor]; m != nil {
		ratio, ok = m[region]
		basis = "sub-major group " + u.SubMajor
	}
	if !ok {
		if m := g.ratios[u.Major]; m != nil {
			ratio, ok = m[region]
			basis = "major group " + u.Major
		}
	}
	if !ok {
		if m := g.ratios[""]; m != nil {
			ratio, ok = m[region]
			basis = "all occupations"
		}
	}
	if !ok {
		return RegionalPay{Region: region, Median: Figure{Missing: true, Reason: "no regional pay published for this group", SourceID: "ashe2025p_region", Year: base.Year}, Basis: ""}
	}
	cav := []string{
		fmt.Sprintf("estimate: the UK figure for this job (%s) scaled by how pay in %s compares with the UK for %s", base.Year, region, basis),
		"region is where people work, not where they live",
	}
	if strings.HasPrefix(basis, "sub-major") {
		cav = append(cav, "ONS gives no UK row for sub-major groups by region, so the UK level is the job-weighted average of the regional medians (rounded to £100)")
	}
	if region == "Northern Ireland" {
		cav = append(cav, "ONS publishes no occupation pay for Northern Ireland, so this uses the all-occupations ratio")
	}
	// the estimate is as old as its oldest part: a 2023 UK figure scaled by a 2025
	// regional ratio is "2023 and 2025", never "2023" under the 2025 table's name
	year := base.Year
	if !strings.HasPrefix(year, "2025") && len(year) >= 4 {
		year = year[:4] + " and 2025"
	}
	return RegionalPay{Region: region, Basis: basis, Median: Figure{Value: math.Round(base.Value*ratio/10) * 10, Estimate: true, SourceID: "ashe2025p_region", Year: year, Caveats: cav}}
}

// RegionalMedian is one unit group's estimated full-time annual median in a region.
func (e *Embedded) RegionalMedian(ctx context.Context, soc2020, region string) (RegionalPay, error) {
	u, err := e.unit(soc2020)
	if err != nil {
		return RegionalPay{}, err
	}
	g, err := e.places()
	if err != nil {
		return RegionalPay{}, err
	}
	r, ok := g.regionByName(region)
	if !ok {
		return RegionalPay{}, fmt.Errorf("lmi: region %q: %w", region, ErrNotFound)
	}
	base := e.distribution(u, "annual/full_time").Median
	if base.Missing {
		return RegionalPay{Region: r.Name, Median: base}, nil
	}
	return regionalFigure(g, u, base, r.Name), nil
}
