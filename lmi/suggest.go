package lmi

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// needsDegree reports whether a unit group usually needs a degree: the entry facts
// name a degree with no apprenticeship, on-the-job or no-qualification route, or
// O*NET puts its US matches in job zone 5.
func needsDegree(u *snapUnit) bool {
	has := func(list []string, v string) bool {
		for _, x := range list {
			if x == v {
				return true
			}
		}
		return false
	}
	e := u.Entry
	if e.DegreeUsual {
		return true
	}
	if has(e.Qualifications, "degree") && !has(e.Routes, "apprenticeship") && !has(e.Routes, "on_the_job") && !has(e.Qualifications, "none_required") {
		return true
	}
	return u.Profile != nil && u.Profile.JobZone >= 5 && !has(e.Routes, "apprenticeship")
}

// seniorRole reports whether a unit group is reached after years of work rather
// than from school, college or training: corporate managers and directors
// (sub-major group 11, chief executives among them; directors and senior officers
// elsewhere in major group 1) and unit groups whose entry
// facts give only experience or promotion as routes.
func seniorRole(u *snapUnit) bool {
	if strings.HasPrefix(u.SOC2020, "11") {
		return true
	}
	if strings.HasPrefix(u.SOC2020, "1") {
		t := strings.ToLower(u.Title)
		if strings.Contains(t, "director") || strings.Contains(t, "senior") {
			return true
		}
	}
	if len(u.Entry.Routes) == 0 {
		return false
	}
	for _, r := range u.Entry.Routes {
		if r != "work_experience" && r != "promotion_at_work" {
			return false
		}
	}
	return true // only experience or promotion leads in
}

// BestPaid ranks unit groups by full-time median annual pay (ASHE 2025; groups whose
// 2025 median was not published are left out rather than mixed with older years).
func (e *Embedded) BestPaid(ctx context.Context, q BestPaidQuery) ([]RankedOccupation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	units, err := e.units()
	if err != nil {
		return nil, err
	}
	var g *placeIndex
	region := ""
	if strings.TrimSpace(q.Region) != "" {
		var err error
		if g, err = e.places(); err != nil {
			return nil, err
		}
		r, ok := g.regionByName(q.Region)
		if !ok {
			return nil, fmt.Errorf("lmi: region %q: %w", q.Region, ErrNotFound)
		}
		region = r.Name
	}
	var out []RankedOccupation
	for _, u := range units {
		f := u.Pay["annual/full_time"]
		if f[0] == nil {
			continue
		}
		if q.NoDegree && needsDegree(u) {
			continue
		}
		if (q.NoDegree || q.NoSenior || q.Apprenticeship || q.Trades) && seniorRole(u) {
			continue
		}
		if q.Apprenticeship && !slices.Contains(u.Entry.Routes, "apprenticeship") {
			continue
		}
		if q.Trades && !strings.HasPrefix(u.SOC2020, "5") {
			continue
		}
		base := e.distribution(u, "annual/full_time").Median
		fig := base
		if region != "" {
			fig = regionalFigure(g, u, base, region).Median
			if fig.Missing {
				continue
			}
		}
		ro := RankedOccupation{SOC2020: u.SOC2020, Title: u.Title, Median: fig, Entry: u.Entry}
		if len(u.SOC2010) > 0 {
			ro.SOC2010 = u.SOC2010[0]
		}
		out = append(out, ro)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Median.Value != out[j].Median.Value {
			return out[i].Median.Value > out[j].Median.Value
		}
		return out[i].SOC2020 < out[j].SOC2020
	})
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// interest is one everyday interest word family and what it means for jobs.
type interest struct {
	name      string   // as said back: "animals"
	triggers  []string // stemmed words that name it
	riasec    string   // letters it points to
	knowledge []string // O*NET knowledge or skill names
	keywords  []string // title fragments (lower case)
	because   string   // "this job works with animals"
}

var interests = []interest{
	{"animals", []string{"animal", "pet", "dog", "cat", "horse", "wildlife", "zoo"}, "R", []string{"Biology"}, []string{"veterinar", "animal", "zoo", "groom", "kennel", "horse", "equine", "farm", "pest"}, "works with animals"},
	{"sport", []string{"sport", "football", "fitnes", "gym", "exercise", "pe", "running", "swimming", "rugby", "cricket", "athletic", "netball", "basketball", "tennis", "boxing"}, "RS", nil, []string{"sports coach", "sports player", "fitness", "sport", "physiotherap", "athlet", "football", "gym", "personal trainer", "lifeguard", "swimming", "leisure", "physical education"}, "is about sport and fitness"},
	{"drawing", []string{"drawing", "draw", "art", "painting", "sketching", "illustration"}, "A", []string{"Fine Arts", "Design"}, []string{"artist", "illustrat", "graphic", "animat", "design", "tattoo"}, "uses drawing and art"},
	{"being creative", []string{"creative", "creativity", "design", "designing", "making", "craft", "crafts"}, "A", []string{"Fine Arts", "Design"}, []string{"design", "artist", "craft", "photograph", "maker"}, "is creative work"},
	{"computers", []string{"computer", "computing", "coding", "code", "programming", "tech", "technology", "it", "gaming", "game", "games", "software", "ict"}, "IC", []string{"Computers and Electronics", "Programming"}, []string{"programmer", "software", "web design", "cyber", "it user support", "it operations", "computer", "network", "database", "data", "web", "information technology", "it "}, "works with computers"},
	{"helping people", []string{"helping", "help", "caring", "care", "others", "volunteering", "kind"}, "S", []string{"Therapy and Counseling", "Customer and Personal Service", "Psychology", "Service Orientation"}, []string{"care", "nurse", "social work", "support", "counsel", "youth", "therap", "welfare", "paramedic"}, "is about helping people"},
	{"fixing things", []string{"fixing", "fix", "repair", "repairing", "mending", "tinkering", "engine", "engines", "machine", "machines", "hands"}, "R", []string{"Mechanical", "Repairing", "Equipment Maintenance", "Troubleshooting"}, []string{"mechanic", "repair", "electrician", "technician", "fitter", "maintenance", "engineer", "servic"}, "is hands-on work fixing things"},
	{"science", []string{"science", "sciences", "biology", "chemistry", "physics", "experiment", "experiments", "lab"}, "I", []string{"Biology", "Chemistry", "Physics"}, []string{"scien", "laborator", "chemi", "biolog", "physic", "research"}, "uses science"},
	{"maths", []string{"math", "maths", "mathematics", "number", "numbers", "statistics", "puzzle", "puzzles"}, "IC", []string{"Mathematics"}, []string{"statistic", "actuar", "accountant", "economist", "analyst", "engineer", "finance"}, "uses maths"},
	{"the outdoors", []string{"outdoor", "outdoors", "outside", "nature", "garden", "gardening", "plant", "plants", "environment", "countryside"}, "R", []string{"Biology", "Geography"}, []string{"gardener", "farm worker", "groundsm", "conservation", "forest", "farm", "landscape", "tree", "horticult", "environment", "agricult"}, "is often outdoors"},
	{"cars", []string{"car", "cars", "vehicle", "vehicles", "motorbike", "motorbikes", "driving", "engine"}, "R", []string{"Mechanical"}, []string{"vehicle technician", "mechanic", "vehicle body", "vehicle", "motor", "garage", "driver"}, "works with cars and vehicles"},
	{"music", []string{"music", "musical", "singing", "sing", "guitar", "piano", "drum", "drums", "band"}, "A", []string{"Fine Arts"}, []string{"music", "sound", "singer", "entertainer"}, "involves music"},
	{"kids", []string{"kid", "kids", "child", "children", "baby", "babies", "young"}, "S", []string{"Education and Training"}, []string{"childcare", "nursery", "early education", "childminder", "child", "primary", "teaching assistant", "youth", "nann", "play", "teach"}, "works with children"},
	{"writing", []string{"writing", "write", "english", "reading", "stories", "books", "blog"}, "A", []string{"English Language", "Writing", "Communications and Media"}, []string{"author", "writer", "journalist", "editor", "librar", "translat"}, "uses writing"},
	{"cooking", []string{"cooking", "cook", "baking", "bake", "food"}, "R", []string{"Food Production"}, []string{"chef", "cook", "baker", "catering", "food", "butcher"}, "is about food and cooking"},
	{"business", []string{"business", "money", "selling", "sales", "enterprise", "economics"}, "E", []string{"Economics and Accounting", "Sales and Marketing", "Administration and Management"}, []string{"business", "sales", "finance", "marketing", "manager", "accountant"}, "is about business"},
	{"talking to people", []string{"talking", "talk", "chatting", "chat", "meeting"}, "SE", []string{"Customer and Personal Service", "Speaking"}, []string{"sales", "customer", "receptionist", "advis", "presenter", "travel"}, "means talking to people a lot"},
	{"history", []string{"history", "historical", "museum", "museums"}, "I", []string{"History and Archeology"}, []string{"archiv", "curator", "librar", "historian"}, "uses history"},
	{"languages", []string{"language", "languages", "french", "spanish", "german"}, "A", []string{"Foreign Language"}, []string{"translat", "interpret", "english as a foreign"}, "uses languages"},
	{"the law", []string{"law", "legal", "justice", "crime", "police"}, "E", []string{"Law and Government", "Public Safety and Security"}, []string{"solicitor", "lawyer", "legal", "barrister", "police", "judge", "prison"}, "is about the law"},
	{"health", []string{"health", "medicine", "medical", "hospital", "body", "doctor"}, "IS", []string{"Medicine and Dentistry", "Biology"}, []string{"nurse", "medical", "health", "paramedic", "therap", "pharma", "dental", "radiograph"}, "is about health"},
	{"building", []string{"building", "build", "construction", "lego", "diy"}, "R", []string{"Building and Construction"}, []string{"construction", "builder", "bricklayer", "carpenter", "plumber", "electrician", "roofer", "plasterer", "joiner"}, "is building work"},
	{"fashion", []string{"fashion", "clothes", "clothing", "style", "sewing"}, "A", []string{"Design"}, []string{"fashion", "clothing", "tailor", "dressmaker", "visual merchandis", "textile"}, "is about fashion and clothes"},
	{"hair and beauty", []string{"beauty", "makeup", "make-up", "hair", "nails", "hairdressing", "skincare"}, "A", nil, []string{"beautician", "beauty", "hairdress", "barber", "make-up", "nail"}, "is about hair and beauty"},
	{"acting", []string{"acting", "drama", "theatre", "performing", "dance", "dancing", "film", "films", "tv"}, "A", []string{"Fine Arts", "Communications and Media"}, []string{"actor", "entertainer", "dancer", "presenter", "arts officer", "producer"}, "is performing work"},
	{"space", []string{"space", "astronomy", "planets", "stars", "rockets", "rocket", "astronaut"}, "I", []string{"Physics"}, []string{"aerospace", "physical scientist", "astronom", "aircraft"}, "is about space, flight and physics"},
	{"planes", []string{"aeroplane", "aeroplanes", "aircraft", "aviation", "airport", "airports"}, "R", nil, []string{"aircraft", "pilot", "aerospace", "air transport", "air travel"}, "works with planes"},
	{"trains", []string{"trains", "train", "railway", "railways", "trainspotting"}, "R", nil, []string{"train and tram", "rail transport", "rail travel", "rail", "rolling stock"}, "works with trains and railways"},
	{"photography", []string{"photography", "photo", "photos", "camera", "cameras", "filming", "video", "videos"}, "A", nil, []string{"photograph", "camera", "audio-visual", "broadcasting", "film", "video"}, "uses cameras and images"},
	{"social media", []string{"instagram", "tiktok", "youtube", "snapchat", "influencer", "influencers", "vlogging", "blogging", "media"}, "AE", nil, []string{"advertising and marketing", "marketing", "web content", "public relations", "presenter", "entertainer"}, "works with social media and online content"},
	{"psychology", []string{"psychology", "mind", "minds", "feelings", "mental"}, "IS", []string{"Psychology", "Therapy and Counseling"}, []string{"psycholog", "counsel", "mental health", "psychotherap", "therap"}, "is about how people think and feel"},
	{"politics", []string{"politics", "political", "government", "parliament", "debating", "debate"}, "E", []string{"Law and Government"}, []string{"government", "politic", "public relations", "policy", "non-governmental", "journalist"}, "is about government and public life"},
	{"travel", []string{"travel", "travelling", "abroad", "plane", "planes", "flying", "holiday", "holidays"}, "E", nil, []string{"travel agent", "air travel", "cabin crew", "tour guide", "travel", "tour", "pilot", "cabin"}, "involves travel"},
}

// plain words for the RIASEC interest letters (never the letters or their jargon
// names: these are read by 11 to 14 year olds)
var riasecNames = map[string]string{"R": "hands-on work", "I": "work finding things out", "A": "creative work", "S": "work helping people", "E": "work leading and persuading people", "C": "organised work with information"}

// Suggest ranks unit groups for a person's interests, subjects and skills, and says
// why, deterministically.
func (e *Embedded) Suggest(ctx context.Context, q SuggestQuery) ([]Suggestion, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	units, err := e.units()
	if err != nil {
		return nil, err
	}
	var words []string
	for _, list := range [][]string{q.Interests, q.Subjects, q.Skills} {
		for _, s := range list {
			for _, t := range tokenize(s) {
				words = append(words, t.raw, t.norm)
			}
		}
	}
	var hit []*interest
	seen := map[string]bool{}
	for i := range interests {
		in := &interests[i]
		for _, tr := range in.triggers {
			found := false
			for _, w := range words {
				if w == tr {
					found = true
					break
				}
			}
			if found && !seen[in.name] {
				seen[in.name] = true
				hit = append(hit, in)
				break
			}
		}
	}
	if len(hit) == 0 {
		return []Suggestion{}, nil
	}
	type cand struct {
		s     Suggestion
		score float64
	}
	var cands []cand
	for _, u := range units {
		if q.NoDegree && needsDegree(u) {
			continue
		}
		title := strings.ToLower(u.Title)
		related := strings.ToLower(strings.Join(u.Related, " | "))
		var score float64
		var because []string
		for _, in := range hit {
			var s float64
			kw := false
			// keywords are listed most typical first: an earlier one counts more
			titleKW := false
			for ki, k := range in.keywords {
				if hasWordPrefix(title, k) {
					kw, titleKW = true, true
					s += 4 * (1 - 0.04*float64(min(ki, 10)))
					break
				}
			}
			if !kw {
				for ki, k := range in.keywords {
					if hasWordPrefix(related, k) {
						kw = true
						s += 2 * (1 - 0.04*float64(min(ki, 10)))
						break
					}
				}
			}
			kn := 0.0
			knName := ""
			if u.Profile != nil {
				for _, list := range [][]Skill{u.Profile.Knowledge, u.Profile.Skills} {
					for _, sk := range list {
						for _, name := range in.knowledge {
							if sk.Name == name && sk.Importance > kn {
								kn, knName = sk.Importance, name
							}
						}
					}
				}
				if kn >= 3.5 {
					if titleKW {
						s += (kn - 3) * 1.5
					} else {
						s += (kn - 3) * 0.75 // shared knowledge alone is weaker evidence than the job's name
					}
				}
				for _, l := range in.riasec {
					if v := u.Profile.RIASEC[string(l)]; v > 4 {
						s += (v - 4) / 3
					}
				}
			}
			switch {
			case kw:
				because = append(because, fmt.Sprintf("you said you like %s, and this job %s", in.name, in.because))
			case kn >= 3.5:
				// only the O*NET profile links them: say what it shares, no more
				because = append(because, fmt.Sprintf("you said you like %s, and this job uses %s", in.name, plainKnowledge(knName)))
			default:
				s *= 0.3
			}
			score += s
		}
		if len(because) == 0 || score <= 0 {
			continue
		}
		if u.Profile != nil && len(u.Profile.Interests) > 0 {
			if n, ok := riasecNames[u.Profile.Interests[0][:1]]; ok {
				because = append(because, "it is mostly "+n)
			}
		}
		if u.Pay["annual/full_time"][0] == nil {
			score *= 0.9 // prefer jobs we can tell them more about
		}
		// young people start in jobs, not in charge of them: managers, directors and
		// proprietors come lower unless the person asked about business
		if !seen["business"] {
			switch {
			case strings.HasPrefix(u.SOC2020, "1"):
				score *= 0.3
			case strings.Contains(title, "manager") || strings.Contains(title, "director"):
				score *= 0.7
			}
		}
		if strings.HasSuffix(u.Title, "n.e.c.") || strings.HasSuffix(u.Title, "n.e.c") {
			score *= 0.8
		}
		sg := Suggestion{SOC2020: u.SOC2020, Title: u.Title, Because: because}
		if len(u.SOC2010) > 0 {
			sg.SOC2010 = u.SOC2010[0]
		}
		cands = append(cands, cand{sg, score})
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].s.SOC2020 < cands[j].s.SOC2020
	})
	// young people start in jobs, not in charge of them: leave managers, directors
	// and proprietors out unless the person asked about business or little else fits
	if !seen["business"] {
		var jobs []cand
		for _, c := range cands {
			if !strings.HasPrefix(c.s.SOC2020, "1") {
				jobs = append(jobs, c)
			}
		}
		if len(jobs) >= 3 {
			cands = jobs
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	max := 0.0
	if len(cands) > 0 {
		max = cands[0].score
	}
	out := []Suggestion{}
	for i, c := range cands {
		if i == limit {
			break
		}
		c.s.Score = round(c.score/max, 3)
		out = append(out, c.s)
	}
	return out, nil
}

// hasWordPrefix reports whether some word of text starts with prefix ("veterinar"
// matches "veterinary nurses"; "coach" does not match "stagecoach").
func hasWordPrefix(text, prefix string) bool {
	for i := 0; i+len(prefix) <= len(text); {
		j := strings.Index(text[i:], prefix)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 || !isWordByte(text[at-1]) {
			return true
		}
		i = at + 1
	}
	return false
}

// plainKnowledge says an O*NET knowledge or skill area in everyday words.
func plainKnowledge(name string) string {
	if w, ok := plainKnowledgeNames[name]; ok {
		return w
	}
	return strings.ToLower(name)
}

var plainKnowledgeNames = map[string]string{
	"Fine Arts": "art and design", "Communications and Media": "media and communication", "Computers and Electronics": "computers",
	"Therapy and Counseling": "helping people with their problems", "Customer and Personal Service": "looking after customers",
	"Service Orientation": "helping people", "Mechanical": "machines and tools", "Repairing": "repairing things",
	"Equipment Maintenance": "looking after equipment", "Troubleshooting": "finding what is wrong with things",
	"Economics and Accounting": "money and accounts", "Sales and Marketing": "selling and marketing",
	"Administration and Management": "running an organisation", "Speaking": "talking to people",
	"History and Archeology": "history", "Foreign Language": "other languages", "Law and Government": "the law",
	"Public Safety and Security": "keeping people safe", "Medicine and Dentistry": "medicine", "Building and Construction": "building",
	"Food Production": "food", "Education and Training": "teaching", "English Language": "English", "Writing": "writing",
	"Transportation": "transport", "Programming": "programming", "Psychology": "psychology",
}
