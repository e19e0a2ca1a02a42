package lmiapi

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/careersbot/careersbot/lmi"
)

func (a *API) code(r *http.Request) (string, error) {
	c := strings.TrimSpace(r.PathValue("code"))
	if !validCode(c) {
		return "", badRequest("an occupation code is a 4-digit SOC 2020 unit group, e.g. 5241")
	}
	return c, nil
}

func (a *API) occ(r *http.Request) (*lmi.Occupation, error) {
	c, err := a.code(r)
	if err != nil {
		return nil, err
	}
	o, err := a.st.Occupation(r.Context(), c)
	if err != nil {
		return nil, err
	}
	return o, nil
}

// OccupationRef names a unit group in lists.
type OccupationRef struct {
	SOC2020       string `json:"soc2020"`
	Title         string `json:"title"`
	SubMajorGroup string `json:"sub_major_group"`
	Href          string `json:"href"`
}

// SearchResult is /lmi/v1/occupations?q=.
type SearchResult struct {
	Query   string      `json:"query"`
	Results []lmi.Match `json:"results"`
}

func (a *API) search(r *http.Request) (any, error) {
	q := r.URL.Query()
	text := strings.TrimSpace(q.Get("q"))
	if !q.Has("q") {
		occs, err := a.st.Occupations(r.Context())
		if err != nil {
			return nil, err
		}
		out := make([]OccupationRef, 0, len(occs))
		for _, o := range occs {
			out = append(out, OccupationRef{SOC2020: o.SOC2020, Title: o.Title, SubMajorGroup: o.SubMajorGroup, Href: "/lmi/v1/occupations/" + o.SOC2020})
		}
		return map[string]any{"occupations": out}, nil
	}
	if text == "" {
		return nil, badRequest("q is empty: give a job title to search for")
	}
	if len(text) > 200 {
		return nil, badRequest("q is longer than 200 characters")
	}
	limit := 10
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 50 {
			return nil, badRequest("limit must be 1 to 50")
		}
		limit = n
	}
	ms, err := a.st.SearchOccupations(r.Context(), text, limit)
	if err != nil {
		return nil, err
	}
	if ms == nil {
		ms = []lmi.Match{}
	}
	return SearchResult{Query: text, Results: ms}, nil
}

// OccupationDoc is /lmi/v1/occupations/{code}.
type OccupationDoc struct {
	SOC2020            string                `json:"soc2020"`
	SOC2010            []string              `json:"soc2010"`
	Title              string                `json:"title"`
	MinorGroup         string                `json:"minor_group"`
	MinorGroupTitle    string                `json:"minor_group_title"`
	SubMajorGroup      string                `json:"sub_major_group"`
	SubMajorGroupTitle string                `json:"sub_major_group_title"`
	MajorGroup         string                `json:"major_group"`
	MajorGroupTitle    string                `json:"major_group_title"`
	RelatedTitles      []string              `json:"related_titles"`
	MedianAnnualPay    lmi.Figure            `json:"median_annual_pay_full_time"`
	MedianWeeklyHours  lmi.Figure            `json:"median_weekly_paid_hours_full_time"`
	Description        string                `json:"description,omitempty"` // ONS text, when loaded
	DescriptionSource  string                `json:"description_source,omitempty"`
	Links              map[string]string     `json:"links"`
	Sources            map[string]lmi.Source `json:"sources"`
}

func (a *API) occupation(r *http.Request) (any, error) {
	o, err := a.occ(r)
	if err != nil {
		return nil, err
	}
	base := "/lmi/v1/occupations/" + o.SOC2020
	d := OccupationDoc{SOC2020: o.SOC2020, SOC2010: nonNil(o.SOC2010), Title: o.Title,
		MinorGroup: o.MinorGroup, MinorGroupTitle: o.MinorGroupTitle, SubMajorGroup: o.SubMajorGroup,
		SubMajorGroupTitle: o.SubMajorGroupTitle, MajorGroup: o.MajorGroup, MajorGroupTitle: o.MajorGroupTitle,
		RelatedTitles: nonNil(o.RelatedTitles), MedianAnnualPay: o.Pay.AnnualFullTime.Median, MedianWeeklyHours: o.Pay.PaidHoursFullTime.Median,
		Links: map[string]string{"pay": base + "/pay", "outlook": base + "/outlook", "adverts": base + "/adverts", "entry": base + "/entry", "soc2010": base + "/soc2010"}}
	ids := []string{d.MedianAnnualPay.SourceID, d.MedianWeeklyHours.SourceID}
	if o.Texts != nil && o.Texts.Description != "" {
		d.Description, d.DescriptionSource = o.Texts.Description, o.Texts.SourceID
		ids = append(ids, o.Texts.SourceID)
	}
	d.Sources = a.sourcesOf(ids...)
	return d, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// PayDoc is /lmi/v1/occupations/{code}/pay.
type PayDoc struct {
	SOC2020  string                `json:"soc2020"`
	Title    string                `json:"title"`
	Pay      *lmi.Pay              `json:"pay,omitempty"`
	Regional []lmi.RegionalPay     `json:"regional"`
	Sources  map[string]lmi.Source `json:"sources"`
}

func (a *API) pay(r *http.Request) (any, error) {
	o, err := a.occ(r)
	if err != nil {
		return nil, err
	}
	d := PayDoc{SOC2020: o.SOC2020, Title: o.Title, Pay: &o.Pay, Regional: o.RegionalPay}
	if region := strings.TrimSpace(r.URL.Query().Get("region")); region != "" {
		rp, err := a.regional(r, o, region)
		if err != nil {
			return nil, err
		}
		d.Regional = []lmi.RegionalPay{rp}
	}
	if d.Regional == nil {
		d.Regional = []lmi.RegionalPay{}
	}
	d.Sources = a.sourcesOf(figureSources(d)...)
	return d, nil
}

func (a *API) regional(r *http.Request, o *lmi.Occupation, region string) (lmi.RegionalPay, error) {
	regs, err := a.st.Regions(r.Context())
	if err != nil {
		return lmi.RegionalPay{}, err
	}
	name := ""
	for _, rg := range regs {
		if strings.EqualFold(rg.Name, region) || strings.EqualFold(rg.Code, region) {
			name = rg.Name
		}
	}
	if name == "" {
		if pm, err := a.st.ResolvePlace(r.Context(), region); err == nil && !pm.Ambiguous {
			name = pm.Region.Name
		}
	}
	if name == "" {
		return lmi.RegionalPay{}, notFound("no UK region or place called " + strconv.Quote(region))
	}
	for _, rp := range o.RegionalPay {
		if rp.Region == name {
			return rp, nil
		}
	}
	if l, ok := a.st.(lmi.LocalLMI); ok {
		return l.RegionalMedian(r.Context(), o.SOC2020, name)
	}
	return lmi.RegionalPay{}, notFound("no regional pay for " + o.SOC2020 + " in " + name)
}

// place resolves the ?place= parameter ("" gives a zero PlaceMatch).
func (a *API) place(r *http.Request) (lmi.PlaceMatch, error) {
	p := strings.TrimSpace(r.URL.Query().Get("place"))
	if p == "" {
		return lmi.PlaceMatch{}, nil
	}
	pm, err := a.st.ResolvePlace(r.Context(), p)
	if err != nil {
		return lmi.PlaceMatch{}, notFound("no UK place called " + strconv.Quote(p))
	}
	if pm.Ambiguous {
		if len(pm.Choices) > 0 {
			var names []string
			for _, c := range pm.Choices {
				names = append(names, c.Text+" ("+c.District+")")
			}
			return lmi.PlaceMatch{}, badRequest(strconv.Quote(p) + " is more than one place: " + strings.Join(names, ", ") + "; give one of them or its postcode district")
		}
		return lmi.PlaceMatch{}, badRequest(strconv.Quote(p) + " could be several regions: name one, or give a town or postcode district")
	}
	return pm, nil
}

// occAndPlace reads the unit group of the path and the optional ?place= of a
// local figure (outlook, adverts); local is non-nil when a place was given and the
// store has local figures.
func (a *API) occAndPlace(r *http.Request) (o *lmi.Occupation, pm *lmi.PlaceMatch, local lmi.LocalLMI, err error) {
	if o, err = a.occ(r); err != nil {
		return nil, nil, nil, err
	}
	p, err := a.place(r)
	if err != nil || p.Kind == "" {
		return o, nil, nil, err
	}
	local, _ = a.st.(lmi.LocalLMI)
	return o, &p, local, nil
}

// OutlookDoc is /lmi/v1/occupations/{code}/outlook.
type OutlookDoc struct {
	SOC2020 string                `json:"soc2020"`
	Title   string                `json:"title"`
	Outlook *lmi.Outlook          `json:"outlook"`
	Local   *lmi.Outlook          `json:"local,omitempty"`
	Place   *lmi.PlaceMatch       `json:"place,omitempty"`
	Sources map[string]lmi.Source `json:"sources"`
}

func (a *API) outlook(r *http.Request) (any, error) {
	o, pm, local, err := a.occAndPlace(r)
	if err != nil {
		return nil, err
	}
	d := OutlookDoc{SOC2020: o.SOC2020, Title: o.Title, Outlook: o.Outlook, Place: pm}
	if local != nil {
		if lo, err := local.OutlookForPlace(r.Context(), o.SOC2020, *pm); err == nil {
			d.Local = lo
		}
	}
	d.Sources = a.sourcesOf(figureSources(d)...)
	return d, nil
}

// AdvertsDoc is /lmi/v1/occupations/{code}/adverts.
type AdvertsDoc struct {
	SOC2020 string                `json:"soc2020"`
	Title   string                `json:"title"`
	Demand  *lmi.Demand           `json:"england"`
	Near    *lmi.AdvertCounts     `json:"near,omitempty"`
	Place   *lmi.PlaceMatch       `json:"place,omitempty"`
	Sources map[string]lmi.Source `json:"sources"`
}

func (a *API) adverts(r *http.Request) (any, error) {
	o, pm, local, err := a.occAndPlace(r)
	if err != nil {
		return nil, err
	}
	d := AdvertsDoc{SOC2020: o.SOC2020, Title: o.Title, Demand: o.Demand, Place: pm}
	if local != nil {
		ac, err := local.Adverts(r.Context(), o.SOC2020, *pm)
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		d.Near = ac
	}
	d.Sources = a.sourcesOf(figureSources(d)...)
	return d, nil
}

// EntryDoc is /lmi/v1/occupations/{code}/entry.
type EntryDoc struct {
	SOC2020     string                `json:"soc2020"`
	Title       string                `json:"title"`
	Entry       lmi.Entry             `json:"entry"`
	EntryRoutes string                `json:"entry_routes_text,omitempty"` // ONS text, when loaded
	Sources     map[string]lmi.Source `json:"sources"`
}

func (a *API) entry(r *http.Request) (any, error) {
	o, err := a.occ(r)
	if err != nil {
		return nil, err
	}
	d := EntryDoc{SOC2020: o.SOC2020, Title: o.Title, Entry: o.Entry}
	ids := []string{o.Entry.SourceID}
	if o.Texts != nil && o.Texts.EntryRoutes != "" {
		d.EntryRoutes = o.Texts.EntryRoutes
		ids = append(ids, o.Texts.SourceID)
	}
	d.Sources = a.sourcesOf(ids...)
	return d, nil
}

func (a *API) soc2010(r *http.Request) (any, error) {
	c, err := a.code(r)
	if err != nil {
		return nil, err
	}
	m, ok := a.st.(lmi.SOCMapper)
	if !ok {
		return nil, notFound("this store has no SOC 2010 links")
	}
	ls, err := m.SOC2010For(r.Context(), c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"soc2020": c, "soc2010": ls, "sources": a.sourcesOf("soc_relationship")}, nil
}

func (a *API) places(r *http.Request) (any, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return nil, badRequest("q is empty: give a place, town or postcode district")
	}
	if len(q) > 100 {
		return nil, badRequest("q is longer than 100 characters")
	}
	pm, err := a.st.ResolvePlace(r.Context(), q)
	if err != nil {
		return nil, err
	}
	return map[string]any{"query": q, "place": pm, "sources": a.sourcesOf("places")}, nil
}

func (a *API) regions(r *http.Request) (any, error) {
	rs, err := a.st.Regions(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"regions": rs, "sources": a.sourcesOf("places")}, nil
}

func (a *API) sources(r *http.Request) (any, error) {
	ss, err := a.st.Sources(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"sources": ss}, nil
}
