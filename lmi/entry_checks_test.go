package lmi

import (
	_ "embed"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The record of checking the reviewed entry table row by row against named public
// sources (issue 10): one line per fact checked, with the source's address, what
// the source says in careersbot's own words and the result. The test below holds
// the table and the record to each other, so a row cannot lose its check and a
// check cannot drift from the row it confirms.
//
//go:embed entry_checks.tsv
var entryChecksTSV string

const entryChecksFile = "lmi/entry_checks.tsv"

// entryCheckCols are the record's columns, in order.
var entryCheckCols = []string{"soc2020", "field", "value", "result", "was", "url", "source_says"}

// entryCheck is one fact checked.
type entryCheck struct {
	line                       int
	code, field, value, result string
	was, url, says             string
}

// checkFields are the reviewed row's fields a check may be about.
var checkFields = []string{"routes", "standard", "quals", "degree", "required", "registration", "bodies", "licence", "driving", "min_age", "only_for"}

// reservedTLDs are top-level names that never reach a public site (RFC 2606, 6761
// and private-use names).
var reservedTLDs = []string{"test", "example", "invalid", "localhost", "local", "internal", "lan", "home", "corp"}

func parseEntryChecks(text, name string) ([]entryCheck, []string) {
	var out []entryCheck
	var errs []string
	header := false
	for i, line := range strings.Split(text, "\n") {
		ln := i + 1
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cells := strings.Split(line, "\t")
		if !header {
			if strings.Join(cells, "\t") != strings.Join(entryCheckCols, "\t") {
				errs = append(errs, fmt.Sprintf("%s:%d:1: header must be %q", name, ln, strings.Join(entryCheckCols, " ")))
				return nil, errs
			}
			header = true
			continue
		}
		if len(cells) != len(entryCheckCols) {
			errs = append(errs, fmt.Sprintf("%s:%d:1: %d columns, want %d", name, ln, len(cells), len(entryCheckCols)))
			continue
		}
		for j := range cells {
			cells[j] = strings.TrimSpace(cells[j])
		}
		out = append(out, entryCheck{line: ln, code: cells[0], field: cells[1], value: cells[2], result: cells[3], was: cells[4], url: cells[5], says: cells[6]})
	}
	if !header {
		errs = append(errs, name+":1:1: no header row")
	}
	return out, errs
}

// publicHTTPS reports why u is not a well-formed https address of a public domain.
func publicHTTPS(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return err
	}
	host := p.Hostname()
	switch {
	case p.Scheme != "https":
		return fmt.Errorf("scheme %q, want https", p.Scheme)
	case p.User != nil:
		return fmt.Errorf("user info in the address")
	case host == "" || net.ParseIP(host) != nil || !strings.Contains(host, "."):
		return fmt.Errorf("host %q is not a domain name", host)
	case p.Port() != "":
		return fmt.Errorf("a port in the address")
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if l == "" || strings.Trim(strings.ToLower(l), "abcdefghijklmnopqrstuvwxyz0123456789-") != "" || strings.HasPrefix(l, "-") {
			return fmt.Errorf("host %q has a bad label %q", host, l)
		}
	}
	tld := strings.ToLower(labels[len(labels)-1])
	if len(tld) < 2 || strings.Trim(tld, "abcdefghijklmnopqrstuvwxyz") != "" {
		return fmt.Errorf("host %q: top-level domain %q is not a public one", host, tld)
	}
	if slices.Contains(reservedTLDs, tld) {
		return fmt.Errorf("host %q: top-level domain %q is reserved, not public", host, tld)
	}
	return nil
}

// agrees reports why a checked value does not agree with the reviewed row.
func agrees(c entryCheck, e Entry) error {
	has := func(list []string, what string) error {
		if !slices.Contains(list, c.value) {
			return fmt.Errorf("%s %q is not in the row's %s %v", c.field, c.value, what, list)
		}
		return nil
	}
	switch c.field {
	case "routes":
		return has(e.Routes, "routes")
	case "quals":
		return has(e.Qualifications, "quals")
	case "required":
		return has(e.Required, "required")
	case "registration":
		return has(e.Registration, "registration")
	case "bodies":
		return has(e.Bodies, "bodies")
	case "driving":
		return has(e.DrivingCategories, "driving categories")
	case "standard":
		slash := strings.LastIndex(c.value, "/")
		if slash < 1 {
			return fmt.Errorf("standard %q: want name/level", c.value)
		}
		lv, err := strconv.Atoi(c.value[slash+1:])
		if err != nil {
			return fmt.Errorf("standard %q: want name/level", c.value)
		}
		if !slices.Contains(e.Standards, Standard{Name: c.value[:slash], Level: lv}) {
			return fmt.Errorf("standard %q is not in the row's standards %v", c.value, e.Standards)
		}
	case "degree":
		got := "-"
		if e.DegreeUsual {
			got = "usual"
			if slices.Contains(e.Required, "degree") {
				got = "required"
			}
		}
		if c.value != got {
			return fmt.Errorf("degree %q, the row says %q", c.value, got)
		}
	case "licence":
		if e.Licence == "" || !strings.Contains(strings.ToLower(e.Licence), strings.ToLower(c.value)) {
			return fmt.Errorf("licence %q is not in the row's licence %q", c.value, e.Licence)
		}
	case "min_age":
		want := 0
		if c.value != "-" {
			n, err := strconv.Atoi(c.value)
			if err != nil {
				return fmt.Errorf("min_age %q: want a number or -", c.value)
			}
			want = n
		}
		if want != e.MinAge {
			return fmt.Errorf("min_age %q, the row says %d", c.value, e.MinAge)
		}
	case "only_for":
		if _, ok := e.OnlyFor[c.value]; !ok {
			return fmt.Errorf("only_for %q is not in the row's only_for %v", c.value, e.OnlyFor)
		}
	default:
		return fmt.Errorf("unknown field %q (one of %s)", c.field, strings.Join(checkFields, ", "))
	}
	return nil
}

// entryCheckProblems holds the record to the reviewed rows: every row has a check
// with an address; every check is of a reviewed row, agrees with it, has a well-formed
// public https address (or none, only when the fact was not found) and says what
// the source says.
func entryCheckProblems(checks []entryCheck, rows map[string]Entry, name string) []string {
	var errs []string
	bad := func(c entryCheck, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("%s:%d: %s %s: %s", name, c.line, c.code, c.field, fmt.Sprintf(format, args...)))
	}
	backed := map[string]bool{}
	for _, c := range checks {
		e, ok := rows[c.code]
		if !ok {
			bad(c, "%s is not a reviewed row", c.code)
			continue
		}
		if err := agrees(c, e); err != nil {
			bad(c, "%v", err)
		}
		switch c.result {
		case "confirmed", "corrected":
			if err := publicHTTPS(c.url); err != nil {
				bad(c, "url %q: %v", c.url, err)
			} else {
				backed[c.code] = true
			}
		case "not_found":
			if c.url != "-" {
				if err := publicHTTPS(c.url); err != nil {
					bad(c, "url %q: %v", c.url, err)
				}
			}
		default:
			bad(c, "result %q: want confirmed, corrected or not_found", c.result)
		}
		if c.result == "corrected" {
			if c.was == "-" || c.was == "" || c.was == c.value {
				bad(c, "a correction names the value it replaced in was")
			}
		} else if c.was != "-" {
			bad(c, "was %q given but the result is %s", c.was, c.result)
		}
		if len(strings.Fields(c.says)) < 3 || strings.Contains(c.says, "://") {
			bad(c, "source_says %q: say in a few words what the source says", c.says)
		}
	}
	var missing []string
	for code := range rows {
		if !backed[code] {
			missing = append(missing, code)
		}
	}
	slices.Sort(missing)
	for _, code := range missing {
		errs = append(errs, fmt.Sprintf("%s: reviewed row %s has no confirmed or corrected check with a source address", name, code))
	}
	return errs
}

// TestEntryChecks holds the committed record of checks to the reviewed table.
func TestEntryChecks(t *testing.T) {
	rows, err := ReviewedEntries()
	if err != nil {
		t.Fatal(err)
	}
	checks, errs := parseEntryChecks(entryChecksTSV, entryChecksFile)
	errs = append(errs, entryCheckProblems(checks, rows, entryChecksFile)...)
	for _, e := range errs {
		t.Error(e)
	}
	counts := map[string]int{}
	for _, c := range checks {
		counts[c.result]++
	}
	t.Logf("%d reviewed rows, %d facts checked: %d confirmed, %d corrected, %d not found",
		len(rows), len(checks), counts["confirmed"], counts["corrected"], counts["not_found"])
}

// TestEntryCheckProblems: each way a check can be wrong is reported.
func TestEntryCheckProblems(t *testing.T) {
	rows := map[string]Entry{
		"2237": {Routes: []string{"apprenticeship", "degree"}, Standards: []Standard{{Name: "Registered nurse degree (NMC 2018)", Level: 6}},
			Required: []string{"degree", "professional_body"}, DegreeUsual: true, Bodies: []string{"NMC"}},
		"9231": {Routes: []string{"training_scheme"}, Licence: "an SIA licence (for door supervision)", MinAge: 18},
	}
	good := []entryCheck{
		{code: "2237", field: "standard", value: "Registered nurse degree (NMC 2018)/6", result: "confirmed", was: "-", url: "https://www.instituteforapprenticeships.org/apprenticeship-standards/st0781-v1-1", says: "a level 6 degree apprenticeship leading to NMC registration"},
		{code: "9231", field: "min_age", value: "18", result: "corrected", was: "16", url: "https://www.gov.uk/guidance/apply-for-an-sia-licence", says: "you must be 18 or over"},
	}
	with := func(i int, f func(*entryCheck)) []entryCheck {
		cs := slices.Clone(good)
		f(&cs[i])
		return cs
	}
	cases := []struct {
		name   string
		checks []entryCheck
		want   string
	}{
		{"good", good, ""},
		{"no check for a row", good[:1], "reviewed row 9231 has no confirmed"},
		{"not a reviewed row", append(slices.Clone(good), entryCheck{code: "1111", field: "routes", value: "degree", result: "confirmed", was: "-", url: "https://www.gov.uk/x", says: "a b c"}), "1111 is not a reviewed row"},
		{"standard level", with(0, func(c *entryCheck) { c.value = "Registered nurse degree (NMC 2018)/5" }), "is not in the row's standards"},
		{"standard name", with(0, func(c *entryCheck) { c.value = "Nurse/6" }), "is not in the row's standards"},
		{"body", with(0, func(c *entryCheck) { c.field, c.value = "bodies", "HCPC" }), "bodies \"HCPC\" is not in the row's bodies"},
		{"min age", with(1, func(c *entryCheck) { c.value = "16"; c.was = "18" }), "min_age \"16\", the row says 18"},
		{"degree", with(0, func(c *entryCheck) { c.field, c.value = "degree", "usual" }), "the row says \"required\""},
		{"licence", with(1, func(c *entryCheck) { c.field, c.value = "licence", "CSCS card" }), "is not in the row's licence"},
		{"field", with(0, func(c *entryCheck) { c.field = "salary" }), "unknown field"},
		{"http", with(0, func(c *entryCheck) { c.url = "http://www.gov.uk/x" }), "want https"},
		{"ip", with(0, func(c *entryCheck) { c.url = "https://10.0.0.1/x" }), "not a domain name"},
		{"localhost", with(0, func(c *entryCheck) { c.url = "https://localhost/x" }), "not a domain name"},
		{"reserved tld", with(0, func(c *entryCheck) { c.url = "https://nmc.invalid/x" }), "is reserved"},
		{"numeric tld", with(0, func(c *entryCheck) { c.url = "https://nmc.123/x" }), "not a public one"},
		{"no url", with(0, func(c *entryCheck) { c.url = "-" }), "url \"-\""},
		{"result", with(0, func(c *entryCheck) { c.result = "ok" }), "result \"ok\""},
		{"correction without was", with(1, func(c *entryCheck) { c.was = "-" }), "names the value it replaced"},
		{"was without correction", with(0, func(c *entryCheck) { c.was = "5" }), "was \"5\" given"},
		{"says", with(0, func(c *entryCheck) { c.says = "yes" }), "source_says"},
		{"not found needs no url", append(slices.Clone(good), entryCheck{code: "2237", field: "bodies", value: "NMC", result: "not_found", was: "-", url: "-", says: "no source reached says it"}), ""},
	}
	for _, c := range cases {
		errs := entryCheckProblems(c.checks, rows, "t.tsv")
		got := strings.Join(errs, "\n")
		switch {
		case c.want == "" && len(errs) > 0:
			t.Errorf("%s: %s", c.name, got)
		case c.want != "" && !strings.Contains(got, c.want):
			t.Errorf("%s: problems %q, want one containing %q", c.name, got, c.want)
		}
	}
	if _, errs := parseEntryChecks("soc2020\tfield\n", "t.tsv"); len(errs) == 0 || !strings.Contains(errs[0], "t.tsv:1:1: header") {
		t.Errorf("bad header: %v", errs)
	}
	if _, errs := parseEntryChecks(strings.Join(entryCheckCols, "\t")+"\n2237\tbodies\n", "t.tsv"); len(errs) == 0 || !strings.Contains(errs[0], "t.tsv:2:1: 2 columns") {
		t.Errorf("short row: %v", errs)
	}
}
