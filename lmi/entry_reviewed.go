package lmi

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The reviewed entry table: entry facts for the unit groups young people ask about
// most (regulated professions first), written by hand for careersbot in its own
// words and checked against the public sources each row names (regulators, the
// National Careers Service, the Institute for Apprenticeships and Technical
// Education). The build puts them in place of the rules' facts for those groups;
// the rules over ONS SOC 2020 Volume 1 fill every other group.
//
//go:embed entry_reviewed.tsv
var reviewedTSV string

// ReviewedEntryFile is the name errors in the reviewed table are reported under.
const ReviewedEntryFile = "lmi/entry_reviewed.tsv"

// reviewedCols are the table's columns, in order.
var reviewedCols = []string{"soc2020", "routes", "standards", "quals", "degree", "subject", "required", "registration", "bodies", "only_for", "licence", "driving", "min_age", "checked_against"}

// Codes a reviewed row may use; anything else is an error at load.
var (
	reviewedRoutes = []string{"apprenticeship", "college", "degree", "postgraduate", "on_the_job", "training_scheme", "work_experience", "promotion_at_work"}
	reviewedQuals  = []string{"none_required", "gcse", "a_level", "nvq", "btec", "hnc_hnd", "degree", "postgraduate", "professional_qualification", "am2"}
	reviewedRegs   = []string{"professional_body", "cscs_card", "ecs_card", "driving_licence", "driver_cpc", "dbs_check", "licence"}
	reviewedReqs   = []string{"degree", "postgraduate", "professional_body", "cscs_card", "ecs_card", "driving_licence", "driver_cpc", "dbs_check", "licence", "am2"}
	reviewedBodies = []string{"GMC", "NMC", "HCPC", "GDC", "GPhC", "GOC", "RCVS", "SWE", "SRA", "BSB", "ARB", "Engineering Council", "Gas Safe", "SIA", "QTS", "GTCS", "Ofsted", "CAA", "DVSA", "ICAEW/ACCA/CIMA", "RICS", "CILEx", "Probation Service", "HCPC or BPS", "ECS/JIB", "CSCS", "Social Care Wales", "SSSC", "NISCC", "BACP/UKCP", "IfA", "CIPD", "FCA", "PSA register"}
)

// reviewedRow is one parsed row with the line it came from.
type reviewedRow struct {
	line  int
	entry Entry
}

// ReviewedEntries returns the reviewed table's entry facts by SOC 2020 code. It
// fails with file:line:col when the table is broken.
func ReviewedEntries() (map[string]Entry, error) {
	rows, err := parseReviewed(reviewedTSV, ReviewedEntryFile)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Entry, len(rows))
	for code, r := range rows {
		out[code] = r.entry
	}
	return out, nil
}

// ApplyReviewed puts a reviewed row in place of the rules' facts: routes,
// qualifications, registration and what is required come from the row; the
// physical requirements and NVQ levels the ONS text states are kept.
func ApplyReviewed(rules, reviewed Entry) Entry {
	e := reviewed
	e.Requirements = append([]string{}, rules.Requirements...)
	if e.MinAge > 0 && !slices.Contains(e.Requirements, "age_minimum") {
		e.Requirements = append(e.Requirements, "age_minimum")
		sort.Strings(e.Requirements)
	}
	if slices.Contains(e.Qualifications, "nvq") {
		e.NVQLevels = append([]int(nil), rules.NVQLevels...)
	}
	return e
}

func parseReviewed(text, name string) (map[string]reviewedRow, error) {
	out := map[string]reviewedRow{}
	header := false
	for i, line := range strings.Split(text, "\n") {
		ln := i + 1
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cells := strings.Split(line, "\t")
		if !header {
			if strings.Join(cells, "\t") != strings.Join(reviewedCols, "\t") {
				return nil, fmt.Errorf("%s:%d:1: header must be %q", name, ln, strings.Join(reviewedCols, " "))
			}
			header = true
			continue
		}
		if len(cells) != len(reviewedCols) {
			return nil, fmt.Errorf("%s:%d:1: %d columns, want %d (%s)", name, ln, len(cells), len(reviewedCols), strings.Join(reviewedCols, ", "))
		}
		col := func(c int) int { // 1-based byte column of cell c
			n := 1
			for _, s := range cells[:c] {
				n += len(s) + 1
			}
			return n
		}
		bad := func(c int, format string, args ...any) error {
			return fmt.Errorf("%s:%d:%d: %s: %s", name, ln, col(c), reviewedCols[c], fmt.Sprintf(format, args...))
		}
		e, err := parseReviewedCells(cells, bad)
		if err != nil {
			return nil, err
		}
		if prev, dup := out[e.code]; dup {
			return nil, bad(0, "%s already given on line %d", e.code, prev.line)
		}
		out[e.code] = reviewedRow{line: ln, entry: e.Entry}
	}
	if !header {
		return nil, fmt.Errorf("%s:1:1: no header row", name)
	}
	return out, nil
}

type codedEntry struct {
	code string
	Entry
}

func parseReviewedCells(cells []string, bad func(c int, format string, args ...any) error) (codedEntry, error) {
	var ce codedEntry
	e := &ce.Entry
	e.Reviewed = true
	e.SourceID = "entry_reviewed"
	ce.code = strings.TrimSpace(cells[0])
	if len(ce.code) != 4 || strings.Trim(ce.code, "0123456789") != "" {
		return ce, bad(0, "%q is not a 4-digit SOC 2020 code", ce.code)
	}
	list := func(c int) []string {
		s := strings.TrimSpace(cells[c])
		if s == "" || s == "-" {
			return []string{}
		}
		var out []string
		for _, f := range strings.Split(s, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
		return out
	}
	coded := func(c int, allowed []string) ([]string, error) {
		vals := list(c)
		for _, v := range vals {
			if !slices.Contains(allowed, v) {
				return nil, bad(c, "unknown %q (one of %s)", v, strings.Join(allowed, ", "))
			}
		}
		return vals, nil
	}
	var err error
	if e.Routes, err = coded(1, reviewedRoutes); err != nil {
		return ce, err
	}
	e.Routes = sortedKeys(setOf(e.Routes), routeOrder)
	if s := strings.TrimSpace(cells[2]); s != "" && s != "-" {
		levels := map[int]bool{}
		for _, part := range strings.Split(s, ";") {
			part = strings.TrimSpace(part)
			slash := strings.LastIndex(part, "/")
			if slash < 1 {
				return ce, bad(2, "%q: want name/level", part)
			}
			lv, err := strconv.Atoi(strings.TrimSpace(part[slash+1:]))
			if err != nil || lv < 2 || lv > 7 {
				return ce, bad(2, "%q: level must be 2 to 7", part)
			}
			e.Standards = append(e.Standards, Standard{Name: strings.TrimSpace(part[:slash]), Level: lv})
			levels[lv] = true
		}
		if !slices.Contains(e.Routes, "apprenticeship") {
			return ce, bad(2, "standards given but routes has no apprenticeship")
		}
		for lv := range levels {
			e.ApprenticeshipLevels = append(e.ApprenticeshipLevels, lv)
		}
		sort.Ints(e.ApprenticeshipLevels)
	}
	if e.Qualifications, err = coded(3, reviewedQuals); err != nil {
		return ce, err
	}
	e.Qualifications = sortedKeys(setOf(e.Qualifications), append(qualOrder, "am2"))
	switch d := strings.TrimSpace(cells[4]); d {
	case "required":
		e.DegreeUsual = true
		e.Required = append(e.Required, "degree")
	case "usual":
		e.DegreeUsual = true
	case "", "-":
	default:
		return ce, bad(4, "%q: want required, usual or -", d)
	}
	if e.DegreeUsual && !slices.Contains(e.Routes, "degree") {
		return ce, bad(4, "a degree is %s but routes has no degree", cells[4])
	}
	if s := strings.TrimSpace(cells[5]); s != "-" {
		e.DegreeSubject = s
	}
	req, err := coded(6, reviewedReqs)
	if err != nil {
		return ce, err
	}
	for _, r := range req {
		if !slices.Contains(e.Required, r) {
			e.Required = append(e.Required, r)
		}
	}
	if e.Registration, err = coded(7, reviewedRegs); err != nil {
		return ce, err
	}
	sort.Strings(e.Registration)
	if e.Bodies, err = coded(8, reviewedBodies); err != nil {
		return ce, err
	}
	if len(e.Bodies) > 0 && !slices.Contains(e.Registration, "professional_body") && !slices.Contains(e.Registration, "licence") {
		return ce, bad(8, "bodies given but registration has neither professional_body nor licence")
	}
	if s := strings.TrimSpace(cells[9]); s != "" && s != "-" {
		e.OnlyFor = map[string]string{}
		for _, part := range strings.Split(s, ";") {
			k, v, ok := strings.Cut(part, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || k == "" || v == "" {
				return ce, bad(9, "%q: want name=the work it applies to", part)
			}
			if !slices.Contains(e.Bodies, k) && !slices.Contains(e.Registration, k) {
				return ce, bad(9, "%q is neither a body nor a registration of this row", k)
			}
			e.OnlyFor[k] = v
		}
	}
	if s := strings.TrimSpace(cells[10]); s != "-" {
		e.Licence = s
		if !slices.Contains(e.Registration, "licence") {
			return ce, bad(10, "licence named but registration has no licence")
		}
	}
	e.DrivingCategories = list(11)
	if len(e.DrivingCategories) > 0 && !slices.Contains(e.Registration, "driving_licence") {
		return ce, bad(11, "driving categories given but registration has no driving_licence")
	}
	if s := strings.TrimSpace(cells[12]); s != "-" && s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 14 || n > 25 {
			return ce, bad(12, "%q: want an age from 14 to 25 or -", s)
		}
		e.MinAge = n
	}
	for _, src := range strings.Split(cells[13], ";") {
		if src = strings.TrimSpace(src); src != "" {
			e.CheckedAgainst = append(e.CheckedAgainst, src)
		}
	}
	if len(e.CheckedAgainst) == 0 {
		return ce, bad(13, "every reviewed row names the public source it was checked against")
	}
	if len(e.Routes) == 0 {
		return ce, bad(1, "a reviewed row needs at least one route")
	}
	e.Requirements = []string{}
	if e.Qualifications == nil {
		e.Qualifications = []string{}
	}
	return ce, nil
}

func setOf(vals []string) map[string]bool {
	m := make(map[string]bool, len(vals))
	for _, v := range vals {
		m[v] = true
	}
	return m
}
