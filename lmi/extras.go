package lmi

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"sort"
	"strings"
)

func (e *Embedded) loadOutlook() ([]snapOutlookArea, error) {
	e.outlookOnce.Do(func() { e.outlookErr = e.readJSON(fileOutlook, &e.outlook) })
	return e.outlook, e.outlookErr
}

func (e *Embedded) loadAdverts() (snapAdverts, error) {
	e.adsOnce.Do(func() { e.adsErr = e.readJSON(fileAdverts, &e.ads) })
	return e.ads, e.adsErr
}

func (e *Embedded) loadLEO() ([]snapLEO, error) {
	e.leoOnce.Do(func() { e.leoErr = e.readJSON(fileLEO, &e.leo) })
	return e.leo, e.leoErr
}

func outlookFigure(v float64) Figure {
	return Figure{Value: v, SourceID: "skills2035", Year: "2020-2035", Estimate: true, Caveats: []string{"a projection, not a forecast", "published for the whole sub-major (2-digit) group, not this job alone", "thousands of people, workplace based, including the self-employed"}}
}

func (e *Embedded) outlookFor(u *snapUnit, areaCode string) (*Outlook, error) {
	areas, err := e.loadOutlook()
	if err != nil {
		return nil, err
	}
	for _, a := range areas {
		if a.Code != areaCode {
			continue
		}
		for _, r := range a.Rows {
			if r.Group == u.SubMajor {
				o := &Outlook{Area: a.Name, SubMajorGroup: r.Group, SubMajorGroupTitle: r.Title,
					Employment2020K: outlookFigure(r.V[0]), Employment2035K: outlookFigure(r.V[1]), NetChangeK: outlookFigure(r.V[2]),
					ReplacementK: outlookFigure(r.V[3]), TotalRequirementK: outlookFigure(r.V[4])}
				// a total smaller than replacement demand reads as an error unless said
				if r.V[2] < 0 {
					o.TotalRequirementK.Caveats = append(o.TotalRequirementK.Caveats, "the total is replacement demand (people leaving or retiring) minus the jobs lost overall, so it is smaller than replacement demand")
				} else {
					o.TotalRequirementK.Caveats = append(o.TotalRequirementK.Caveats, "the total is replacement demand (people leaving or retiring) plus the new jobs")
				}
				return o, nil
			}
		}
	}
	return nil, fmt.Errorf("lmi: outlook %s for %s: %w", areaCode, u.SubMajor, ErrNotFound)
}

func looseKey(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer(" and ", " ", "&", " ", ",", " ", "-", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// OutlookForPlace gives the Skills Imperative 2035 projection for a unit group's
// sub-major group in the LSIP area of a place (England only). When the place has no
// published LSIP projection it falls back to England, and Area says so.
func (e *Embedded) OutlookForPlace(ctx context.Context, soc2020 string, place PlaceMatch) (*Outlook, error) {
	u, err := e.unit(soc2020)
	if err != nil {
		return nil, err
	}
	areas, err := e.loadOutlook()
	if err != nil {
		return nil, err
	}
	want := []string{looseKey(place.LSIP), looseKey(place.Area), looseKey(place.Region.Name)}
	for _, w := range want {
		if w == "" {
			continue
		}
		// prefer LSIP areas, then combined authorities
		for _, suffix := range []string{"_LSIP", "_MCA", "_LEP"} {
			for _, a := range areas {
				if strings.HasSuffix(a.Code, suffix) && looseKey(a.Name) == w {
					return e.outlookFor(u, a.Code)
				}
			}
		}
	}
	return e.outlookFor(u, "EN")
}

// AdvertCounts answers "are there jobs near me": online job adverts for the unit
// group's sub-major group in the place's local area (July 2025) and in England, plus
// the unit group's own England figures.
type AdvertCounts struct {
	Month              string  `json:"month"`
	SubMajorGroup      string  `json:"sub_major_group"`
	SubMajorGroupTitle string  `json:"sub_major_group_title"`
	LocalArea          string  `json:"local_area,omitempty"` // LSIP or local authority name
	LocalAreaType      string  `json:"local_area_type,omitempty"`
	Local              Figure  `json:"local"`   // adverts for the sub-major group in the local area
	England            Figure  `json:"england"` // adverts for the sub-major group in England
	Unit               *Demand `json:"unit,omitempty"`
}

// Adverts returns online job advert counts for a unit group near a place.
func (e *Embedded) Adverts(ctx context.Context, soc2020 string, place PlaceMatch) (*AdvertCounts, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u, err := e.unit(soc2020)
	if err != nil {
		return nil, err
	}
	ads, err := e.loadAdverts()
	if err != nil {
		return nil, err
	}
	cav := []string{"online adverts posted that month, not vacancies", "published for the whole sub-major (2-digit) group", "England only"}
	out := &AdvertCounts{Month: ads.Month, SubMajorGroup: u.SubMajor, SubMajorGroupTitle: u.SubMajorTitle}
	if u.Demand != nil {
		out.Unit = demandOf(u.Demand)
	}
	missing := func(reason string) Figure {
		return Figure{Missing: true, Reason: reason, SourceID: "adverts", Year: ads.Month}
	}
	out.England, out.Local = missing("not published"), missing("no local figure for this place")
	for _, a := range ads.Areas {
		if a.Type == "country" {
			if v, ok := a.Counts[u.SubMajor]; ok {
				out.England = Figure{Value: v, SourceID: "adverts", Year: ads.Month, Caveats: cav}
			}
		}
	}
	if place.Region.Country != "" && place.Region.Country != "England" {
		out.Local = missing("job advert figures are published for England only")
		return out, nil
	}
	try := []struct{ typ, name string }{{"local_authority", place.Area}, {"lsip", place.LSIP}}
	if place.Region.Name == "London" {
		try = append([]struct{ typ, name string }{{"lsip", "Greater London"}}, try...)
	}
	for _, t := range try {
		if t.name == "" {
			continue
		}
		for _, a := range ads.Areas {
			if a.Type == t.typ && looseKey(a.Name) == looseKey(t.name) {
				if v, ok := a.Counts[u.SubMajor]; ok {
					out.LocalArea, out.LocalAreaType = a.Name, a.Type
					out.Local = Figure{Value: v, SourceID: "adverts", Year: ads.Month, Caveats: cav}
					return out, nil
				}
			}
		}
	}
	return out, nil
}

// GraduateIndustry is one industry share for a degree subject (DfE LEO).
type GraduateIndustry struct {
	Industry  string `json:"industry"`
	Percent   Figure `json:"percent"`
	Graduates Figure `json:"graduates"`
}

// GraduateIndustries says which industries first-degree graduates of a subject work
// in three years after graduating (largest share first). The subject is matched
// loosely ("computer science" -> Computing).
func (e *Embedded) GraduateIndustries(ctx context.Context, subject string) (string, []GraduateIndustry, error) {
	rows, err := e.loadLEO()
	if err != nil {
		return "", nil, err
	}
	subj := matchSubject(rows, subject)
	if subj == "" {
		return "", nil, fmt.Errorf("lmi: graduate subject %q: %w", truncate(subject, 60), ErrNotFound)
	}
	cav := []string{"industry the graduates work in, not their job", "graduates of 2016-17, three years on (2020-21)", "counts rounded to 5 by DfE"}
	var out []GraduateIndustry
	for _, r := range rows {
		if r.Subject == subj && r.Qualification == "First degree" {
			out = append(out, GraduateIndustry{Industry: r.Industry,
				Percent:   Figure{Value: r.Percent, SourceID: "leo", Year: "2020-21", Caveats: cav},
				Graduates: Figure{Value: r.Graduates, SourceID: "leo", Year: "2020-21", Caveats: cav}})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Percent.Value > out[j].Percent.Value })
	return subj, out, nil
}

var subjectAliases = map[string]string{
	"computer science": "Computing", "cs": "Computing", "it": "Computing", "maths": "Mathematical sciences", "math": "Mathematical sciences",
	"mathematics": "Mathematical sciences", "english": "English studies", "english literature": "English studies", "history": "History and archaeology",
	"geography": "Geography, earth and environmental studies", "art": "Creative arts and design", "design": "Creative arts and design",
	"biology": "Biosciences", "medicine": "Medicine and dentistry", "dentistry": "Medicine and dentistry", "nursing": "Nursing and midwifery",
	"business": "Business and management", "pharmacy": "Pharmacology, toxicology and pharmacy", "sport": "Sport and exercise sciences",
	"sports science": "Sport and exercise sciences", "drama": "Performing arts", "music": "Performing arts", "languages": "Languages and area studies",
	"french": "Languages and area studies", "spanish": "Languages and area studies", "german": "Languages and area studies", "media": "Media, journalism and communications",
	"journalism": "Media, journalism and communications", "sociology": "Sociology, social policy and anthropology", "philosophy": "Philosophy and religious studies",
	"religious studies": "Philosophy and religious studies", "vet": "Veterinary sciences", "veterinary science": "Veterinary sciences", "physics": "Physics and astronomy",
	"architecture": "Architecture, building and planning", "teaching": "Education and teaching", "education": "Education and teaching",
	// HECoS subjects inside a Common Aggregation Hierarchy group the LEO tables use
	"biochemistry": "Biosciences", "marine biology": "Biosciences", "zoology": "Biosciences", "genetics": "Biosciences",
	"microbiology": "Biosciences", "ecology": "Biosciences", "biomedical science": "Medical sciences",
	"forensic science": "General, applied and forensic sciences", "criminology": "Sociology, social policy and anthropology",
	"anthropology": "Sociology, social policy and anthropology", "social policy": "Sociology, social policy and anthropology",
	"accounting": "Business and management", "accountancy": "Business and management", "finance": "Business and management",
	"marketing": "Business and management", "business management": "Business and management",
	"international relations": "Politics", "social work": "Health and social care", "physiotherapy": "Allied health",
	"paramedic science": "Allied health", "radiography": "Allied health", "midwifery": "Nursing and midwifery",
	"geology": "Geography, earth and environmental studies", "environmental science": "Geography, earth and environmental studies",
	"linguistics": "Languages and area studies", "software engineering": "Computing", "computer games": "Computing",
	"mechanical engineering": "Engineering", "civil engineering": "Engineering", "electrical engineering": "Engineering",
	"aerospace engineering": "Engineering", "chemical engineering": "Engineering", "theology": "Philosophy and religious studies",
}

func matchSubject(rows []snapLEO, subject string) string {
	k := strings.ToLower(strings.TrimSpace(subject))
	if k == "" {
		return ""
	}
	if s, ok := subjectAliases[k]; ok {
		return s
	}
	names := map[string]bool{}
	for _, r := range rows {
		names[r.Subject] = true
	}
	var list []string
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	for _, n := range list {
		if strings.EqualFold(n, k) {
			return n
		}
	}
	for _, n := range list {
		if n != "All" && (strings.Contains(strings.ToLower(n), k) || strings.HasPrefix(k, strings.ToLower(strings.Fields(n)[0]))) && len(k) >= 3 {
			return n
		}
	}
	return ""
}

// DefaultVolume1Path is where LoadTexts looks by default for the ONS file.
const DefaultVolume1Path = "../shared/data/ons_soc2020_volume1/soc2020_unit_groups.csv"

// LoadTexts reads the ONS SOC 2020 Volume 1 CSV at run time and fills
// Occupation.Texts (description, entry-routes prose, tasks). The prose is never part
// of the snapshot. It returns how many unit groups got texts.
func (e *Embedded) LoadTexts(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("lmi: texts: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return 0, fmt.Errorf("lmi: texts %s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for _, c := range []string{"soc2020", "description", "entry_routes_and_qualifications", "tasks"} {
		if _, ok := col[c]; !ok {
			return 0, fmt.Errorf("lmi: texts %s: missing column %q", path, c)
		}
	}
	texts := map[string]*Texts{}
	for {
		rec, err := r.Read()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			line, _ := r.FieldPos(0)
			return 0, fmt.Errorf("lmi: texts %s line %d: %w", path, line, err)
		}
		get := func(c string) string {
			if i := col[c]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		t := &Texts{Description: get("description"), EntryRoutes: get("entry_routes_and_qualifications"), SourceID: "soc2020"}
		for _, task := range strings.Split(get("tasks"), "|") {
			if task = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(task), "~")); task != "" {
				t.Tasks = append(t.Tasks, task)
			}
		}
		texts[get("soc2020")] = t
	}
	e.textsMu.Lock()
	e.texts = texts
	e.textsMu.Unlock()
	return len(texts), nil
}
