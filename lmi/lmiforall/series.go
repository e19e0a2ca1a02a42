package lmiforall

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// RegionPoint is one region's value in an ASHE breakdown. Region is the ASHE region
// code (1 London ... 12 Northern Ireland, as /ashe/filters/all lists them).
type RegionPoint struct {
	Region int     `json:"region"`
	Value  float64 `json:"value"`
}

// RegionalEstimate is the latest year's ASHE breakdown by region.
type RegionalEstimate struct {
	SOC     int           `json:"soc"`
	Year    int           `json:"year"`
	Regions []RegionPoint `json:"regions"`
}

// EstimatePayByRegion returns weekly pay by ASHE region for the latest year that has a
// breakdown (breakdown=region).
func (c *Client) EstimatePayByRegion(ctx context.Context, code string) (RegionalEstimate, error) {
	n, err := socInt(code)
	if err != nil {
		return RegionalEstimate{}, err
	}
	var raw struct {
		SOC    int `json:"soc"`
		Series []struct {
			Year      int                          `json:"year"`
			Breakdown []map[string]json.RawMessage `json:"breakdown"`
		} `json:"series"`
	}
	q := url.Values{"soc": {strconv.Itoa(n)}, "breakdown": {"region"}}
	if err := c.get(ctx, "/ashe/estimatePay", q, &raw); err != nil {
		return RegionalEstimate{}, err
	}
	out := RegionalEstimate{SOC: raw.SOC}
	for _, s := range raw.Series {
		if s.Year < out.Year || len(s.Breakdown) == 0 {
			continue
		}
		var pts []RegionPoint
		for _, b := range s.Breakdown {
			var p RegionPoint
			if json.Unmarshal(b["region"], &p.Region) != nil || json.Unmarshal(b["estpay"], &p.Value) != nil {
				continue
			}
			pts = append(pts, p)
		}
		if len(pts) > 0 {
			out.Year, out.Regions = s.Year, pts
		}
	}
	sort.Slice(out.Regions, func(i, j int) bool { return out.Regions[i].Region < out.Regions[j].Region })
	return out, nil
}

// ReplacementDemand is Working Futures' count of job openings from people leaving the
// occupation over StartYear..EndYear (a count, not a rate, despite the field name).
type ReplacementDemand struct {
	SOC       int     `json:"soc"`
	StartYear int     `json:"start_year"`
	EndYear   int     `json:"end_year"`
	Openings  float64 `json:"rate"`
}

// Replacement returns replacement demand. Both documented shapes are accepted: the
// fields at the top level, or inside predictedEmployment[0].
func (c *Client) Replacement(ctx context.Context, code string) (ReplacementDemand, error) {
	n, err := socInt(code)
	if err != nil {
		return ReplacementDemand{}, err
	}
	var raw struct {
		ReplacementDemand
		Pred []ReplacementDemand `json:"predictedEmployment"`
	}
	if err := c.get(ctx, "/wf/replacement_demand", url.Values{"soc": {strconv.Itoa(n)}}, &raw); err != nil {
		return ReplacementDemand{}, err
	}
	out := raw.ReplacementDemand
	if out.EndYear == 0 && len(raw.Pred) > 0 {
		out = raw.Pred[0]
		out.SOC = raw.SOC
	}
	return out, nil
}

// BreakdownValue is one category's projected employment in a Working Futures breakdown.
type BreakdownValue struct {
	Code       int     `json:"code"`
	Name       string  `json:"name"`
	Employment float64 `json:"employment"`
}

// BreakdownYear is one year of a breakdown.
type BreakdownYear struct {
	Year   int              `json:"year"`
	Values []BreakdownValue `json:"breakdown"`
}

// PredictBreakdown returns Working Futures projections broken down by region,
// industry, status, gender or qualification.
func (c *Client) PredictBreakdown(ctx context.Context, code, dimension string, minYear, maxYear int) ([]BreakdownYear, error) {
	n, err := socInt(code)
	if err != nil {
		return nil, err
	}
	switch dimension {
	case "region", "industry", "status", "gender", "qualification":
	default:
		return nil, &APIError{Status: 400, URL: "/wf/predict/breakdown/" + dimension, Message: "unknown breakdown"}
	}
	q := url.Values{"soc": {strconv.Itoa(n)}}
	if minYear > 0 {
		q.Set("minYear", strconv.Itoa(minYear))
	}
	if maxYear > 0 {
		q.Set("maxYear", strconv.Itoa(maxYear))
	}
	var raw struct {
		Pred []BreakdownYear `json:"predictedEmployment"`
	}
	if err := c.get(ctx, "/wf/predict/breakdown/"+dimension, q, &raw); err != nil {
		return nil, err
	}
	sort.Slice(raw.Pred, func(i, j int) bool { return raw.Pred[i].Year < raw.Pred[j].Year })
	return raw.Pred, nil
}

// Unemployment returns the LFS unemployment rate (%) by year for people whose last
// job was in the SOC group. Suppressed years (null or 0) are left out.
func (c *Client) Unemployment(ctx context.Context, code string) ([]Point, error) {
	n, err := socInt(code)
	if err != nil {
		return nil, err
	}
	var raw struct {
		Years []struct {
			Year int      `json:"year"`
			Rate *float64 `json:"unemprate"`
		} `json:"years"`
	}
	if err := c.get(ctx, "/lfs/unemployment", url.Values{"soc": {strconv.Itoa(n)}}, &raw); err != nil {
		return nil, err
	}
	var out []Point
	for _, y := range raw.Years {
		if y.Rate != nil && *y.Rate > 0 {
			out = append(out, Point{Year: y.Year, Value: *y.Rate})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out, nil
}

// ONetCodes returns the O*NET-SOC codes LMI for All maps a SOC 2010 group to.
func (c *Client) ONetCodes(ctx context.Context, code string) ([]string, error) {
	n, err := socInt(code)
	if err != nil {
		return nil, err
	}
	var raw struct {
		Codes []struct {
			Code string `json:"code"`
		} `json:"onetCodes"`
	}
	if err := c.get(ctx, "/o-net/soc2onet/"+strconv.Itoa(n), nil, &raw); err != nil {
		return nil, err
	}
	var out []string
	for _, c := range raw.Codes {
		if c.Code != "" {
			out = append(out, c.Code)
		}
	}
	return out, nil
}

// ONetItem is one O*NET skill, ability or interest with its value on a scale.
type ONetItem struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// ONet returns one scale of an O*NET descriptor for an O*NET-SOC code, highest value
// first: kind is "skills", "abilities" or "interests"; scale "LV", "IM" or "OI".
func (c *Client) ONet(ctx context.Context, kind, onetCode, scale string) ([]ONetItem, error) {
	switch kind {
	case "skills", "abilities", "interests":
	default:
		return nil, &APIError{Status: 400, URL: "/o-net/" + kind, Message: "unknown O*NET descriptor"}
	}
	onetCode = strings.TrimSpace(onetCode)
	if onetCode == "" || strings.ContainsAny(onetCode, "/?#") {
		return nil, &APIError{Status: 400, URL: "/o-net/" + kind, Message: "bad O*NET code"}
	}
	var raw struct {
		Scales []map[string]json.RawMessage `json:"scales"`
	}
	if err := c.get(ctx, "/o-net/"+kind+"/"+url.PathEscape(onetCode), nil, &raw); err != nil {
		return nil, err
	}
	for _, s := range raw.Scales {
		var id string
		if json.Unmarshal(s["id"], &id) != nil || id != scale {
			continue
		}
		var items []ONetItem
		if err := json.Unmarshal(s[kind], &items); err != nil {
			return nil, &APIError{Status: 200, URL: "/o-net/" + kind, Message: "bad " + kind + " list: " + err.Error()}
		}
		sort.SliceStable(items, func(i, j int) bool { return items[i].Value > items[j].Value })
		return items, nil
	}
	return nil, nil
}

// Vacancy is one live job advert from the vacancies feed.
type Vacancy struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Company string `json:"company"`
	Link    string `json:"link,omitempty"`
	Active  struct {
		Start   string `json:"start"`
		End     string `json:"end"`
		Updated string `json:"updated,omitempty"`
	} `json:"activedate"`
	Location struct {
		Location string `json:"location,omitempty"`
		City     string `json:"city"`
		Area     string `json:"area"`
		Postcode string `json:"postcode"`
		Country  string `json:"country"`
	} `json:"location"`
}

// Vacancies searches live vacancies by keywords near a location (a town or postcode).
func (c *Client) Vacancies(ctx context.Context, keywords, location string, limit int) ([]Vacancy, error) {
	q := url.Values{"keywords": {strings.TrimSpace(keywords)}}
	if location != "" {
		q.Set("location", location)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out []Vacancy
	if err := c.get(ctx, "/vacancies/search", q, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Coding is one value of an ASHE filter.
type Coding struct {
	Name  string `json:"name"`
	Value int    `json:"value"`
}

// Filter is an ASHE filter with its codings.
type Filter struct {
	Name    string   `json:"name"`
	Codings []Coding `json:"codings"`
}

// ASHEFilters returns the ASHE filters and their codings (region codes and so on).
func (c *Client) ASHEFilters(ctx context.Context) ([]Filter, error) {
	var out []Filter
	if err := c.get(ctx, "/ashe/filters/all", nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}
