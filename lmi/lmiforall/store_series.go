package lmiforall

import (
	"context"
	"sort"
	"strconv"

	"github.com/careersbot/careersbot/lmi"
)

// The series below have no place in lmi.Occupation (its outlook is Skills Imperative
// 2035, its adverts are ONS counts); the Store offers them keyed by SOC 2020, each
// figure labelled with its source, year and the SOC 2010 split caveat.

// YearFigure is one year of a series.
type YearFigure struct {
	Year   string     `json:"year"`
	Figure lmi.Figure `json:"figure"`
}

// WFProjection is Working Futures' employment projection for the unit group's SOC 2010
// group, with replacement demand (openings from people leaving) over its years.
type WFProjection struct {
	SOC2020     string       `json:"soc2020"`
	SOC2010     string       `json:"soc2010"`
	Employment  []YearFigure `json:"employment"`
	Replacement *lmi.Figure  `json:"replacement_demand,omitempty"`
	Period      string       `json:"replacement_period,omitempty"` // "2021-2027"
}

// Projection returns the Working Futures projection (ErrNotFound-wrapped when none).
func (s *Store) Projection(ctx context.Context, soc2020 string) (*WFProjection, error) {
	l, err := s.link(ctx, soc2020)
	if err != nil {
		return nil, err
	}
	p, err := s.c.Predict(ctx, l.SOC2010, 0, 0)
	if err != nil {
		return nil, err
	}
	cav := figureCaveats(l, "a projection from past trends, not a forecast; it may not reflect changes since it was made", "people employed, UK")
	out := &WFProjection{SOC2020: soc2020, SOC2010: l.SOC2010}
	for _, y := range p.Years {
		yr := strconv.Itoa(y.Year)
		out.Employment = append(out.Employment, YearFigure{Year: yr, Figure: lmi.Figure{Value: y.Value, Estimate: true, SourceID: SourceWF, Year: yr, Caveats: cav}})
	}
	if rd, err := s.c.Replacement(ctx, l.SOC2010); err == nil && rd.EndYear > 0 {
		per := strconv.Itoa(rd.StartYear) + "-" + strconv.Itoa(rd.EndYear)
		out.Replacement = &lmi.Figure{Value: rd.Openings, Estimate: true, SourceID: SourceWF, Year: per,
			Caveats: append(append([]string{}, cav...), "job openings from people leaving or retiring over "+per)}
		out.Period = per
	} else if err != nil && !gone(err) {
		return nil, err
	}
	return out, nil
}

// Unemployment returns the LFS unemployment rate (%) by year.
func (s *Store) Unemployment(ctx context.Context, soc2020 string) ([]YearFigure, error) {
	l, err := s.link(ctx, soc2020)
	if err != nil {
		return nil, err
	}
	pts, err := s.c.Unemployment(ctx, l.SOC2010)
	if err != nil {
		return nil, err
	}
	cav := figureCaveats(l, "people whose last job was in this group", "a survey estimate")
	var out []YearFigure
	for _, p := range pts {
		yr := strconv.Itoa(p.Year)
		out = append(out, YearFigure{Year: yr, Figure: lmi.Figure{Value: p.Value, SourceID: SourceLFS, Year: yr, Caveats: cav}})
	}
	return out, nil
}

// CourseShare is one degree subject and the share of graduates entering the group.
type CourseShare struct {
	Subject string     `json:"subject"`
	Percent lmi.Figure `json:"percent"`
}

// Courses returns the latest year's HESA subjects (at least minPercent %).
func (s *Store) Courses(ctx context.Context, soc2020 string, minPercent float64) ([]CourseShare, error) {
	l, err := s.link(ctx, soc2020)
	if err != nil {
		return nil, err
	}
	years, err := s.c.HESACourses(ctx, l.SOC2010)
	if err != nil || len(years) == 0 {
		return nil, err
	}
	last := years[len(years)-1]
	cav := figureCaveats(l, "subjects studied by graduates who went into this work", "academic year "+last.Year)
	var out []CourseShare
	for _, c := range last.Courses {
		if c.Percentage >= minPercent {
			out = append(out, CourseShare{Subject: c.Name, Percent: lmi.Figure{Value: c.Percentage, SourceID: SourceHESA, Year: last.Year, Caveats: cav}})
		}
	}
	return out, nil
}

// ONet returns an O*NET descriptor for the group's first O*NET code, highest first:
// kind "skills" (level scale, 0-7), "abilities" (level) or "interests" (RIASEC, 1-7).
func (s *Store) ONet(ctx context.Context, soc2020, kind string) ([]lmi.Skill, error) {
	scale := map[string]string{"skills": "LV", "abilities": "LV", "interests": "OI"}[kind]
	if scale == "" {
		return nil, &APIError{Status: 400, URL: "/o-net/" + kind, Message: "unknown O*NET descriptor"}
	}
	l, err := s.link(ctx, soc2020)
	if err != nil {
		return nil, err
	}
	codes, err := s.c.ONetCodes(ctx, l.SOC2010)
	if err != nil || len(codes) == 0 {
		return nil, err
	}
	items, err := s.c.ONet(ctx, kind, codes[0], scale)
	if err != nil {
		return nil, err
	}
	out := make([]lmi.Skill, 0, len(items))
	for _, it := range items {
		out = append(out, lmi.Skill{Name: it.Name, Importance: it.Value})
	}
	return out, nil
}

// Skills returns O*NET skills (level scale, 0-7), highest first.
func (s *Store) Skills(ctx context.Context, soc2020 string) ([]lmi.Skill, error) {
	return s.ONet(ctx, soc2020, "skills")
}

// Share is one category's projected employment in a breakdown year.
type Share struct {
	Code   int        `json:"code"`
	Name   string     `json:"name"`
	Figure lmi.Figure `json:"employment"`
}

// ProjectionBreakdown returns Working Futures employment by region, industry,
// status, gender or qualification for each projected year, largest first.
func (s *Store) ProjectionBreakdown(ctx context.Context, soc2020, dimension string) (map[string][]Share, error) {
	l, err := s.link(ctx, soc2020)
	if err != nil {
		return nil, err
	}
	years, err := s.c.PredictBreakdown(ctx, l.SOC2010, dimension, 0, 0)
	if err != nil {
		return nil, err
	}
	cav := figureCaveats(l, "a projection from past trends, not a forecast", "people employed, by "+dimension)
	out := map[string][]Share{}
	for _, y := range years {
		yr := strconv.Itoa(y.Year)
		var row []Share
		for _, v := range y.Values {
			row = append(row, Share{Code: v.Code, Name: v.Name, Figure: lmi.Figure{Value: v.Employment, Estimate: true, SourceID: SourceWF, Year: yr, Caveats: cav}})
		}
		sort.SliceStable(row, func(i, j int) bool { return row[i].Figure.Value > row[j].Figure.Value })
		out[yr] = row
	}
	return out, nil
}

// Vacancies searches live vacancies for the unit group's title near a place.
func (s *Store) Vacancies(ctx context.Context, soc2020 string, place lmi.PlaceMatch, limit int) ([]Vacancy, error) {
	o, err := s.cat.Occupation(ctx, soc2020)
	if err != nil {
		return nil, err
	}
	loc := place.District
	if loc == "" {
		loc = place.Area
	}
	if loc == "" {
		loc = place.Region.Name
	}
	return s.c.Vacancies(ctx, o.Title, loc, limit)
}
