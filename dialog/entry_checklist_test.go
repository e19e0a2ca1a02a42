package dialog

import (
	"bufio"
	"context"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/lmi"
)

// checklistDepths are the ages the checklist replies are rendered at (0 is the
// adviser depth).
var checklistDepths = []int{12, 15, 17, 22, 0}

func entryReply(t *testing.T, e *Engine, code string, age int) string {
	t.Helper()
	r, _, err := e.Respond(context.Background(), State{}, Input{Button: "entry:" + code, Age: age, Adviser: age == 0})
	if err != nil {
		t.Fatalf("entry %s at %d: %v", code, age, err)
	}
	return r.Text
}

// withoutEntryLabel cuts the entry facts' source label (it names the sources a row
// was checked against, "Royal College ..." or "qualifying work experience") from the
// end of its line, so the checks read the facts only.
func withoutEntryLabel(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		for _, mark := range []string{"(checked with ", "(careersbot entry facts", "(Source: careersbot"} {
			if j := strings.Index(l, mark); j >= 0 {
				l = l[:j]
			}
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// reBodyCollege matches bodies named "College", which are not college routes.
var reBodyCollege = regexp.MustCompile(`(royal )?college of [a-z]+`)

// routeTell are words that show a reply gave a route; a reply must not use them
// for a route the reviewed table does not have.
var routeTell = map[string][]string{
	"college":         {"college"},
	"degree":          {"at uni", "university degree", "at university"},
	"apprenticeship":  {"apprentice"},
	"postgraduate":    {"postgraduate", "more study after a degree"},
	"on_the_job":      {"on the job"},
	"work_experience": {"work experience"},
	"training_scheme": {"training scheme"},
}

// bodyTell are regulators, registers, cards and checks by the initials a reply
// shows: one is said if and only if the table has it.
var bodyTell = map[string]string{
	"GMC": "GMC", "NMC": "NMC", "HCPC": "HCPC", "GDC": "GDC", "GPhC": "GPhC", "GOC": "GOC",
	"RCVS": "RCVS", "SRA": "SRA", "BSB": "BSB", "ARB": "ARB", "SIA": "SIA", "Gas Safe": "Gas Safe",
	"QTS": "QTS", "SWE": "Social Work England", "Ofsted": "Ofsted", "CAA": "CAA", "DVSA": "DVSA",
}
var regTell = map[string]string{"cscs_card": "CSCS", "ecs_card": "ECS card", "dbs_check": "DBS", "driver_cpc": "Driver CPC"}

// TestAdviserChecklist renders the entry reply of every reviewed unit group at every
// depth and checks it the way an adviser would: a route the table has is offered (a
// 13-year-old hears of the apprenticeship where there is one, a degree apprenticeship
// by name), a route the table lacks is never mentioned, every regulator, card and
// check is named and no other, and a minimum age is given. Then the hand-written
// cases in testdata/adviser_checklist.tsv.
func TestAdviserChecklist(t *testing.T) {
	e := testEngine(t, Options{})
	rev, err := lmi.ReviewedEntries()
	if err != nil {
		t.Fatal(err)
	}
	codes := make([]string, 0, len(rev))
	for c := range rev {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	checked := 0
	for _, code := range codes {
		en := rev[code]
		for _, age := range checklistDepths {
			text := withoutEntryLabel(entryReply(t, e, code, age))
			low := reBodyCollege.ReplaceAllString(strings.ToLower(text), "")
			fail := func(format string, args ...any) {
				t.Errorf("%s at age %d: "+format+"\n%s", append([]any{code, age}, append(args, text)...)...)
			}
			for route, tells := range routeTell {
				has := slices.Contains(en.Routes, route)
				said := slices.ContainsFunc(tells, func(w string) bool { return strings.Contains(low, w) })
				if route == "degree" && has && !strings.Contains(low, "degree") {
					fail("no degree route")
				}
				young := age > 0 && age <= 16
				if route == "postgraduate" && young && !slices.Contains(en.Required, "postgraduate") {
					// more study after a degree is told from 17 on, unless it is required
				} else if route != "degree" && has && !said {
					fail("route %s not offered", route)
				}
				if !has && said && !(route == "postgraduate" && slices.Contains(en.Qualifications, "postgraduate")) {
					fail("says route %s, which the table does not have", route)
				}
			}
			if en.DegreeApprenticeship() && !strings.Contains(low, "degree apprenticeship") && en.OnlyDegreeApprenticeships() {
				fail("no degree apprenticeship")
			}
			for b, tell := range bodyTell {
				if slices.Contains(en.Bodies, b) != strings.Contains(text, tell) {
					fail("body %s: in table %v, in reply %v", b, slices.Contains(en.Bodies, b), strings.Contains(text, tell))
				}
			}
			for r, tell := range regTell {
				if slices.Contains(en.Registration, r) != strings.Contains(text, tell) {
					fail("%s: in table %v, in reply %v", r, slices.Contains(en.Registration, r), strings.Contains(text, tell))
				}
			}
			if en.MinAge > 0 && !strings.Contains(text, strconv.Itoa(en.MinAge)) {
				fail("minimum age %d not given", en.MinAge)
			}
			if slices.Contains(en.Required, "degree") && !strings.Contains(low, "need a degree") && !strings.Contains(low, "is required") && !strings.Contains(low, "you need") {
				fail("a required degree is not said to be needed")
			}
			checked++
		}
	}
	t.Logf("checked %d entry replies (%d reviewed unit groups x %d depths)", checked, len(codes), len(checklistDepths))

	f, err := os.Open("testdata/adviser_checklist.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("adviser_checklist.tsv:%d: %d columns, want 4", ln, len(cols))
		}
		age, err := strconv.Atoi(cols[1])
		if err != nil {
			t.Fatalf("adviser_checklist.tsv:%d: age %q", ln, cols[1])
		}
		full := strings.ToLower(withoutEntryLabel(entryReply(t, e, cols[0], age)))
		low := reBodyCollege.ReplaceAllString(full, "") // "Royal College of ..." is no college route
		for _, w := range strings.Split(cols[2], "|") {
			if w != "-" && !strings.Contains(full, strings.ToLower(w)) {
				t.Errorf("adviser_checklist.tsv:%d: %s at %d must say %q:\n%s", ln, cols[0], age, w, low)
			}
		}
		for _, w := range strings.Split(cols[3], "|") {
			if w != "-" && strings.Contains(low, strings.ToLower(w)) {
				t.Errorf("adviser_checklist.tsv:%d: %s at %d must not say %q:\n%s", ln, cols[0], age, w, low)
			}
		}
	}
}
