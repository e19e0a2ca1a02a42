package lmi

import (
	"context"
	"fmt"
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
		base := e.distribution(u, "annual/full_time").Median
		fig := base
		if region != "" {
			fig = regionalFigure(g, u, base, region).Median
			if fig.Missing {
				continue
			}
		}
		ro := RankedOccupation{SOC2020: u.SOC2020, Title: u.Title, Median: fig}
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
	{"animals", []string{"animal", "pet", "dog", "cat", "horse", "wildlife", "zoo"}, "R", []string{"Biology"}, []string{"animal", "veterinar", "zoo", "groom", "kennel", "farm", "horse", "equine", "pest"}, "works with animals"},
	{"sport", []string{"sport", "football", "fitnes", "gym", "exercise", "pe", "running", "swimming", "rugby", "cricket", "athletic"}, "RS", nil, []string{"sport", "fitness", "leisure", "athlet", "football", "gym", "personal trainer", "lifeguard", "swimming"}, "is about sport and fitness"},
	{"drawing", []string{"drawing", "draw", "art", "painting", "sketching", "illustration"}, "A", []string{"Fine Arts", "Design"}, []string{"artist", "illustrat", "graphic", "animat", "design", "tattoo"}, "uses drawing and art"},
	{"being creative", []string{"creative", "creativity", "design", "designing", "making", "craft", "crafts"}, "A", []string{"Fine Arts", "Design"}, []string{"design", "artist", "craft", "photograph", "maker"}, "is creative work"},
	{"computers", []string{"computer", "computing", "coding", "code", "programming", "tech", "technology", "it", "gaming", "game", "games", "software", "ict"}, "IC", []string{"Computers and Electronics", "Programming"}, []string{"programmer", "software", "it ", "web", "data", "cyber", "computer", "network", "database", "information technology"}, "works with computers"},
	{"helping people", []string{"helping", "help", "caring", "care", "others", "volunteering", "kind"}, "S", []string{"Therapy and Counseling", "Customer and Personal Service", "Psychology", "Service Orientation"}, []string{"care", "nurse", "social work", "support", "counsel", "youth", "therap", "welfare", "paramedic"}, "is about helping people"},
	{"fixing things", []string{"fixing", "fix", "repair", "repairing", "mending", "tinkering", "engine", "engines", "machine", "machines", "hands"}, "R", []string{"Mechanical", "Repairing", "Equipment Maintenance", "Troubleshooting"}, []string{"mechanic", "repair", "fitter", "technician", "electrician", "engineer", "maintenance", "servic"}, "is hands-on work fixing things"},
	{"science", []string{"science", "sciences", "biology", "chemistry", "physics", "experiment", "experiments", "lab"}, "I", []string{"Biology", "Chemistry", "Physics"}, []string{"scien", "laborator", "chemi", "biolog", "physic", "research"}, "uses science"},
	{"maths", []string{"math", "maths", "mathematics", "number", "numbers", "statistics", "puzzle", "puzzles"}, "IC", []string{"Mathematics"}, []string{"statistic", "actuar", "accountant", "economist", "analyst", "engineer", "finance"}, "uses maths"},
	{"the outdoors", []string{"outdoor", "outdoors", "outside", "nature", "garden", "gardening", "plant", "plants", "environment", "countryside"}, "R", []string{"Biology", "Geography"}, []string{"garden", "farm", "forest", "conservation", "environment", "landscape", "groundsm", "tree", "horticult", "agricult"}, "is often outdoors"},
	{"cars", []string{"car", "cars", "vehicle", "vehicles", "motorbike", "motorbikes", "driving", "engine"}, "R", []string{"Mechanical"}, []string{"vehicle", "mechanic", "motor", "driver", "garage"}, "works with cars and vehicles"},
	{"music", []string{"music", "musical", "singing", "sing", "guitar", "piano", "drum", "drums", "band"}, "A", []string{"Fine Arts"}, []string{"music", "sound", "singer", "entertainer"}, "involves music"},
	{"kids", []string{"kid", "kids", "child", "children", "baby", "babies", "young"}, "S", []string{"Education and Training"}, []string{"child", "nursery", "teach", "play", "youth", "nann", "early education", "childminder"}, "works with children"},
	{"writing", []string{"writing", "write", "english", "reading", "stories", "books", "blog"}, "A", []string{"English Language", "Writing", "Communications and Media"}, []string{"author", "writer", "journalist", "editor", "librar", "translat"}, "uses writing"},
	{"cooking", []string{"cooking", "cook", "baking", "bake", "food"}, "R", []string{"Food Production"}, []string{"chef", "cook", "baker", "catering", "food", "butcher"}, "is about food and cooking"},
	{"business", []string{"business", "money", "selling", "sales", "enterprise", "economics"}, "E", []string{"Economics and Accounting", "Sales and Marketing", "Administration and Management"}, []string{"business", "sales", "finance", "marketing", "manager", "accountant"}, "is about business"},
	{"talking to people", []string{"talking", "talk", "chatting", "chat", "meeting"}, "SE", []string{"Customer and Personal Service", "Speaking"}, []string{"sales", "customer", "receptionist", "advis", "presenter", "travel"}, "means talking to people a lot"},
	{"history", []string{"history", "historical", "museum", "museums"}, "I", []string{"History and Archeology"}, []string{"archiv", "curator", "librar", "historian"}, "uses history"},
	{"languages", []string{"language", "languages", "french", "spanish", "german"}, "A", []string{"Foreign Language"}, []string{"translat", "interpret", "english as a foreign"}, "uses languages"},
	{"the law", []string{"law", "legal", "justice", "crime", "police"}, "E", []string{"Law and Government", "Public Safety and Security"}, []string{"solicitor", "lawyer", "legal", "barrister", "police", "judge", "prison"}, "is about the law"},
	{"health", []string{"health", "medicine", "medical", "hospital", "body", "doctor"}, "IS", []string{"Medicine and Dentistry", "Biology"}, []string{"nurse", "medical", "health", "paramedic", "therap", "pharma", "dental", "radiograph"}, "is about health"},
	{"building", []string{"building", "build", "construction", "lego", "diy"}, "R", []string{"Building and Construction"}, []string{"construction", "builder", "bricklayer", "carpenter", "plumber", "electrician", "roofer", "plasterer", "joiner"}, "is building work"},
	{"fashion and beauty", []string{"fashion", "clothes", "beauty", "makeup", "hair", "nails"}, "A", []string{"Design"}, []string{"fashion", "clothing", "beaut", "hair", "tailor", "dressmaker"}, "is about fashion and beauty"},
	{"acting", []string{"acting", "drama", "theatre", "performing", "dance", "dancing", "film", "films", "tv"}, "A", []string{"Fine Arts", "Communications and Media"}, []string{"actor", "entertainer", "dancer", "presenter", "arts officer", "producer"}, "is performing work"},
	{"travel", []string{"travel", "travelling", "abroad", "plane", "planes", "flying"}, "E", []string{"Transportation", "Geography"}, []string{"travel", "air", "pilot", "tour", "cabin"}, "involves travel"},
}

var riasecNames = map[string]string{"R": "hands-on (Realistic)", "I": "finding things out (Investigative)", "A": "creative (Artistic)", "S": "helping people (Social)", "E": "leading and persuading (Enterprising)", "C": "organising (Conventional)"}

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
			for _, k := range in.keywords {
				if hasWordPrefix(title, k) {
					kw = true
					s += 4
					break
				}
			}
			if !kw {
				for _, k := range in.keywords {
					if hasWordPrefix(related, k) {
						kw = true
						s += 2
						break
					}
				}
			}
			kn := 0.0
			if u.Profile != nil {
				for _, list := range [][]Skill{u.Profile.Knowledge, u.Profile.Skills} {
					for _, sk := range list {
						for _, name := range in.knowledge {
							if sk.Name == name && sk.Importance > kn {
								kn = sk.Importance
							}
						}
					}
				}
				if kn >= 3.5 {
					s += (kn - 3) * 1.5
				}
				for _, l := range in.riasec {
					if v := u.Profile.RIASEC[string(l)]; v > 4 {
						s += (v - 4) / 3
					}
				}
			}
			if kw || kn >= 3.5 {
				because = append(because, fmt.Sprintf("you said you like %s, and this job %s", in.name, in.because))
			} else {
				s *= 0.3
			}
			score += s
		}
		if len(because) == 0 || score <= 0 {
			continue
		}
		if u.Profile != nil && len(u.Profile.Interests) > 0 {
			if n, ok := riasecNames[u.Profile.Interests[0][:1]]; ok {
				because = append(because, "it is mostly "+n+" work")
			}
		}
		if u.Pay["annual/full_time"][0] == nil {
			score *= 0.9 // prefer jobs we can tell them more about
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
