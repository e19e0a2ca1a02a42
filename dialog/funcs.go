package dialog

import (
	"strings"
	"text/template"

	"github.com/careersbot/careersbot/lmi"
)

// viewFuncs are the View's formatting methods as template functions taking the view
// first ({{annual $ .Pay.AnnualFullTime.Median}} is {{$.Annual ...}}). Functions are
// looked up once, when templates are parsed; methods are looked up by reflection on
// every call, which costs more than the rest of a reply.
var viewFuncs = template.FuncMap{
	"has":       func(v *View, f lmi.Figure) bool { return v.Has(f) },
	"src":       func(v *View, f lmi.Figure) string { return v.Src(f) },
	"srcNew":    func(v *View, f lmi.Figure) string { return v.SrcNew(f) },
	"srcID":     func(v *View, id, year string) string { return v.SrcOnce(id, year) },
	"useSource": func(v *View, id string) string { return v.UseSource(id) },
	"list":      func(v *View, items []string) string { return v.List(items) },
	"negative":  func(f lmi.Figure) bool { return !f.Missing && f.Value < 0 },
	"absFigure": func(f lmi.Figure) lmi.Figure {
		if f.Value < 0 {
			f.Value = -f.Value
		}
		return f
	},
	"lowerTitle":   func(s string) string { return lowerWords(strings.TrimSuffix(s, " n.e.c.")) },
	"a":            article,
	"join":         joinList,
	"money":        func(v *View, f lmi.Figure) string { return v.Money(f) },
	"annual":       func(v *View, f lmi.Figure) string { return v.Annual(f) },
	"weekly":       func(v *View, f lmi.Figure) string { return v.Weekly(f) },
	"hourly":       func(v *View, f lmi.Figure) string { return v.Hourly(f) },
	"hours":        func(v *View, f lmi.Figure) string { return v.Hours(f) },
	"jobs":         func(v *View, f lmi.Figure) string { return v.Jobs(f) },
	"count":        func(v *View, f lmi.Figure) string { return v.Count(f) },
	"percent":      func(v *View, f lmi.Figure) string { return v.Percent(f) },
	"noFigure":     func(v *View, f lmi.Figure) string { return v.NoFigure(f) },
	"caveats":      func(v *View, f lmi.Figure) string { return v.Caveats(f) },
	"explain":      func(v *View, term string) string { return v.Explain(term) },
	"change":       func(v *View, o *lmi.Outlook) string { return v.Change(o) },
	"growing":      func(v *View, o *lmi.Outlook) bool { return v.Growing(o) },
	"lower":        func(v *View, s string) string { return v.Lower(s) },
	"cap":          func(v *View, s string) string { return v.Cap(s) },
	"monthName":    func(v *View, ym string) string { return v.MonthName(ym) },
	"routes":       func(v *View, o *OccView) []string { return v.Routes(o) },
	"quals":        func(v *View, o *OccView) []string { return v.Quals(o) },
	"registration": func(v *View, o *OccView) []string { return v.Registration(o) },
	"requirements": func(v *View, o *OccView) []string { return v.Requirements(o) },
	"skills":       func(v *View, o *OccView, n int) []string { return v.Skills(o, n) },
	"related":      func(v *View, o *OccView, n int) []string { return v.Related(o, n) },
	"hasRoutes":    func(v *View, o *OccView) bool { return v.HasRoutes(o) },
	"entryFacts":   func(v *View, o *OccView) EntryView { return v.EntryFacts(o) },
	"entrySrc":     func(v *View, o *OccView) string { return v.EntrySrc(o) },
	"workType":     func(v *View, o *OccView) string { return v.WorkType(o) },
	"knows":        func(v *View, o *OccView, n int) []string { return v.Knows(o, n) },
	"askedPay":     func(v *View, o *OccView) string { return v.AskedPay(o) },
	"everyday":     func(v *View, o *OccView, n int) []string { return v.Everyday(o, n) },
}
