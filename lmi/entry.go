package lmi

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// ExtractEntry turns an entry-routes paragraph ("Typical entry routes and associated
// qualifications" in ONS SOC 2020 Volume 1) into structured facts by rules: keywords
// and regular expressions, applied sentence by sentence. Only these facts go into the
// snapshot; the prose itself is never stored.
func ExtractEntry(text string) Entry {
	p := entryRes()
	e := Entry{Routes: []string{}, Qualifications: []string{}, Registration: []string{}, Requirements: []string{}, SourceID: "soc2020"}
	routes := map[string]bool{}
	quals := map[string]bool{}
	regs := map[string]bool{}
	reqs := map[string]bool{}
	bodies := map[string]bool{}
	appLevels := map[int]bool{}
	nvqLevels := map[int]bool{}

	optional := map[string]bool{} // degree-level qualifications met only in "available"/"may" sentences
	usual := map[string]bool{}    // ... and met in sentences that give them as usual
	required := map[string]bool{}
	for _, s := range splitSentences(text) {
		l := strings.ToLower(s)
		// clause by clause: "entrants usually possess a degree, although some roles
		// may require a postgraduate qualification" gives a usual degree and an
		// optional postgraduate one
		marked := p.reClause.ReplaceAllStringFunc(l, func(m string) string { return "|" + m })
		for _, cl := range strings.Split(marked, "|") {
			opt := p.reOptional.MatchString(cl)
			for _, q := range []string{"degree", "postgraduate"} {
				re := p.entryQualRe[q]
				if q == "degree" {
					re = p.reDegreeWord
				}
				if re.MatchString(cl) {
					if opt || (q == "postgraduate" && p.reOrPostgrad.MatchString(cl)) {
						optional[q] = true
					} else {
						usual[q] = true
					}
				}
			}
		}
		if p.reRequired.MatchString(l) && !p.reRequiredNot.MatchString(l) {
			for code, re := range p.requiredFacts {
				if re.MatchString(l) {
					required[code] = true
				}
			}
		}
		if (p.reRequired.MatchString(l) && !p.reRequiredNot.MatchString(l)) || (p.reDegreeUsual.MatchString(l) && !p.reDegreeNot.MatchString(l)) || p.reEntryIs.MatchString(l) {
			if m := p.reDegreeSubject.FindStringSubmatch(l); m != nil && e.DegreeSubject == "" {
				e.DegreeSubject = degreeSubject(m[1])
			}
		}
		hasApp := p.reApprentice.MatchString(l)
		hasNVQ := p.reNVQ.MatchString(l)
		if hasApp {
			routes["apprenticeship"] = true
			if p.reDegreeApp.MatchString(l) {
				appLevels[6] = true
			}
		}
		if hasNVQ {
			quals["nvq"] = true
		}
		// levels mentioned in a sentence belong to the apprenticeships and/or NVQs it names
		if p.reDegreeUsual.MatchString(l) && !p.reDegreeNot.MatchString(l) {
			e.DegreeUsual = true
		}
		if hasApp || hasNVQ {
			for _, lv := range levelsIn(l) {
				if hasApp && (!hasNVQ || appBeforeLevels(l)) {
					appLevels[lv] = true
				}
				if hasNVQ {
					nvqLevels[lv] = true
				}
			}
		}
		for _, r := range p.entryRules {
			target := l
			switch r.value {
			case "licence":
				target = p.reDrivingLicence.ReplaceAllString(l, "")
			case "college":
				target = p.reCollegeBody.ReplaceAllString(l, "")
			case "work_experience":
				// "apprenticeships combining practical work experience and technical
				// training" describe the apprenticeship, not experience needed first
				target = p.reWorkAndTraining.ReplaceAllString(l, "")
			}
			if r.re.MatchString(target) {
				switch r.kind {
				case "route":
					routes[r.value] = true
				case "qual":
					quals[r.value] = true
				case "reg":
					regs[r.value] = true
				case "req":
					reqs[r.value] = true
				}
			}
		}
		for _, b := range p.bodyRules {
			if b.re.MatchString(s) || b.re.MatchString(l) {
				bodies[b.name] = true
				if b.reg != "" {
					regs[b.reg] = true
				} else {
					regs["professional_body"] = true
				}
			}
		}
	}
	if quals["degree"] && routes["degree"] == false {
		routes["degree"] = true
	}
	if quals["postgraduate"] {
		routes["postgraduate"] = true
	}
	// a degree or postgraduate study the text only mentions as available, or as
	// another way in, is not a usual route
	for _, q := range []string{"degree", "postgraduate"} {
		if optional[q] && !usual[q] && !required[q] {
			delete(quals, q)
			delete(routes, q)
			e.Optional = append(e.Optional, q)
		}
	}
	if e.DegreeUsual || required["degree"] {
		e.DegreeUsual = e.DegreeUsual || required["degree"]
		delete(optional, "degree")
	}
	for _, code := range []string{"degree", "postgraduate", "professional_body", "dbs_check", "driving_licence", "licence", "cscs_card"} {
		if !required[code] {
			continue
		}
		if code == "degree" || code == "postgraduate" {
			if !quals[code] {
				continue
			}
		} else if !regs[code] {
			continue
		}
		e.Required = append(e.Required, code)
	}
	e.Routes = sortedKeys(routes, routeOrder)
	e.Qualifications = sortedKeys(quals, qualOrder)
	e.Registration = sortedKeys(regs, nil)
	e.Requirements = sortedKeys(reqs, nil)
	for b := range bodies {
		e.Bodies = append(e.Bodies, b)
	}
	sort.Strings(e.Bodies)
	for lv := range appLevels {
		e.ApprenticeshipLevels = append(e.ApprenticeshipLevels, lv)
	}
	sort.Ints(e.ApprenticeshipLevels)
	for lv := range nvqLevels {
		e.NVQLevels = append(e.NVQLevels, lv)
	}
	sort.Ints(e.NVQLevels)
	return e
}

// degreeSubject cuts "veterinary science and registration as a member" to the
// subject ("veterinary science"); "" for "a related subject" and the like.
func degreeSubject(s string) string {
	for _, stop := range []string{" and ", " or ", " approved", " recognised", " accredited", " from ", " at ", " is ", " are ", " with ", " which ", " that ", " followed", " before", " for "} {
		if i := strings.Index(s, stop); i >= 0 {
			s = s[:i]
		}
	}
	s = strings.TrimSpace(s)
	f := strings.Fields(s)
	if len(f) == 0 || len(f) > 3 {
		return ""
	}
	switch f[0] {
	case "a", "an", "the", "any", "relevant", "related", "appropriate", "another", "some", "one":
		return ""
	}
	return s
}

func splitSentences(text string) []string {
	p := entryRes()
	return p.reSentence.Split(text, -1)
}

func levelsIn(l string) []int {
	p := entryRes()
	var out []int
	for _, m := range p.reLevels.FindAllStringSubmatch(l, -1) {
		nums := p.reDigit.FindAllString(m[1], -1)
		// "levels 2 to 4" means 2, 3 and 4
		if strings.Contains(m[1], "to") && len(nums) == 2 {
			a, _ := strconv.Atoi(nums[0])
			b, _ := strconv.Atoi(nums[1])
			for i := a; i <= b; i++ {
				out = append(out, i)
			}
			continue
		}
		for _, n := range nums {
			v, _ := strconv.Atoi(n)
			out = append(out, v)
		}
	}
	return out
}

// appBeforeLevels reports whether, in a sentence naming both apprenticeships and NVQs,
// the level numbers follow the word "apprenticeship" more closely than "NVQ", or both.
func appBeforeLevels(l string) bool {
	p := entryRes()
	lv := p.reLevels.FindStringIndex(l)
	if lv == nil {
		return false
	}
	a := lastIndexBefore(p.reApprentice, l, lv[0])
	n := lastIndexBefore(p.reNVQ, l, lv[0])
	return a >= 0 && (n < 0 || a > n || strings.Contains(l[a:lv[0]], "and"))
}

func lastIndexBefore(re *regexp.Regexp, s string, pos int) int {
	last := -1
	for _, m := range re.FindAllStringIndex(s[:pos], -1) {
		last = m[0]
	}
	return last
}

type entryRule struct {
	kind, value string
	re          *regexp.Regexp
}

type bodyRule struct {
	name string
	re   *regexp.Regexp
	reg  string // the registration kind it implies ("" = professional_body)
}

var routeOrder = []string{"apprenticeship", "college", "degree", "postgraduate", "on_the_job", "training_scheme", "work_experience", "promotion_at_work"}
var qualOrder = []string{"none_required", "gcse", "a_level", "nvq", "btec", "hnc_hnd", "degree", "postgraduate", "professional_qualification"}

func sortedKeys(m map[string]bool, order []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, k := range order {
		if m[k] {
			out = append(out, k)
			seen[k] = true
		}
	}
	var rest []string
	for k, v := range m {
		if v && !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// entryPatterns are ExtractEntry's regular expressions. They are compiled on first
// use: only the snapshot build extracts entry facts, so a service that loads the
// snapshot never pays for them (they were ~10 ms of every start as package variables).
type entryPatterns struct {
	reOptional, reOrPostgrad, reDegreeWord, reClause      *regexp.Regexp
	reRequired, reRequiredNot, reDegreeSubject, reEntryIs *regexp.Regexp
	reApprentice, reNVQ, reLevels, reDigit, reSentence    *regexp.Regexp
	reDrivingLicence, reDegreeApp, reCollegeBody          *regexp.Regexp
	reWorkAndTraining, reDegreeUsual, reDegreeNot         *regexp.Regexp
	requiredFacts, entryQualRe                            map[string]*regexp.Regexp
	entryRules                                            []entryRule
	bodyRules                                             []bodyRule
}

var entryRes = sync.OnceValue(func() *entryPatterns {
	p := &entryPatterns{}
	p.reOptional = regexp.MustCompile(`\bavailable\b|\bmay\b|\bsome\b|\b(can|could) also\b|sometimes possible|also possible|are eligible|\boptional\b|further study`)
	p.reOrPostgrad = regexp.MustCompile(`degrees?,? (and/or|or) (a |an )?(relevant |appropriate )?(postgraduate|masters?)\b`)
	p.reDegreeWord = regexp.MustCompile(`\bdegrees?\b`)
	p.reClause = regexp.MustCompile(`,\s*(although|but|and|while|whereas)\s|\s(although|but|whereas)\s|\sand (some|many|other)\s`)
	p.reRequired = regexp.MustCompile(`\b(must|will require|requires?|required|essential|mandatory|compulsory|pre-?requisite|necessary)\b`)
	p.reRequiredNot = regexp.MustCompile(`\b(may|might|some|sometimes|often|not|no|can be|although|usually|normally|typically|generally)\b`)
	p.reDegreeSubject = regexp.MustCompile(`(?:degree|university course|degree course) in ([a-z][a-z ]{2,60})`)
	p.reEntryIs = regexp.MustCompile(`^\s*(entry (is|requires)|entrants( [a-z]+){0,3} (possess|hold|have|need|require))\b`)
	p.requiredFacts = map[string]*regexp.Regexp{
		"degree":            regexp.MustCompile(`\bdegree\b`),
		"postgraduate":      regexp.MustCompile(`\bpostgraduate\b|\bmasters?\b`),
		"professional_body": regexp.MustCompile(`regist(ered|ration)|member(ship)? of|chartered`),
		"dbs_check":         regexp.MustCompile(`\bdbs\b|disclosure and barring|criminal record|\bpvg\b|vetting|background (security )?checks?`),
		"driving_licence":   regexp.MustCompile(`driving licen[cs]e|\b(hgv|lgv|pcv)\b|full licen[cs]e`),
		"licence":           regexp.MustCompile(`\blicen[cs]e\b`),
		"cscs_card":         regexp.MustCompile(`\bcscs\b`),
	}
	p.entryQualRe = map[string]*regexp.Regexp{
		"postgraduate": regexp.MustCompile(`\bpostgraduate\b|\bmasters?'?s?\b|\bphd\b|\bdoctorate\b`),
	}
	p.reApprentice = regexp.MustCompile(`\bapprentice(ship)?s?\b`)
	p.reNVQ = regexp.MustCompile(`\b(s/)?nvqs?\b|\bsvqs?\b`)
	p.reLevels = regexp.MustCompile(`\blevels? ((?:[1-8](?:\s*(?:,|and|or|to|-)\s*)?)+)`)
	p.reDigit = regexp.MustCompile(`[1-8]`)
	p.reSentence = regexp.MustCompile(`[.;]\s+`)
	p.reDrivingLicence = regexp.MustCompile(`driving licen[cs]es?|full licen[cs]es?|(hgv|lgv|pcv|c1|d1)(/(hgv|lgv|pcv))? licen[cs]es?`)
	p.reDegreeApp = regexp.MustCompile(`degree apprenticeships?`)
	p.reCollegeBody = regexp.MustCompile(`\b(royal )?college of [a-z]+|open college network`)
	p.reWorkAndTraining = regexp.MustCompile(`(combining|combine|combines|with|and) (practical )?work experience (and|with)`)
	p.reDegreeUsual = regexp.MustCompile(`(usually|normally|typically|generally|must|will) (require|need|hold|possess|have)s?( obtained)? (a |an |an appropriate |a relevant |a recognised |a qualifying |a first |a good )?([a-z]+ ){0,3}degree|(require|need|requires|needs) (a |an )?([a-z]+ ){0,3}(university )?degree|(entry|entrants) (is|are|will be)? ?(usually |normally |typically )?(with|via|by|through) (a )?([a-z]+ ){0,2}degree|degree (is|are) (usually |normally |typically )?(required|needed|necessary)`)
	p.reDegreeNot = regexp.MustCompile(`(not|rarely|no) (usually |always |normally )?(require|need|required|needed)|may (require|need)|some (posts|employers|entrants)|although|also possible|also available|degree or (gcse|a level|btec|hnd|vocational)|\bmany\b`)
	p.entryRules = []entryRule{
		{"route", "degree", regexp.MustCompile(`\b(degree|graduates?|university)\b`)},
		{"route", "postgraduate", regexp.MustCompile(`\b(postgraduate|masters?'?s? degree|phd|doctorate)\b`)},
		// A college route needs college wording: a course, diploma or certificate alone
		// can be a university, professional or employer's course, and "vocational
		// qualifications" (NVQs) are mostly taken at work. Bodies named "College"
		// (the Royal College of Veterinary Surgeons, the College of Policing) are
		// removed from the sentence first (reCollegeBody).
		{"route", "college", regexp.MustCompile(`\b(colleges?|further education|btecs?|hnds?|hncs?|higher national|t levels?)\b`)},
		{"route", "on_the_job", regexp.MustCompile(`on.the.job|student [a-z]+ (position|post|role)s?|trainee (position|post)s?|in[- ]house training|in[- ]service training|work[- ]based training|training (is )?(provided|given) (by|at) (the )?employer|experience gained`)},
		{"route", "work_experience", regexp.MustCompile(`relevant experience|practical experience|work experience|with experience|previous experience|experience (in|as|of) `)},
		{"route", "promotion_at_work", regexp.MustCompile(`\bpromotion\b|promoted from`)},
		{"route", "training_scheme", regexp.MustCompile(`training (scheme|programme)s?|trainee scheme|graduate (training )?scheme`)},
		{"qual", "gcse", regexp.MustCompile(`\bgcses?\b|\bs grades?\b|\bnational 5`)},
		{"qual", "a_level", regexp.MustCompile(`\ba[- ]levels?\b|\bhighers\b|\bh grades?\b`)},
		{"qual", "btec", regexp.MustCompile(`\bbtecs?\b`)},
		{"qual", "hnc_hnd", regexp.MustCompile(`\bhn[cd]s?\b|higher national`)},
		{"qual", "degree", regexp.MustCompile(`\bdegrees?\b|\buniversity (course|programme)s?\b`)},
		{"qual", "postgraduate", regexp.MustCompile(`\bpostgraduate\b|\bmasters?'?s?\b|\bphd\b|\bdoctorate\b`)},
		{"qual", "professional_qualification", regexp.MustCompile(`professional (qualifications?|exams?|examinations?|certificat)`)},
		{"qual", "none_required", regexp.MustCompile(`no (formal |specific |set |particular )?(academic )?(entry )?qualifications? (is |are )?(usually |normally )?(required|needed)|(academic )?qualifications (are )?(not|may not be) (always |usually )?(required|needed|necessary)|no formal (academic )?entry (requirements|qualifications)|no (formal )?(academic |educational )?(entry )?requirements|no minimum (academic )?(entry )?qualifications?`)},
		{"reg", "cscs_card", regexp.MustCompile(`\bcscs\b|construction skills certification`)},
		{"reg", "driving_licence", regexp.MustCompile(`driving licen[cs]e|\b(hgv|lgv|pcv)\b|driver cpc|full licen[cs]e`)},
		{"reg", "dbs_check", regexp.MustCompile(`\bdbs\b|disclosure and barring|criminal records? (check|bureau)|\bpvg\b|background (security )?checks?|security (vetting|clearance)|vetting`)},
		{"reg", "licence", regexp.MustCompile(`\b(sia )?licen[cs]e[ds]?\b|\blicensing\b`)},
		{"reg", "professional_body", regexp.MustCompile(`register(ed)? with|registration with|state registered|chartered status|professional (body|membership)|membership of`)},
		{"req", "good_eyesight", regexp.MustCompile(`eyesight|vision|visual acuity`)},
		{"req", "colour_vision", regexp.MustCompile(`colou?r vision|colou?r blind`)},
		{"req", "fitness", regexp.MustCompile(`physical(ly)? (fitness|fit|standards?|tests?)|physical(,| and| or) (medical |psychological )?(tests?|examinations?|assessments?)|fitness tests?|physically fit|medically fit`)},
		{"req", "medical", regexp.MustCompile(`medical (examination|check|test|assessment|standards?|fitness)|health (check|screening|requirements?)`)},
		{"req", "age_minimum", regexp.MustCompile(`minimum age|aged? (at least |over |under )?\d{2}|\b\d{2} years of age|\bmust be (at least )?\d{2}|over \d{2} years|age restrictions?`)},
	}
	p.bodyRules = []bodyRule{
		{"GMC", regexp.MustCompile(`\bGMC\b|general medical council`), ""},
		{"NMC", regexp.MustCompile(`\bNMC\b|nursing and midwifery council`), ""},
		{"HCPC", regexp.MustCompile(`\bHCPC\b|\bHPC\b|health (and care )?professions council`), ""},
		{"GDC", regexp.MustCompile(`\bGDC\b|general dental council`), ""},
		{"GPhC", regexp.MustCompile(`\bGPhC\b|general pharmaceutical council`), ""},
		{"GOC", regexp.MustCompile(`\bGOC\b|general optical council`), ""},
		{"RCVS", regexp.MustCompile(`\bRCVS\b|royal college of veterinary surgeons`), ""},
		{"SWE", regexp.MustCompile(`social work england|\bSWE\b`), ""},
		{"SRA", regexp.MustCompile(`\bSRA\b|solicitors regulation authority`), ""},
		{"ARB", regexp.MustCompile(`\bARB\b|architects registration board`), ""},
		{"Engineering Council", regexp.MustCompile(`engineering council`), ""},
		{"Gas Safe", regexp.MustCompile(`gas safe`), ""},
		{"SIA", regexp.MustCompile(`\bSIA\b|security industry authority`), "licence"},
		// the General Teaching Council for England is gone: in England teachers need
		// qualified teacher status; Scotland keeps its teaching council
		{"QTS", regexp.MustCompile(`qualified teacher status|\bQTS\b`), ""},
		{"GTCS", regexp.MustCompile(`general teaching council for scotland|\bGTCS\b`), ""},
	}
	return p
})
