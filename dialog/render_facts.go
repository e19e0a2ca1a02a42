package dialog

import (
	"math"
	"slices"
	"strconv"
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
	// ViaApprenticeship is set when a needed degree can be taken through a degree
	// apprenticeship (nurses, midwives): working and paid, not full time at uni.
	ViaApprenticeship bool

	// MoreRoutes are the ways in besides the degree DegreeLine names.
	MoreRoutes []string
	// DegreeLine says what degree the work needs and how it can be taken, for a
	// reviewed unit group that needs or usually has one; "" otherwise.
	DegreeLine string
	// MinAge is the youngest age to start (0 when not recorded).
	MinAge int
	// Reviewed is set when the facts come from the reviewed table.
	Reviewed bool
}

// bodyChecks replace "register with" a body for statuses that are not bodies to
// register with: teachers gain QTS in England and register with a teaching council
// elsewhere.
var bodyChecks = map[string]string{
	"QTS":  "Qualified Teacher Status (QTS) in England, or registration with the teaching council in Wales, Scotland or Northern Ireland",
	"GTCS": "registration with the General Teaching Council for Scotland",
}

// bodyNames are what to call a body after "register with": its full name, so a
// young reader knows who it is, with the initials people will meet.
var bodyNames = map[string]string{
	"Gas Safe": "the Gas Safe Register",
	"GMC":      "the General Medical Council (GMC)",
	"NMC":      "the Nursing and Midwifery Council (NMC)",
	"HCPC":     "the Health and Care Professions Council (HCPC)",
	"GDC":      "the General Dental Council (GDC)",
	"GPhC":     "the General Pharmaceutical Council (GPhC)",
	"GOC":      "the General Optical Council (GOC)",
	"RCVS":     "the Royal College of Veterinary Surgeons (RCVS)",
	"SWE":      "Social Work England (or the social care council in Wales, Scotland or Northern Ireland)",
	"SRA":      "the Solicitors Regulation Authority (SRA)",
	"BSB":      "the Bar Standards Board (BSB)",
	"ARB":      "the Architects Registration Board (ARB)",
	"Ofsted":   "Ofsted (in England; the care inspectorate elsewhere in the UK)",
	"SIA":      "the Security Industry Authority (SIA)",
	"CAA":      "the Civil Aviation Authority (CAA)",
	"DVSA":     "the Driver and Vehicle Standards Agency (DVSA)",
}

// checkWords are the cards, tests and checks a job needs, in words.
// The first words are for young readers (13 and under).
var checkWords = map[string][2]string{
	"cscs_card":  {"a CSCS card (to work on building sites)", "a CSCS card (for building sites)"},
	"ecs_card":   {"an ECS card (to work on building sites)", "an ECS card (the electrician's card for building sites, from the JIB)"},
	"driver_cpc": {"a Driver CPC (a test for work drivers)", "a Driver CPC (the professional driver's qualification)"},
	"dbs_check":  {"a DBS check", "a DBS check"},
}

// EntryFacts turns an occupation's entry facts into an EntryView.
func (v *View) EntryFacts(o *OccView) EntryView {
	var x EntryView
	if o == nil || o.Entry == nil {
		return x
	}
	en := o.Entry
	x.Degree = en.DegreeUsual
	young := v.Young || v.Teen
	if len(en.Routes) > 0 {
		x.Routes = make([]string, 0, len(en.Routes))
	}
	if len(en.Qualifications) > 0 {
		x.Quals = make([]string, 0, len(en.Qualifications))
	}
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
	x.Reviewed, x.MinAge = en.Reviewed, en.MinAge
	onlyFor := func(key, s string) string {
		if w := en.OnlyFor[key]; w != "" {
			return s + " (only if you " + w + ")"
		}
		return s
	}
	for _, r := range en.Registration {
		switch r {
		case "professional_body", "licence":
			if r == "professional_body" && len(en.Bodies) == 0 {
				x.RegisterBody = true
			}
			if r == "licence" {
				if en.Licence != "" {
					x.Checks = append(x.Checks, onlyFor("licence", en.Licence))
				} else if len(en.Bodies) == 0 || !slices.Contains(en.Registration, "professional_body") {
					x.Checks = append(x.Checks, "a licence")
				}
				if slices.Contains(en.Registration, "professional_body") {
					continue // the bodies are listed once, under professional_body
				}
				if en.Licence != "" {
					continue // the licence's words name its body
				}
			}
			for _, b := range en.Bodies {
				if w, ok := bodyChecks[b]; ok {
					if v.Young && b == "QTS" {
						w = "QTS (the teaching licence in England)"
					}
					x.Checks = append(x.Checks, w)
					continue
				}
				name := "the " + b
				if w, ok := bodyNames[b]; ok {
					name = w
					if v.Young && strings.HasSuffix(w, "("+b+")") {
						name = "the " + b // short for young readers: "the NMC"
					}
				}
				if v.Young && b == "Ofsted" {
					name = "Ofsted"
				}
				x.Bodies = append(x.Bodies, onlyFor(b, name))
			}
		case "driving_licence":
			w := "a driving licence"
			if cats := en.DrivingCategories; len(cats) > 0 {
				w = "a category " + strings.Join(cats, " or ") + " driving licence"
			}
			x.Checks = append(x.Checks, onlyFor(r, w))
		default:
			w := strings.ReplaceAll(r, "_", " ")
			if cw, ok := checkWords[r]; ok {
				w = cw[1]
				if v.Young {
					w = cw[0]
				}
			}
			x.Checks = append(x.Checks, onlyFor(r, w))
		}
	}
	x.Requirements = v.Requirements(o)
	if x.MinAge > 0 {
		// the age itself is said; "a minimum age" would repeat it
		x.Requirements = slices.DeleteFunc(x.Requirements, func(s string) bool { return s == "a minimum age" })
	}
	if x.Known || len(x.Bodies)+len(x.Checks) > 0 {
		v.UseSource(en.SourceID)
	}
	x.DegreeLine = v.degreeLine(o)
	if x.DegreeLine != "" {
		// the line already says where the degree is taken: the other ways in follow
		// it, and "a degree" is not repeated as a qualification that helps
		x.MoreRoutes = []string{}
		for _, r := range en.Routes {
			if r == "degree" || r == "postgraduate" || r == "apprenticeship" && en.OnlyDegreeApprenticeships() {
				continue
			}
			if r == "apprenticeship" && en.DegreeApprenticeship() {
				// the degree apprenticeship is in the line: the others are below degree level
				x.MoreRoutes = append(x.MoreRoutes, v.apprenticeshipWord(belowDegree(en)))
				continue
			}
			x.MoreRoutes = append(x.MoreRoutes, v.routeWord(o, r))
		}
		degree := qualWords["degree"]
		x.Quals = slices.DeleteFunc(x.Quals, func(q string) bool { return q == degree[0] || q == degree[1] })
	}
	// the AM2 is the electrician's end test: needed, not a qualification that helps
	if am2 := qualWords["am2"]; slices.Contains(en.Qualifications, "am2") {
		x.Quals = slices.DeleteFunc(x.Quals, func(q string) bool { return q == am2[0] || q == am2[1] })
		x.Checks = append([]string{am2[0]}, x.Checks...)
	}

	// What the person asked to do without.
	switch v.Without {
	case "degree":
		x.Without = "a degree"
		has := slices.Contains(en.Routes, "degree") || slices.Contains(en.Qualifications, "degree")
		x.Needed = en.DegreeUsual || has && !slices.ContainsFunc(en.Routes, nonDegreeRoute)
		required := slices.Contains(en.Required, "degree")
		x.ViaApprenticeship = x.Needed && en.DegreeApprenticeship()
		for _, r := range en.Routes {
			// When a degree is usually needed, only an apprenticeship (often a degree
			// apprenticeship, without going to uni) is a real way round it; when the
			// degree is required, or every apprenticeship is a degree one, the
			// apprenticeship is a way to the degree, not round it.
			if en.DegreeUsual && r != "apprenticeship" || !nonDegreeRoute(r) {
				continue
			}
			if r == "apprenticeship" && (required || en.OnlyDegreeApprenticeships()) {
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
	if r == "apprenticeship" {
		return v.apprenticeshipWord(o.Entry)
	}
	if v.Young || v.Teen {
		return w[0]
	}
	return w[1]
}

// apprenticeshipWord is the apprenticeship route in words: a degree apprenticeship
// when that is the only kind, the standards' names and levels at older depths.
func (v *View) apprenticeshipWord(en *lmi.Entry) string {
	only := en.OnlyDegreeApprenticeships()
	if v.Young || v.Teen {
		switch {
		case only:
			return "a degree apprenticeship (work and study for a degree)"
		case en.DegreeApprenticeship() && v.Teen:
			return "an apprenticeship (work and learn, up to degree level)"
		}
		return routeWords["apprenticeship"][0]
	}
	s := "an apprenticeship"
	if only {
		s = "a degree apprenticeship"
	}
	if len(en.Standards) > 0 {
		var names []string
		for _, st := range en.Standards {
			names = append(names, st.Name+", level "+strconv.Itoa(st.Level))
		}
		return s + " (" + strings.Join(names, "; or ") + ")"
	}
	if len(en.ApprenticeshipLevels) > 0 {
		s += " (level " + joinInts(en.ApprenticeshipLevels) + ")"
	}
	return s
}

// belowDegree is a copy of the entry facts keeping only the apprenticeships below
// degree level (levels 2 to 5).
func belowDegree(en *lmi.Entry) *lmi.Entry {
	c := *en
	c.Standards, c.ApprenticeshipLevels = nil, nil
	for _, st := range en.Standards {
		if st.Level < 6 {
			c.Standards = append(c.Standards, st)
		}
	}
	for _, lv := range en.ApprenticeshipLevels {
		if lv < 6 {
			c.ApprenticeshipLevels = append(c.ApprenticeshipLevels, lv)
		}
	}
	return &c
}

// degreeLine says, for a reviewed unit group, what degree the work needs (or most
// people in it have) and the ways to take it; "" when no degree is needed or the
// facts are the rules' (the template then says what it always said).
func (v *View) degreeLine(o *OccView) string {
	en := o.Entry
	if !en.Reviewed || !en.DegreeUsual {
		return ""
	}
	degree := "a degree"
	if en.DegreeSubject != "" {
		degree = "a degree in " + en.DegreeSubject
	}
	var ways []string
	if slices.Contains(en.Routes, "degree") {
		ways = append(ways, map[bool]string{true: "at uni", false: "at university"}[v.Young || v.Teen])
	}
	if en.DegreeApprenticeship() {
		if v.Young || v.Teen {
			ways = append(ways, "through a degree apprenticeship, where you work, get paid and study at the same time")
		} else {
			ways = append(ways, "through a degree apprenticeship")
		}
	}
	how := ""
	if len(ways) > 0 {
		how = ", " + strings.Join(ways, " or ")
	}
	required := slices.Contains(en.Required, "degree")
	switch {
	case v.Young:
		// short sentences: one fact each
		var b strings.Builder
		if required {
			b.WriteString("To be " + article(o.Name) + ", you need " + degree + ".")
		} else {
			b.WriteString("Most people in this job have " + degree + ".")
		}
		if slices.Contains(en.Routes, "degree") {
			b.WriteString(" You can get it at uni.")
		}
		if en.DegreeApprenticeship() {
			b.WriteString(" Or you can do a degree apprenticeship. You work, get paid and study.")
		}
		if slices.Contains(en.Required, "postgraduate") {
			b.WriteString(" Then you need more study after it (a postgraduate course).")
		}
		return b.String()
	case v.Teen:
		then := ""
		if slices.Contains(en.Required, "postgraduate") {
			then = " Then you need a postgraduate qualification too."
		}
		if required {
			return "To become " + article(o.Name) + " you need " + degree + how + "." + then
		}
		return "Most people in " + o.Name + " jobs have " + degree + how + "."
	}
	if required {
		return upperFirst(degree) + " is required" + how + "."
	}
	return upperFirst(degree) + " is usual" + how + "."
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// checkedNames spell out, for young readers, the sources a reviewed row names.
var checkedNames = map[string]string{
	"NCS":   "the National Careers Service",
	"IfATE": "the apprenticeship standards",
}

// EntrySrc labels an occupation's entry facts: the reviewed table with the public
// sources its row was checked against, or ONS SOC 2020 for the rules' facts.
func (v *View) EntrySrc(o *OccView) string {
	if o == nil || o.Entry == nil {
		return ""
	}
	en := o.Entry
	if !en.Reviewed || len(en.CheckedAgainst) == 0 {
		return v.SrcOnce(en.SourceID, "")
	}
	v.UseSource(en.SourceID)
	var short []string
	for _, c := range en.CheckedAgainst {
		name, _, _ := strings.Cut(c, ":")
		name = strings.TrimSpace(name)
		if w, ok := checkedNames[name]; ok && v.Teen {
			name = w
		}
		if name != "" && !slices.Contains(short, name) {
			short = append(short, name)
		}
	}
	switch {
	case v.Young:
		return v.labelOnce("(checked with " + short[0] + ")")
	case v.Teen:
		if len(short) > 3 {
			short = short[:3]
		}
		return v.labelOnce("(checked with " + joinList(short) + ")")
	case v.Older:
		return v.labelOnce("(careersbot entry facts, checked with " + joinList(short) + ")")
	}
	return v.labelOnce("(Source: careersbot reviewed entry facts, checked against " + strings.Join(en.CheckedAgainst, "; ") + ")")
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
		if strings.ContainsAny(r, "()/&,.-") || strings.Count(r, " ") > 2 || len(r) > 26 {
			continue // the cheap tests first: no lower-case copy for a title they rule out
		}
		if lr := strings.ToLower(r); singular(lr) == name || singular(lr) == title || strings.Contains(lr, "n.e.c") {
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
			return v.Hourly(f)
		}
	case "week":
		if f := o.Pay.WeeklyFullTime.Median; v.Has(f) {
			return v.Weekly(f)
		}
	case "month":
		if f := o.Pay.AnnualFullTime.Median; v.Has(f) {
			v.use(f)
			if v.Young || v.Teen {
				return v.tag(f, "about £"+Commas(roundTo(f.Value/12, 100))+" a month")
			}
			return v.tag(f, "£"+Commas(math.Round(f.Value/12))+" a month (the yearly median divided by 12)")
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
	v.UseSource(f.SourceID)
	return v.Src(f)
}
