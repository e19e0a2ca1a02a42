package lmi

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// reCollegeWording is what the ONS text must say for a college route to be true:
// a college (not a body such as the Royal College of Veterinary Surgeons or the
// College of Policing), further education, a BTEC, HNC, HND or T level.
var (
	reCollegeWording = regexp.MustCompile(`(?i)\b(colleges?|further education|btecs?|hn[cd]s?|higher national|t levels?)\b`)
)

// falseRoutes counts, over the real ONS SOC 2020 Volume 1 entry texts, the unit
// groups whose extracted routes say something the text does not: a college route
// with no college wording, and a "work experience first" route read out of an
// apprenticeship that combines practical work experience with training.
func falseRoutes(t *testing.T) (college, collegeAll, workExp int, examples []string) {
	tab, err := readCSV(sharedData(t), "ons_soc2020_volume1/soc2020_unit_groups.csv")
	if err != nil {
		t.Fatal(err)
	}
	reOnlyAppExp := regexp.MustCompile(`(?i)(combining|combine|combines|with|and) (practical )?work experience (and|with)`)
	reAnyExp := regexp.MustCompile(`(?i)relevant experience|practical experience|work experience|with experience|previous experience|experience (in|as|of) `)
	for _, r := range tab.rows {
		text := tab.get(r, "entry_routes_and_qualifications")
		e := ExtractEntry(text)
		if slices.Contains(e.Routes, "college") {
			collegeAll++
			if !reCollegeWording.MatchString(entryRes().reCollegeBody.ReplaceAllString(strings.ToLower(text), "")) {
				college++
				if len(examples) < 8 {
					examples = append(examples, tab.get(r, "soc2020")+" "+tab.get(r, "title"))
				}
			}
		}
		if slices.Contains(e.Routes, "work_experience") {
			rest := reOnlyAppExp.ReplaceAllString(text, "")
			if !reAnyExp.MatchString(rest) {
				workExp++
			}
		}
	}
	return
}

// TestNoFalseRoutes is the measure reported in issue 10: the old rules gave 66 of
// 204 college routes with no college wording in the text.
func TestNoFalseRoutes(t *testing.T) {
	college, all, workExp, ex := falseRoutes(t)
	t.Logf("college routes: %d, without college wording: %d %v; work-experience routes read from apprenticeships: %d", all, college, ex, workExp)
	if college > 0 || workExp > 0 {
		t.Errorf("%d false college routes (%v) and %d false work-experience routes", college, ex, workExp)
	}
}
