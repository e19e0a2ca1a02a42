package dialog

import (
	"context"
	"sort"
	"strings"

	"github.com/careersbot/careersbot/lmi"
)

// ucFakeStore is a small in-test lmi.Store: a handful of job titles and places found by
// whole-word matching. It stands in for the embedded store in unit tests.
type ucFakeStore struct {
	lmi.Store // nil: methods the understander does not call panic if used
	titles    []ucFakeTitle
	places    []ucFakePlace
}

type ucFakeTitle struct{ alias, soc, title string }
type ucFakePlace struct{ alias, region string }

func newUCFakeStore() *ucFakeStore {
	s := &ucFakeStore{}
	add := func(soc, title string, aliases ...string) {
		for _, a := range aliases {
			s.titles = append(s.titles, ucFakeTitle{a, soc, title})
		}
	}
	add("5241", "Electricians and electrical fitters", "electrician", "electricians", "sparky")
	add("5315", "Plumbers", "plumber", "plumbers", "plumbing")
	add("2237", "Nurses", "nurse", "nurses", "nursing")
	add("2211", "Generalist medical practitioners", "doctor", "doctors", "gp")
	add("2240", "Veterinarians", "vet", "vets")
	add("2134", "Programmers and software development professionals", "coding", "software developer", "software development", "programmer", "coder", "game developer", "developer")
	add("5434", "Chefs", "chef", "chefs")
	add("2313", "Secondary education teaching professionals", "teacher", "teachers", "teaching")
	add("6221", "Hairdressers and barbers", "hairdresser", "hairdressers", "barber", "barbers")
	add("3312", "Police officers (sergeant and below)", "police", "police officer", "police officers")
	add("2412", "Solicitors", "lawyer", "lawyers", "solicitor", "solicitors")
	add("2451", "Architects", "architect", "architects", "architecture")
	add("2255", "Paramedics", "paramedic", "paramedics")
	add("2461", "Social workers", "social worker", "social workers", "social work")
	add("2421", "Chartered and certified accountants", "accountant", "accountants")
	add("2221", "Physiotherapists", "physiotherapy", "physio", "physiotherapist")
	add("5316", "Carpenters and joiners", "carpenter", "carpenters", "joiner")
	add("3511", "Aircraft pilots", "pilot", "pilots")
	add("2142", "Graphic and multimedia designers", "graphic design", "graphic designer")
	add("6135", "Care workers and home carers", "carers", "carer", "care", "care worker")
	add("8211", "Large goods vehicle drivers", "lorry driver", "lorry drivers", "hgv driver")
	add("2433", "Economists", "economist", "economists")
	add("2222", "Occupational therapists", "occupational therapy", "occupational therapist")
	add("2453", "Quantity surveyors", "quantity surveyor")
	add("3111", "Laboratory technicians", "lab technician", "lab technicians", "lab tech")
	add("7111", "Sales and retail assistants", "retail", "shop assistant")
	add("5313", "Bricklayers", "bricklayer", "bricklayers", "brickie")
	add("3563", "Careers advisers", "careers adviser")
	add("2253", "Dentists", "dentist", "dentists")
	add("6121", "Animal care services occupations", "dog groomer", "zookeeper")
	add("3313", "Firefighters", "firefighter", "firefighters", "fireman")
	add("5231", "Vehicle technicians, mechanics and electricians", "mechanic", "mechanics")
	add("2231", "Midwives", "midwife", "midwives", "midwifery")
	add("6131", "Nursing auxiliaries and assistants", "nursing assistant")
	add("3311", "NCOs and other ranks", "army", "soldier")
	add("2142", "Web designers", "web designer")
	add("6112", "Teaching assistants", "teaching assistant")
	add("3421", "Interior designers", "interior designer")
	add("2251", "Pharmacists", "pharmacist", "pharmacists")
	add("3520", "Legal associate professionals", "paralegal")
	add("3544", "Data analysts", "data analyst")
	add("3411", "Probation officers", "probation officer")
	add("2121", "Civil engineers", "civil engineer")
	add("2133", "Data scientists", "data scientist")
	add("2454", "Surveyors", "surveyor")
	add("3416", "Social media content creators", "youtuber", "youtubers")
	add("3431", "Sports players", "footballer", "footballers")
	add("5432", "Bakers and flour confectioners", "baker", "bakers")
	add("2212", "Psychologists", "psychologist")
	sort.SliceStable(s.titles, func(i, j int) bool { return len(s.titles[i].alias) > len(s.titles[j].alias) })
	for _, p := range []ucFakePlace{
		{"london", "London"}, {"scotland", "Scotland"}, {"manchester", "North West"}, {"wales", "Wales"},
		{"cardiff", "Wales"}, {"glasgow", "Scotland"}, {"nottingham", "East Midlands"},
		{"south east", "South East"}, {"north east", "North East"}, {"west midlands", "West Midlands"},
		{"leeds", "Yorkshire and The Humber"}, {"birmingham", "West Midlands"}, {"bristol", "South West"},
		{"liverpool", "North West"}, {"newcastle", "North East"}, {"belfast", "Northern Ireland"},
		{"the north", "North West"}, {"sheffield", "Yorkshire and The Humber"},
	} {
		s.places = append(s.places, p)
	}
	return s
}

// ucWordFind finds needle in hay (both lowercase) at word boundaries, from pos.
func ucWordFind(hay, needle string, from int) int {
	for from <= len(hay) {
		i := strings.Index(hay[from:], needle)
		if i < 0 {
			return -1
		}
		i += from
		j := i + len(needle)
		okL := i == 0 || !ucIsAlnum(hay[i-1])
		okR := j == len(hay) || !ucIsAlnum(hay[j])
		if okL && okR {
			return i
		}
		from = i + 1
	}
	return -1
}

func ucIsAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 'A' && b <= 'Z'
}

func (s *ucFakeStore) FindOccupations(ctx context.Context, text string) ([]lmi.Mention, error) {
	low := ucASCIILower(text)
	var out []lmi.Mention
	used := make([]bool, len(low)+1)
	for _, t := range s.titles {
		for from := 0; ; {
			i := ucWordFind(low, t.alias, from)
			if i < 0 {
				break
			}
			j := i + len(t.alias)
			from = j
			clash := false
			for k := i; k < j; k++ {
				if used[k] {
					clash = true
				}
			}
			if clash {
				continue
			}
			for k := i; k < j; k++ {
				used[k] = true
			}
			out = append(out, lmi.Mention{Text: text[i:j], Start: i, End: j,
				Candidates: []lmi.Match{{SOC2020: t.soc, Title: t.title, Score: 1, Matched: t.alias}}})
		}
	}
	return out, nil
}

func (s *ucFakeStore) FindPlace(ctx context.Context, text string) (lmi.PlaceMatch, bool) {
	low := ucASCIILower(text)
	for _, p := range s.places {
		if i := ucWordFind(low, p.alias, 0); i >= 0 {
			return lmi.PlaceMatch{Text: text[i : i+len(p.alias)], Kind: "town", Region: lmi.Region{Name: p.region},
				Start: i, End: i + len(p.alias)}, true
		}
	}
	return lmi.PlaceMatch{}, false
}

// ucASCIILower lowercases ASCII letters only, so byte offsets stay those of text.
func ucASCIILower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// SearchOccupations matches the whole query against the fake titles' aliases.
func (s *ucFakeStore) SearchOccupations(ctx context.Context, query string, limit int) ([]lmi.Match, error) {
	q := ucASCIILower(query)
	for _, t := range s.titles {
		if q == t.alias {
			return []lmi.Match{{SOC2020: t.soc, Title: t.title, Score: 1, Matched: t.alias}}, nil
		}
	}
	return nil, nil
}

// ResolvePlace matches the whole text against the fake places' aliases.
func (s *ucFakeStore) ResolvePlace(ctx context.Context, text string) (lmi.PlaceMatch, error) {
	q := ucASCIILower(text)
	for _, p := range s.places {
		if q == p.alias {
			return lmi.PlaceMatch{Text: text, Kind: "town", Region: lmi.Region{Name: p.region}}, nil
		}
	}
	return lmi.PlaceMatch{}, lmi.ErrNotFound
}
