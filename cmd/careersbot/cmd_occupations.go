package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/careersbot/careersbot/dialog"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/careersbot/careersbot/lmi"
)

// lmiArgs pre-scans args for --json, --limit N and --soc-volume1 PATH anywhere (the
// scorer calls `occupations search --json --limit 1 QUERY`), and returns the rest.
type lmiArgs struct {
	json    bool
	limit   int
	volume1 string
	rest    []string
}

func scanLMIArgs(args []string, defLimit int) (lmiArgs, error) {
	a := lmiArgs{limit: defLimit, volume1: "auto"}
	for i := 0; i < len(args); i++ {
		s := args[i]
		name, val, hasVal := strings.Cut(strings.TrimLeft(s, "-"), "=")
		isFlag := strings.HasPrefix(s, "-") && len(s) > 1 && s != "--"
		switch {
		case s == "--":
			a.rest = append(a.rest, args[i+1:]...)
			return a, nil
		case isFlag && name == "json":
			a.json = true
		case isFlag && (name == "limit" || name == "soc-volume1"):
			if !hasVal {
				if i+1 >= len(args) {
					return a, usageError{"flag --" + name + " needs a value"}
				}
				i++
				val = args[i]
			}
			if name == "limit" {
				n, err := strconv.Atoi(val)
				if err != nil || n < 1 || n > 1000 {
					return a, usageError{fmt.Sprintf("--limit %q: want a number from 1 to 1000", val)}
				}
				a.limit = n
			} else {
				a.volume1 = val
			}
		case isFlag && (name == "h" || name == "help"):
			return a, flag.ErrHelp
		case isFlag:
			return a, usageError{fmt.Sprintf("unknown flag %s", s)}
		default:
			a.rest = append(a.rest, s)
		}
	}
	return a, nil
}

// openLMI loads the embedded store and, when present, the ONS Volume 1 texts.
func openLMI(volume1 string, stderr io.Writer) (*lmi.Embedded, error) {
	st, err := lmi.LoadEmbedded()
	if err != nil {
		return nil, err
	}
	switch volume1 {
	case "", "none":
	case "auto":
		if _, err := os.Stat(lmi.DefaultVolume1Path); err == nil {
			if _, err := st.LoadTexts(lmi.DefaultVolume1Path); err != nil {
				fmt.Fprintf(stderr, "warning: %v\n", err)
			}
		}
	default:
		if _, err := st.LoadTexts(volume1); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// runOccupations implements `careersbot occupations search|show`.
func runOccupations(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	const usage = "usage: careersbot occupations search [--json] [--limit N] QUERY...\n       careersbot occupations show [--json] [--soc-volume1 PATH] CODE"
	if len(args) == 0 {
		return usageError{usage}
	}
	sub := args[0]
	a, err := scanLMIArgs(args[1:], 10)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	if err != nil {
		return err
	}
	switch sub {
	case "search":
		q := strings.TrimSpace(strings.Join(a.rest, " "))
		if q == "" {
			return usageError{"occupations search: give a job title to search for"}
		}
		st, err := lmi.LoadEmbedded()
		if err != nil {
			return err
		}
		ms, err := st.SearchOccupations(ctx, q, a.limit)
		if err != nil {
			return err
		}
		if a.json {
			type row struct {
				SOC2020 string  `json:"soc2020"`
				SOC2010 string  `json:"soc2010"`
				Title   string  `json:"title"`
				Score   float64 `json:"score"`
				Matched string  `json:"matched,omitempty"`
			}
			rows := make([]row, 0, len(ms))
			for _, m := range ms {
				rows = append(rows, row{m.SOC2020, m.SOC2010, m.Title, m.Score, m.Matched})
			}
			return writeJSON(stdout, rows)
		}
		if len(ms) == 0 {
			fmt.Fprintf(stdout, "no occupation found for %q\n", q)
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SOC2020\tSOC2010\tSCORE\tTITLE\tMATCHED")
		for _, m := range ms {
			fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\t%s\n", m.SOC2020, m.SOC2010, m.Score, m.Title, m.Matched)
		}
		return tw.Flush()
	case "show":
		if len(a.rest) != 1 {
			return usageError{"occupations show: give one SOC 2020 code, e.g. 5241"}
		}
		st, err := openLMI(a.volume1, stderr)
		if err != nil {
			return err
		}
		code := a.rest[0]
		o, err := st.Occupation(ctx, code)
		if errors.Is(err, lmi.ErrNotFound) {
			// accept a job title too
			if ms, _ := st.SearchOccupations(ctx, code, 1); len(ms) > 0 {
				o, err = st.Occupation(ctx, ms[0].SOC2020)
			}
		}
		if err != nil {
			return err
		}
		srcs, _ := st.Sources(ctx)
		if a.json {
			return writeJSON(stdout, struct {
				*lmi.Occupation
				Sources []lmi.Source `json:"sources"`
			}{o, srcs})
		}
		return printOccupation(stdout, o, srcs)
	default:
		return usageError{usage}
	}
}

func fig(f lmi.Figure, unit string) string {
	if f.Missing {
		return "not published"
	}
	var v string
	switch unit {
	case "£":
		v = "£" + dialog.Commas(f.Value)
	case "£.2":
		v = fmt.Sprintf("£%.2f", f.Value)
	case "h":
		v = fmt.Sprintf("%.1f hours", f.Value)
	case "%":
		v = fmt.Sprintf("%+.1f%%", f.Value)
	default:
		v = strconv.FormatFloat(f.Value, 'f', 1, 64)
	}
	s := fmt.Sprintf("%s (%s %s", v, f.SourceID, f.Year)
	if f.Estimate {
		s += ", estimate"
	}
	return s + ")"
}

func printOccupation(w io.Writer, o *lmi.Occupation, srcs []lmi.Source) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("%s %s", o.SOC2020, o.Title)
	p("  SOC 2010: %s", strings.Join(o.SOC2010, ", "))
	p("  group: %s %s > %s %s > %s %s", o.MajorGroup, o.MajorGroupTitle, o.SubMajorGroup, o.SubMajorGroupTitle, o.MinorGroup, o.MinorGroupTitle)
	if len(o.RelatedTitles) > 0 {
		p("  job titles: %s", strings.Join(o.RelatedTitles, "; "))
	}
	p("pay (full-time, UK):")
	p("  median a year: %s", fig(o.Pay.AnnualFullTime.Median, "£"))
	p("  middle half a year: %s to %s", fig(o.Pay.AnnualFullTime.P25, "£"), fig(o.Pay.AnnualFullTime.P75, "£"))
	p("  median a week: %s", fig(o.Pay.WeeklyFullTime.Median, "£"))
	p("  median an hour: %s", fig(o.Pay.HourlyFullTime.Median, "£.2"))
	p("  paid hours a week (median): %s", fig(o.Pay.PaidHoursFullTime.Median, "h"))
	if years := payYears(o.Pay); len(years) > 1 {
		p("  note: these figures come from different years (%s): each is labelled with its own", strings.Join(years, " and "))
	}
	if o.Pay.Covers != "" {
		p("  covers: %s", o.Pay.Covers)
	}
	if len(o.RegionalPay) > 0 {
		p("pay by region (estimates, full-time median a year):")
		for _, r := range o.RegionalPay {
			p("  %-26s %s [%s]", r.Region, fig(r.Median, "£"), r.Basis)
		}
	}
	if o.Demand != nil {
		p("online job adverts (England, %s): 3-month average %s; change over 12 months %s; per 100 employed %s",
			o.Demand.Month, fig(o.Demand.Adverts3mAvg, ""), fig(o.Demand.GrowthPct12m, "%"), fig(o.Demand.Per100Employed, ""))
	}
	if ol := o.Outlook; ol != nil {
		p("outlook to 2035 (%s, group %s %s, thousands): %s in 2020, %s in 2035; net change %s; replacement demand %s",
			ol.Area, ol.SubMajorGroup, ol.SubMajorGroupTitle, fig(ol.Employment2020K, ""), fig(ol.Employment2035K, ""), fig(ol.NetChangeK, ""), fig(ol.ReplacementK, ""))
	}
	en := o.Entry
	if en.Reviewed {
		p("entry (reviewed; checked against %s): routes %s; qualifications %s", strings.Join(en.CheckedAgainst, "; "), orNone(en.Routes), orNone(en.Qualifications))
	} else {
		p("entry (unreviewed: extracted by rules from ONS SOC 2020 Volume 1): routes %s; qualifications %s", orNone(en.Routes), orNone(en.Qualifications))
	}
	for _, st := range en.Standards {
		p("  apprenticeship standard: %s (level %d)", st.Name, st.Level)
	}
	if en.Licence != "" || len(en.DrivingCategories) > 0 || en.MinAge > 0 {
		p("  licence: %s; driving categories: %s; minimum age: %d", orNone(nonEmptyList(en.Licence)), orNone(en.DrivingCategories), en.MinAge)
	}
	for k, w := range en.OnlyFor {
		p("  %s: only for %s", k, w)
	}
	if len(en.ApprenticeshipLevels) > 0 {
		p("  apprenticeship levels: %v", en.ApprenticeshipLevels)
	}
	if len(en.Registration)+len(en.Requirements) > 0 {
		p("  registration: %s %s; requirements: %s", strings.Join(en.Registration, ", "), strings.Join(en.Bodies, ", "), strings.Join(en.Requirements, ", "))
	}
	if len(en.Required) > 0 || en.DegreeSubject != "" {
		subj := ""
		if en.DegreeSubject != "" {
			subj = "; degree subject: " + en.DegreeSubject
		}
		p("  stated as required: %s%s", orNone(en.Required), subj)
	}
	if len(en.Optional) > 0 {
		p("  available but not usual: %s", strings.Join(en.Optional, ", "))
	}
	if pr := o.Profile; pr != nil {
		var sk []string
		for _, s := range pr.Skills {
			sk = append(sk, s.Name)
		}
		p("O*NET profile (US, crosswalk weight %.2f): interests %s; job zone %d; skills %s", pr.Weight, strings.Join(pr.Interests, ", "), pr.JobZone, strings.Join(sk, ", "))
	}
	if t := o.Texts; t != nil {
		p("description (ONS): %s", t.Description)
		p("entry routes (ONS): %s", t.EntryRoutes)
	}
	p("sources:")
	for _, s := range srcs {
		p("  %s: %s, %s. %s", s.ID, s.Name, s.Year, s.Attribution)
	}
	return nil
}

// runPlaces implements `careersbot places resolve [--json] TEXT`.
func runPlaces(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	const usage = "usage: careersbot places resolve [--json] TEXT"
	if len(args) == 0 || args[0] != "resolve" {
		return usageError{usage}
	}
	a, err := scanLMIArgs(args[1:], 1)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	if err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(a.rest, " "))
	if text == "" {
		return usageError{"places resolve: give a postcode, town or region"}
	}
	st, err := lmi.LoadEmbedded()
	if err != nil {
		return err
	}
	m, err := st.ResolvePlace(ctx, text)
	if err != nil {
		return err
	}
	if a.json {
		return writeJSON(stdout, m)
	}
	if m.Ambiguous {
		var names []string
		for _, r := range m.Options {
			names = append(names, r.Name)
		}
		fmt.Fprintf(stdout, "%q could be: %s\n", m.Text, strings.Join(names, ", "))
		return nil
	}
	fmt.Fprintf(stdout, "region: %s (%s, %s)\n", m.Region.Name, m.Region.Code, m.Region.Country)
	if m.District != "" {
		fmt.Fprintf(stdout, "postcode district: %s\n", m.District)
	}
	if m.Area != "" {
		fmt.Fprintf(stdout, "area: %s\n", m.Area)
	}
	if m.LSIP != "" {
		fmt.Fprintf(stdout, "LSIP area: %s\n", m.LSIP)
	}
	fmt.Fprintf(stdout, "matched: %s (%s)\n", m.Text, m.Kind)
	return nil
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none found"
	}
	return strings.Join(list, ", ")
}

// nonEmptyList is s as a one-item list, or an empty list when s is "".
func nonEmptyList(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// payYears lists the years of the pay block's published figures, oldest first.
func payYears(pay lmi.Pay) []string {
	seen := map[string]bool{}
	for _, f := range []lmi.Figure{pay.AnnualFullTime.Median, pay.AnnualFullTime.P25, pay.AnnualFullTime.P75,
		pay.WeeklyFullTime.Median, pay.HourlyFullTime.Median, pay.PaidHoursFullTime.Median} {
		if !f.Missing && len(f.Year) >= 4 {
			seen[f.Year[:4]] = true
		}
	}
	var out []string
	for y := range seen {
		out = append(out, y)
	}
	sort.Strings(out)
	return out
}
