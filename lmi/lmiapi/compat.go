package lmiapi

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/careersbot/careersbot/lmi"
)

// The LMI for All compatible routes answer in that API's shapes (see
// ../shared/reference/lmiforall-api.md), keyed by SOC 2010, from careersbot's SOC 2020
// data through the ONS relationship table. Figures are careersbot's (ONS ASHE 2025
// provisional and so on): each response adds "source" and "caveats" fields, which
// LMI for All clients ignore.

// SOCRecord is LMI for All's SOC unit group record.
type SOCRecord struct {
	SOC            int      `json:"soc"`
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	Qualifications string   `json:"qualifications"`
	Tasks          string   `json:"tasks"`
	AddTitles      []string `json:"add_titles"`
	// SOC2020 lists the SOC 2020 unit groups the record is drawn from (careersbot's
	// addition), largest share first.
	SOC2020 []lmi.SOCLink `json:"soc2020"`
}

// compatRegions are the ASHE region codings this API uses (as LMI for All's
// /ashe/filters/all lists them), served at /api/v1/ashe/filters/all.
var compatRegions = []struct {
	Code int
	Name string
}{
	{1, "London"}, {2, "North East"}, {3, "North West"}, {4, "Yorkshire and The Humber"}, {5, "East Midlands"},
	{6, "West Midlands"}, {7, "East of England"}, {8, "South East"}, {9, "South West"}, {10, "Wales"},
	{11, "Scotland"}, {12, "Northern Ireland"},
}

func (a *API) mapper() (lmi.SOCMapper, error) {
	m, ok := a.st.(lmi.SOCMapper)
	if !ok {
		return nil, notFound("this store has no SOC 2010 links")
	}
	return m, nil
}

func soc2010Param(s string) (string, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || n < 1000 || n > 9999 {
		return "", badRequest("Please give a 4-digit SOC 2010 code.")
	}
	return strconv.Itoa(n), nil
}

// record builds the SOC record of a SOC 2010 group from the SOC 2020 group most of
// it went to.
func (a *API) record(ctx context.Context, soc2010 string) (*SOCRecord, error) {
	m, err := a.mapper()
	if err != nil {
		return nil, err
	}
	ls, err := m.SOC2020For(ctx, soc2010)
	if err != nil || len(ls) == 0 {
		return nil, notFound("No SOC 2010 unit group " + soc2010 + ".")
	}
	o, err := a.st.Occupation(ctx, ls[0].SOC2020)
	if err != nil {
		return nil, err
	}
	n, _ := strconv.Atoi(soc2010)
	rec := &SOCRecord{SOC: n, Title: ls[0].SOC2010Title, AddTitles: nonNil(o.RelatedTitles), SOC2020: ls}
	if o.Texts != nil {
		rec.Description, rec.Qualifications = o.Texts.Description, o.Texts.EntryRoutes
		if len(o.Texts.Tasks) > 0 {
			rec.Tasks = " " + strings.Join(o.Texts.Tasks, ";\n ")
		}
	}
	return rec, nil
}

func (a *API) compatSearch(r *http.Request) (any, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return nil, badRequest("Please give a string to search for.")
	}
	if len(q) > 200 {
		return nil, badRequest("The search string is too long.")
	}
	ms, err := a.st.SearchOccupations(r.Context(), q, 10)
	if err != nil {
		return nil, err
	}
	out := []*SOCRecord{}
	seen := map[string]bool{}
	for _, m := range ms {
		if m.SOC2010 == "" || seen[m.SOC2010] {
			continue
		}
		seen[m.SOC2010] = true
		rec, err := a.record(r.Context(), m.SOC2010)
		if err != nil {
			if isNotFound(err) || isAPINotFound(err) {
				continue
			}
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

func isAPINotFound(err error) bool {
	ae, ok := err.(*apiError)
	return ok && ae.Status == http.StatusNotFound
}

func (a *API) compatCode(r *http.Request) (any, error) {
	c, err := soc2010Param(r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	return a.record(r.Context(), c)
}

// EstimatePoint is one year of an ASHE estimate, as LMI for All gives it. Estpay or
// Hours is set, as the route asked.
type EstimatePoint struct {
	Year      int              `json:"year"`
	Estpay    *float64         `json:"estpay,omitempty"`
	Hours     *float64         `json:"hours,omitempty"`
	Breakdown []map[string]any `json:"breakdown,omitempty"`
}

// Estimate is LMI for All's ASHE estimate response, plus careersbot's labels.
type Estimate struct {
	SOC     int             `json:"soc"`
	Series  []EstimatePoint `json:"series"`
	Source  string          `json:"source"`
	Caveats []string        `json:"caveats"`
}

func (a *API) compatPay(r *http.Request) (any, error) {
	return a.compatEstimate(r, "estpay", func(p *lmi.Pay) lmi.Figure { return p.WeeklyFullTime.Median })
}

func (a *API) compatHours(r *http.Request) (any, error) {
	return a.compatEstimate(r, "hours", func(p *lmi.Pay) lmi.Figure { return p.PaidHoursFullTime.Median })
}

// weighted is one SOC 2020 group's part in a SOC 2010 estimate.
type weighted struct {
	occ *lmi.Occupation
	w   float64
}

func (a *API) compatEstimate(r *http.Request, field string, pick func(*lmi.Pay) lmi.Figure) (any, error) {
	q := r.URL.Query()
	soc, err := soc2010Param(q.Get("soc"))
	if err != nil {
		return nil, err
	}
	coarse := false
	if s := q.Get("coarse"); s != "" {
		if coarse, err = strconv.ParseBool(s); err != nil {
			return nil, badRequest("coarse must be true or false.")
		}
	}
	region := 0
	for _, f := range strings.Split(q.Get("filters"), "|") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		name, val, _ := strings.Cut(f, ":")
		switch name {
		case "region":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > len(compatRegions) {
				return nil, badRequest("Unknown region " + strconv.Quote(val) + ": see /ashe/filters/all.")
			}
			region = n
		case "status":
			if val != "1" {
				return nil, badRequest("careersbot has full-time figures only (status:1).")
			}
		default:
			return nil, badRequest("Filter " + strconv.Quote(name) + " is not supported: careersbot filters by region and status:1.")
		}
	}
	breakdown := q.Get("breakdown")
	if breakdown != "" && breakdown != "region" {
		return nil, badRequest("Breakdown " + strconv.Quote(breakdown) + " is not supported: careersbot breaks down by region.")
	}
	if breakdown != "" && region != 0 {
		return nil, badRequest("Give a region filter or a region breakdown, not both.")
	}

	// the unit groups the estimate is drawn from, with weights
	var parts []weighted
	var caveats []string
	ansSOC, _ := strconv.Atoi(soc)
	if coarse {
		ansSOC /= 100
		occs, err := a.st.Occupations(r.Context())
		if err != nil {
			return nil, err
		}
		for _, o := range occs {
			if o.SubMajorGroup == fmt.Sprintf("%02d", ansSOC) {
				parts = append(parts, weighted{o, 1})
			}
		}
		caveats = append(caveats, fmt.Sprintf("coarse: the unweighted average of the medians of the SOC 2020 unit groups in sub-major group %02d", ansSOC))
	} else {
		m, err := a.mapper()
		if err != nil {
			return nil, err
		}
		ls, err := m.SOC2020For(r.Context(), soc)
		if err != nil || len(ls) == 0 {
			return nil, notFound("No SOC 2010 unit group " + soc + ".")
		}
		for _, l := range ls {
			o, err := a.st.Occupation(r.Context(), l.SOC2020)
			if err != nil {
				if isNotFound(err) {
					continue
				}
				return nil, err
			}
			parts = append(parts, weighted{o, l.Share})
		}
		if c := ls[0].SplitCaveat(); c != "" {
			caveats = append(caveats, fmt.Sprintf("SOC 2010 group %s split in SOC 2020: the figure is the average of its SOC 2020 groups' medians weighted by the ONS shares", soc))
		}
	}
	// the UK estimate, and each region's
	type acc struct{ sum, w float64 }
	var uk acc
	regional := map[int]*acc{}
	year := 0
	var srcIDs []string
	for _, p := range parts {
		f := pick(&p.occ.Pay)
		if f.Missing || f.Value <= 0 || p.w <= 0 {
			continue
		}
		uk.sum += f.Value * p.w
		uk.w += p.w
		if y, err := strconv.Atoi(f.Year); err == nil && y > year {
			year = y
		}
		if !contains(srcIDs, f.SourceID) {
			srcIDs = append(srcIDs, f.SourceID)
		}
		for _, c := range f.Caveats {
			if !contains(caveats, c) {
				caveats = append(caveats, c)
			}
		}
		if breakdown == "" && region == 0 {
			continue
		}
		annual := p.occ.Pay.AnnualFullTime.Median
		for _, rp := range p.occ.RegionalPay {
			code := regionCode(rp.Region)
			if code == 0 || rp.Median.Missing || annual.Missing || annual.Value <= 0 {
				continue
			}
			if regional[code] == nil {
				regional[code] = &acc{}
			}
			regional[code].sum += f.Value * rp.Median.Value / annual.Value * p.w
			regional[code].w += p.w
		}
	}
	out := Estimate{SOC: ansSOC, Series: []EstimatePoint{}, Caveats: caveats}
	var names []string
	for _, id := range srcIDs {
		s, ok := a.srcs[id]
		switch {
		case ok && s.Year != "":
			names = append(names, s.Name+", "+s.Year)
		case ok:
			names = append(names, s.Name)
		default:
			names = append(names, id)
		}
	}
	out.Source = strings.Join(names, "; ")
	if uk.w == 0 {
		return out, nil // LMI for All gives an empty series when it has no estimate
	}
	round := func(v float64) *float64 {
		if field == "hours" {
			v = math.Round(v*10) / 10
		} else {
			v = math.Round(v)
		}
		return &v
	}
	pt := EstimatePoint{Year: year}
	val := uk.sum / uk.w
	if region != 0 {
		ra := regional[region]
		if ra == nil || ra.w == 0 {
			return out, nil
		}
		val = ra.sum / ra.w
		out.Caveats = append(out.Caveats, "regional: an estimate, the UK figure scaled by the group's regional pay ratio")
	}
	if breakdown == "region" {
		var codes []int
		for c := range regional {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			pt.Breakdown = append(pt.Breakdown, map[string]any{"region": c, field: *round(regional[c].sum / regional[c].w)})
		}
		out.Caveats = append(out.Caveats, "regional: estimates, the UK figure scaled by the group's regional pay ratio")
	}
	if field == "hours" {
		pt.Hours = round(val)
	} else {
		pt.Estpay = round(val)
	}
	out.Series = append(out.Series, pt)
	return out, nil
}

func regionCode(name string) int {
	for _, r := range compatRegions {
		if strings.EqualFold(r.Name, name) {
			return r.Code
		}
	}
	return 0
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func (a *API) compatFilters(r *http.Request) (any, error) {
	type coding struct {
		Name  string `json:"name"`
		Value int    `json:"value"`
	}
	type filter struct {
		Name    string   `json:"name"`
		Codings []coding `json:"codings"`
	}
	reg := filter{Name: "region"}
	for _, c := range compatRegions {
		reg.Codings = append(reg.Codings, coding{c.Name, c.Code})
	}
	return []filter{reg, {Name: "status", Codings: []coding{{"Full-time", 1}}}}, nil
}
