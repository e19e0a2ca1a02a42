package dialog

import (
	"math"
	"slices"
	"strings"

	"github.com/careersbot/careersbot/lmi"
)

// EntryView is an occupation's entry facts in words for the reply's depth, split so a
// template never has to render an empty list: every list here is either empty (and
// the template says something honest instead) or has words in it.
type EntryView struct {
	Known  bool     // any route or qualification is known
	Routes []string // usual routes in, in words (postgraduate study only at detailed depth)
	Quals  []string // qualifications that help ("none required" left out)
	// NoQuals is set when the facts say no set qualifications are needed.
	NoQuals bool
	// Degree is set when entry usually needs a degree.
	Degree bool
	// Postgrad is set when some entrants also take postgraduate study.
	Postgrad bool
	Bodies   []string // professional bodies to register with, in words
	// RegisterBody is set when registration with a professional body is needed but
	// no body is named.
	RegisterBody bool
	Checks       []string // other checks and licences (DBS check, driving licence)
	Requirements []string // physical and other requirements

	// Without is what the person asked to do without ("a degree", "college",
	// "A levels"), "" when they did not ask.
	Without string
	// Other lists the routes the facts show that avoid what they asked to do without.
	Other []string
	// Needed is set when the usual way in needs what they asked to do without.
	Needed bool
}

// bodyChecks replace "register with" a body for statuses that are not bodies to
// register with: teachers gain QTS in England and register with a teaching council
// elsewhere.
var bodyChecks = map[string]string{
	"QTS":  "Qualified Teacher Status (QTS) in England, or registration with the teaching council in Wales, Scotland or Northern Ireland",
	"GTCS": "registration with the General Teaching Council for Scotland",
}

// bodyNames are what to call a body after "register with" when "the" + initials
// would read oddly.
var bodyNames = map[string]string{"Gas Safe": "the Gas Safe Register"}

// EntryFacts turns an occupation's entry facts into an EntryView.
func (v *View) EntryFacts(o *OccView) EntryView {
	var x EntryView
	if o == nil || o.Entry == nil {
		return x
	}
	en := o.Entry
	x.Degree = en.DegreeUsual
	young := v.Young || v.Teen
	for _, r := range en.Routes {
		if r == "postgraduate" {
			x.Postgrad = true
			continue
		}
		x.Routes = append(x.Routes, v.routeWord(o, r))
	}
	for _, q := range en.Qualifications {
		switch q {
		case "none_required":
			x.NoQuals = true
			continue
		case "postgraduate":
			x.Postgrad = true
			continue
		}
		w, ok := qualWords[q]
		if !ok {
			w = [2]string{strings.ReplaceAll(q, "_", " "), strings.ReplaceAll(q, "_", " ")}
		}
		s := w[1]
		if young {
			s = w[0]
		} else if q == "nvq" && len(en.NVQLevels) > 0 {
			s += " (level " + joinInts(en.NVQLevels) + ")"
		}
		x.Quals = append(x.Quals, s)
	}
	if len(x.Quals) > 0 {
		x.NoQuals = false // others help even when none are strictly required
	}
	x.Known = len(en.Routes)+len(en.Qualifications) > 0
	for _, r := range en.Registration {
		switch r {
		case "professional_body":
			if len(en.Bodies) == 0 {
				x.RegisterBody = true
			}
			for _, b := range en.Bodies {
				if w, ok := bodyChecks[b]; ok {
					x.Checks = append(x.Checks, w)
					continue
				}
				if w, ok := bodyNames[b]; ok {
					b = w
				} else {
					b = "the " + b
				}
				x.Bodies = append(x.Bodies, b)
			}
		case "cscs_card":
			x.Checks = append(x.Checks, "a CSCS card (for building sites)")
		case "driving_licence":
			x.Checks = append(x.Checks, "a driving licence")
		case "dbs_check":
			x.Checks = append(x.Checks, "a DBS check")
		case "licence":
			x.Checks = append(x.Checks, "a licence")
		default:
			x.Checks = append(x.Checks, strings.ReplaceAll(r, "_", " "))
		}
	}
	x.Requirements = v.Requirements(o)
	if x.Known || len(x.Bodies)+len(x.Checks) > 0 {
		v.UseSource(en.SourceID)
	}

	// What the person asked to do without.
	switch v.Without {
	case "degree":
		x.Without = "a degree"
		has := slices.Contains(en.Routes, "degree") || slices.Contains(en.Qualifications, "degree")
		x.Needed = en.DegreeUsual || has && !slices.ContainsFunc(en.Routes, nonDegreeRoute)
		for _, r := range en.Routes {
			// When a degree is usually needed, only an apprenticeship (often a degree
			// apprenticeship, without going to uni) is a real way round it.
			if en.DegreeUsual && r != "apprenticeship" || !nonDegreeRoute(r) {
				continue
			}
			x.Other = append(x.Other, v.routeWord(o, r))
		}
	case "college":
		x.Without = "college"
		x.Needed = slices.Contains(en.Routes, "college") && len(en.Routes) == 1
		for _, r := range en.Routes {
			if r == "college" || r == "postgraduate" || r == "degree" {
				continue
			}
			x.Other = append(x.Other, v.routeWord(o, r))
		}
	case "a_level":
		x.Without = "A levels"
		x.Needed = slices.Contains(en.Qualifications, "a_level")
		for _, r := range en.Routes {
			if r == "apprenticeship" || r == "on_the_job" || r == "work_experience" || r == "training_scheme" {
				x.Other = append(x.Other, v.routeWord(o, r))
			}
		}
		for _, q := range en.Qualifications {
			if q == "hnc_hnd" || q == "btec" || q == "nvq" {
				w := qualWords[q]
				x.Other = append(x.Other, w[0])
			}
		}
	}
	return x
}

func nonDegreeRoute(r string) bool {
	switch r {
	case "apprenticeship", "college", "on_the_job", "work_experience", "training_scheme", "promotion_at_work", "courses":
		return true
	}
	return false
}

// routeWord is one route in words for the depth.
func (v *View) routeWord(o *OccView, r string) string {
	w := routeWords[r]
	if w == [2]string{} {
		w = [2]string{strings.ReplaceAll(r, "_", " "), strings.ReplaceAll(r, "_", " ")}
	}
	if v.Young || v.Teen {
		return w[0]
	}
	s := w[1]
	if r == "apprenticeship" && len(o.Entry.ApprenticeshipLevels) > 0 {
		s += " (level " + joinInts(o.Entry.ApprenticeshipLevels) + ")"
	}
	return s
}

// ---- what a job involves, in plain words from structured facts ----

// interestWords are plain adjectives for the O*NET (RIASEC) interest areas ("it is
// mostly hands-on and organised work").
var interestWords = map[string]string{
	"Realistic": "hands-on", "Investigative": "problem-solving", "Artistic": "creative",
	"Social": "caring", "Enterprising": "enterprising", "Conventional": "organised",
}

// knowledgeWords are plain words for O*NET knowledge areas ("" leaves one out:
// too general to say what a job is about).
var knowledgeWords = map[string]string{
	"Administration and Management": "running things", "Administrative": "office work",
	"Biology": "biology", "Building and Construction": "building", "Chemistry": "chemistry",
	"Communications and Media": "media", "Computers and Electronics": "computers",
	"Customer and Personal Service": "serving customers", "Design": "design",
	"Economics and Accounting": "money", "Education and Training": "teaching",
	"Engineering and Technology": "engineering", "English Language": "",
	"Fine Arts": "the arts", "Food Production": "food", "Geography": "places and maps",
	"History and Archeology": "history", "Law and Government": "the law", "Mathematics": "",
	"Mechanical": "machines", "Medicine and Dentistry": "medicine",
	"Personnel and Human Resources": "hiring staff", "Philosophy and Theology": "beliefs",
	"Physics": "physics", "Production and Processing": "making things",
	"Psychology": "how people think", "Public Safety and Security": "keeping people safe",
	"Sales and Marketing": "selling", "Sociology and Anthropology": "how people live",
	"Telecommunications": "networks", "Therapy and Counseling": "therapy",
	"Transportation": "transport",
}

// WorkType says what kind of work a job mostly is ("hands-on"), from its O*NET
// interest areas; "" when not known.
func (v *View) WorkType(o *OccView) string {
	if o == nil || o.Profile == nil || len(o.Profile.Interests) == 0 {
		return ""
	}
	v.UseSource(o.Profile.SourceID)
	var out []string
	most := 2
	if v.Young {
		most = 1 // one kind of work reads easier
	}
	for i, in := range o.Profile.Interests {
		if i >= most {
			break
		}
		if w := interestWords[in]; w != "" {
			out = append(out, w)
		}
	}
	return joinList(out)
}

// Knows lists up to n plain knowledge areas a job uses ("building", "machines and
// tools"), from its O*NET profile.
func (v *View) Knows(o *OccView, n int) []string {
	if o == nil || o.Profile == nil {
		return nil
	}
	var out []string
	for _, k := range o.Profile.Knowledge {
		if len(out) >= n {
			break
		}
		w, ok := knowledgeWords[k.Name]
		if !ok {
			w = strings.ToLower(k.Name)
		}
		if w != "" && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	if len(out) > 0 {
		v.UseSource(o.Profile.SourceID)
	}
	return out
}

// Everyday lists up to n short, everyday job titles from the group (no bracketed
// qualifiers, at most three words, not the job itself), lower-cased for young
// readers.
func (v *View) Everyday(o *OccView, n int) []string {
	if o == nil {
		return nil
	}
	name := singular(strings.ToLower(o.Name))
	title := singular(strings.ToLower(o.Title))
	var cands []string
	for _, r := range o.RelatedTitles {
		lr := strings.ToLower(r)
		if strings.ContainsAny(r, "()/&,.-") || strings.Count(r, " ") > 2 || len(r) > 26 ||
			singular(lr) == name || singular(lr) == title || strings.Contains(lr, "n.e.c") {
			continue
		}
		dup := false
		for _, c := range cands {
			if strings.EqualFold(c, r) {
				dup = true
			}
		}
		if !dup {
			cands = append(cands, r)
		}
	}
	// The store's order is kept: the group's typical titles (ONS Volume 1) come
	// before the long tail of the coding index.
	if len(cands) > n {
		cands = cands[:n]
	}
	if v.Young || v.Teen {
		for i := range cands {
			cands[i] = lowerWords(cands[i])
		}
	}
	return cands
}

// acronyms are written in capitals inside a sentence.
var acronyms = map[string]bool{"hvac": true, "cad": true, "gp": true, "hgv": true, "lgv": true, "pcso": true,
	"cctv": true, "ict": true, "hr": true, "tv": true, "dj": true, "mp": true, "nhs": true, "ecp": true, "cnc": true}

// lowerWords lower-cases a title inside a sentence but keeps acronyms ("HVAC engineer").
func lowerWords(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		up := 0
		for _, c := range w {
			if c >= 'A' && c <= 'Z' {
				up++
			}
		}
		if up < 2 {
			words[i] = strings.ToLower(w)
		}
		if acronyms[words[i]] {
			words[i] = strings.ToUpper(words[i]) // "Hvac engineer" -> "HVAC engineer"
		}
	}
	return strings.Join(words, " ")
}

// AskedPay is the full-time median for the pay period the person asked for (per
// hour, week or month), with its source; "" when they did not ask for one or the
// figure is missing. A monthly figure is the yearly median divided by 12, and says so
// at older depths.
func (v *View) AskedPay(o *OccView) string {
	if o == nil || o.Pay == nil {
		return ""
	}
	switch v.Unit {
	case "hour":
		if f := o.Pay.HourlyFullTime.Median; v.Has(f) {
			return v.Hourly(f) + " " + v.Src(f)
		}
	case "week":
		if f := o.Pay.WeeklyFullTime.Median; v.Has(f) {
			return v.Weekly(f) + " " + v.Src(f)
		}
	case "month":
		if f := o.Pay.AnnualFullTime.Median; v.Has(f) {
			v.use(f)
			if v.Young || v.Teen {
				return "about £" + Commas(roundTo(f.Value/12, 100)) + " a month " + v.Src(f)
			}
			return "£" + Commas(math.Round(f.Value/12)) + " a month (the yearly median divided by 12) " + v.Src(f)
		}
	}
	return ""
}

// article puts "a" or "an" before a job name ("an optician", "a vet").
func article(name string) string {
	if name == "" {
		return name
	}
	switch name[0] {
	case 'a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U':
		if !strings.HasPrefix(strings.ToLower(name), "uni") && !strings.HasPrefix(strings.ToLower(name), "euro") {
			return "an " + name
		}
	}
	return "a " + name
}

// SrcNew is Src, but "" when the same label was already given in this reply (a
// second figure from the same source and year needs no second label).
func (v *View) SrcNew(f lmi.Figure) string {
	if slices.Contains(v.labels, v.srcLabel(f.SourceID, f.Year)) {
		v.UseSource(f.SourceID)
		return ""
	}
	return v.Src(f)
}
