package dialog

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"text/template"

	"github.com/careersbot/careersbot/lmi"
)

// dryRun executes every template at every depth against two sample views (one with
// every kind of data, one with none), so a template that names a field or method the
// view does not have fails at load, with its file, line and column, not in front of
// a young person.
func dryRun(t *template.Template) []Diagnostic {
	var diags []Diagnostic
	seen := map[string]bool{}
	for _, tm := range t.Templates() {
		name := tm.Name()
		if tm.Tree == nil || tm.Tree.Root == nil || strings.HasPrefix(name, "embedded:") || strings.Contains(name, "/") || strings.HasSuffix(name, ".tmpl") {
			continue // file wrappers hold only definitions
		}
		for _, depth := range allDepths {
			for _, full := range []bool{true, false} {
				v := sampleView(depth, full)
				var buf bytes.Buffer
				if err := tm.Execute(&buf, v); err != nil {
					d := execDiag(err)
					key := d.String()
					if !seen[key] {
						seen[key] = true
						diags = append(diags, d)
					}
				}
			}
		}
	}
	return diags
}

// execDiag turns `template: FILE:LINE:COL: executing "NAME" at <...>: message` into a
// Diagnostic.
func execDiag(err error) Diagnostic {
	msg := err.Error()
	var ee template.ExecError
	if errors.As(err, &ee) {
		msg = ee.Err.Error()
	}
	d := Diagnostic{Message: msg}
	rest := strings.TrimPrefix(msg, "template: ")
	// FILE may itself contain ':' (embedded:templates/x.tmpl); the position is the
	// first ":N:N:" group after the file extension.
	if i := strings.Index(rest, ".tmpl:"); i >= 0 {
		d.File = rest[:i+5]
		var line, col int
		if n, _ := fmt.Sscanf(rest[i+6:], "%d:%d:", &line, &col); n == 2 {
			d.Line, d.Column = line, col
		}
		if j := strings.Index(rest[i+6:], ": "); j >= 0 {
			d.Message = rest[i+6+j+2:]
		}
	}
	if d.File == "" {
		d.File = "templates"
	}
	return d
}

func sampleFigure(v float64) lmi.Figure {
	return lmi.Figure{Value: v, SourceID: "sample", Year: "2025", Caveats: []string{"sample"}}
}

func sampleView(depth string, full bool) *View {
	v := &View{Depth: depth, Intent: IntentPay, Category: "bullying", Feedback: "yes", Said: "nurse"}
	v.setDepth(depth)
	if !full {
		return v
	}
	f := sampleFigure(30000)
	dist := lmi.Distribution{Median: f, Mean: f, P10: f, P25: f, P75: f, P90: f}
	pay := lmi.Pay{AnnualFullTime: dist, AnnualAll: dist, WeeklyFullTime: dist, HourlyFullTime: dist,
		HourlyAll: dist, PaidHoursFullTime: dist, PaidHoursAll: dist}
	ol := &lmi.Outlook{Area: "England", SubMajorGroup: "22", SubMajorGroupTitle: "Health professionals",
		Employment2020K: sampleFigure(100), Employment2035K: sampleFigure(120), NetChangeK: sampleFigure(20),
		ReplacementK: sampleFigure(50), TotalRequirementK: sampleFigure(70)}
	o := &lmi.Occupation{
		SOC2020: "2237", SOC2010: []string{"2231"}, Title: "Nurses", MinorGroupTitle: "Nursing",
		SubMajorGroup: "22", SubMajorGroupTitle: "Health professionals", MajorGroupTitle: "Professional occupations",
		RelatedTitles: []string{"Nurse"}, Pay: pay, Outlook: ol,
		Demand:  &lmi.Demand{Month: "2025-11", Adverts3mAvg: sampleFigure(100), GrowthPct: sampleFigure(5), Per100Employed: sampleFigure(3)},
		Profile: &lmi.Profile{Skills: []lmi.Skill{{Name: "Speaking", Importance: 4}}, SourceID: "sample"},
		Entry: lmi.Entry{Routes: []string{"degree", "apprenticeship"}, ApprenticeshipLevels: []int{6},
			Qualifications: []string{"degree", "nvq"}, NVQLevels: []int{3}, Registration: []string{"professional_body", "dbs_check"},
			Bodies: []string{"NMC"}, Requirements: []string{"fitness"}, SourceID: "sample"},
		Texts: &lmi.Texts{Description: "sample", EntryRoutes: "sample", Tasks: []string{"sample"}, SourceID: "sample"},
	}
	ov := newOccView(o)
	ov.Name, ov.Said = "nurse", "nurse"
	ov.Regional = &lmi.RegionalPay{Region: "London", Median: sampleFigure(35000), Basis: "sub-major group 22"}
	ov.Adverts = &lmi.AdvertCounts{Month: "2025-07", SubMajorGroup: "22", SubMajorGroupTitle: "Health professionals",
		LocalArea: "Leeds", Local: sampleFigure(10), England: sampleFigure(100)}
	ov.LocalOutlook = ol
	v.Occs = []*OccView{ov, ov}
	v.Occ = ov
	v.Region, v.Country, v.England, v.RegionInMsg, v.NearMe = "London", "England", true, true, true
	v.Place, v.ProfileRegion = "Camden", "London"
	v.Options = []string{"Nurses", "Nursing assistants"}
	v.Best = []BestView{{SOC2020: "1111", SOC2010: "1115", Title: "Chief executives", Median: sampleFigure(90000), Rank: 1}}
	v.Suggestions = []SuggestionView{{SOC2020: "2240", SOC2010: "2216", Title: "Vets", Because: []string{"you said you like animals"},
		Why: "you said you like animals", First: "you said you like animals", More: "works with animals"}}
	v.Interests = []string{"animals"}
	v.NoDegree = true
	return v
}
