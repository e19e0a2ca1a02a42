// Package lmi is careersbot's labour market information (LMI) store: UK SOC 2020
// occupations (with their SOC 2010 codes), pay and hours, demand, outlook, skills and
// interests, entry routes and places. Every figure carries its source, year and caveats.
//
// The Store interface is what the rest of careersbot sees. The embedded store (built from
// the committed snapshot that `careersbot data build` generates from the public source
// files) is its first implementation.
package lmi

import (
	"context"
	"errors"
)

// ErrNotFound is returned when a code, place or other key is not in the store.
var ErrNotFound = errors.New("lmi: not found")

// Store answers questions about occupations and places. Implementations are safe for
// concurrent use.
type Store interface {
	// Occupation returns everything known about one SOC 2020 unit group (4 digits).
	Occupation(ctx context.Context, soc2020 string) (*Occupation, error)
	// Occupations returns every unit group, ordered by code.
	Occupations(ctx context.Context) ([]*Occupation, error)
	// SearchOccupations ranks SOC 2020 unit groups for a free-text job title.
	// An empty, unusable or unmatched query gives an empty slice and no error.
	SearchOccupations(ctx context.Context, query string, limit int) ([]Match, error)
	// FindOccupations scans a whole message ("how much do nurses earn a year") for
	// job-title mentions, including fields of work ("nursing", "coding", "retail"),
	// best first, without overlaps. Each mention carries its ranked candidates.
	FindOccupations(ctx context.Context, text string) ([]Mention, error)
	// ResolvePlace finds the UK place a text names: a postcode or postcode district,
	// a town, local authority, region or everyday alias. Ambiguous text ("up north")
	// gives a PlaceMatch with Ambiguous set and Options filled. No place: ErrNotFound.
	ResolvePlace(ctx context.Context, text string) (PlaceMatch, error)
	// FindPlaces scans free text (a whole user message) for place mentions and returns
	// the best one, if any, with the byte span it covered. ok is false when none.
	FindPlace(ctx context.Context, text string) (PlaceMatch, bool)
	// Regions lists the 12 UK countries and English regions.
	Regions(ctx context.Context) ([]Region, error)
	// BestPaid ranks unit groups by full-time median annual pay, for a region when
	// given (estimated from the group's regional ratio, labelled as such).
	BestPaid(ctx context.Context, q BestPaidQuery) ([]RankedOccupation, error)
	// Suggest ranks unit groups for a set of interests, subjects and skills, and says why.
	Suggest(ctx context.Context, q SuggestQuery) ([]Suggestion, error)
	// Sources lists the data sources with attribution lines to show.
	Sources(ctx context.Context) ([]Source, error)
}

// Match is one candidate occupation for a job-title search.
type Match struct {
	SOC2020 string  `json:"soc2020"`
	SOC2010 string  `json:"soc2010"`           // the main SOC 2010 code, "" when none
	Title   string  `json:"title"`             // SOC 2020 unit-group title
	Score   float64 `json:"score"`             // 0..1 confidence
	Matched string  `json:"matched,omitempty"` // the title or alias that matched
}

// ConfidentScore is the least Match.Score of a confident answer: a whole title or
// everyday name matched as written, through a plural or field-noun variant or a
// spelling fix. Overlaps that leave a query word unmatched score at most 0.6, so a
// caller below this score should ask which job the person means.
const ConfidentScore = 0.8

// Mention is a job title found inside a longer text.
type Mention struct {
	Text       string  `json:"text"`  // the words matched, as written
	Start      int     `json:"start"` // byte span in the scanned text
	End        int     `json:"end"`
	Candidates []Match `json:"candidates"` // best first; at least one
	// Ambiguous is set when the text fits several unit groups about equally well
	// ("nurse": nurses or nursing assistants?), so the dialogue should ask.
	Ambiguous bool `json:"ambiguous,omitempty"`
	// AtWork is set when the words say the text is work someone would do or a place
	// they would work ("become a coach", "get into the police", "work at a zoo"): a job
	// asked about, not an interest ("i like sport").
	AtWork bool `json:"at_work,omitempty"`
	// Within is set when the text is a place of work after a word naming jobs ("the
	// best paid job in the nhs", "what jobs are there in a hospital"): where the jobs
	// asked about are, not one of them ("work at a zoo" asks about the zoo's jobs).
	Within bool `json:"within,omitempty"`
}

// Source names where a figure comes from.
type Source struct {
	ID          string `json:"id"`          // short key, e.g. "ashe2025p"
	Name        string `json:"name"`        // "ONS Annual Survey of Hours and Earnings"
	Short       string `json:"short"`       // "ONS ASHE 2025" for young readers
	Year        string `json:"year"`        // "2025 (provisional)"
	Publisher   string `json:"publisher"`   // "ONS"
	Licence     string `json:"licence"`     // "OGL v3"
	Attribution string `json:"attribution"` // the line SOURCES.md asks to show
}

// Figure is one number with where it came from. A figure that was suppressed or not
// published has Missing set and Reason saying why; Value is then zero and must not be shown.
type Figure struct {
	Value    float64  `json:"value"`
	Missing  bool     `json:"missing,omitempty"`
	Reason   string   `json:"reason,omitempty"`   // "not published: sample too small or unreliable"
	Estimate bool     `json:"estimate,omitempty"` // derived, not published (e.g. regional scaling)
	SourceID string   `json:"source"`
	Year     string   `json:"year"`
	Caveats  []string `json:"caveats,omitempty"`
}

// Distribution is a pay or hours distribution as ASHE publishes it.
type Distribution struct {
	Median Figure `json:"median"`
	Mean   Figure `json:"mean"`
	P10    Figure `json:"p10"`
	P25    Figure `json:"p25"`
	P75    Figure `json:"p75"`
	P90    Figure `json:"p90"`
}

// Pay holds ASHE pay and paid hours for one unit group, UK-wide.
type Pay struct {
	AnnualFullTime    Distribution `json:"annual_full_time"`
	AnnualAll         Distribution `json:"annual_all"`
	WeeklyFullTime    Distribution `json:"weekly_full_time"`
	WeeklyAll         Distribution `json:"weekly_all"`
	HourlyFullTime    Distribution `json:"hourly_full_time"`
	HourlyAll         Distribution `json:"hourly_all"`
	PaidHoursFullTime Distribution `json:"paid_hours_full_time"` // total paid hours a week
	PaidHoursAll      Distribution `json:"paid_hours_all"`
	// Covers says, in plain words, who a group's pay figures include when that
	// changes what they mean (doctors: trainees as well as GPs and consultants);
	// "" for most groups.
	Covers string `json:"covers,omitempty"`
}

// RegionalPay is a unit group's full-time annual median for one region: the UK figure
// scaled by its sub-major (or major) group's regional ratio, so always an estimate.
type RegionalPay struct {
	Region string `json:"region"` // one of the 12 region names
	Median Figure `json:"median"`
	Basis  string `json:"basis"` // "sub-major group 52" or "major group 5"
}

// Outlook is the Skills Imperative 2035 projection for the unit group's sub-major group.
type Outlook struct {
	Area               string `json:"area"`            // "England" or an LSIP area name
	SubMajorGroup      string `json:"sub_major_group"` // published at 2-digit level
	SubMajorGroupTitle string `json:"sub_major_group_title"`
	Employment2020K    Figure `json:"employment_2020_k"`
	Employment2035K    Figure `json:"employment_2035_k"`
	NetChangeK         Figure `json:"net_change_k"`
	ReplacementK       Figure `json:"replacement_demand_k"`
	TotalRequirementK  Figure `json:"total_requirement_k"`
}

// Demand is online job advert data (England).
type Demand struct {
	Month        string `json:"month"`          // latest month, "2025-11"
	Adverts3mAvg Figure `json:"adverts_3m_avg"` // England, this unit group
	// GrowthPct (since January 2021) is left Missing with a reason: January 2021 was
	// a lockdown month with very few adverts, so the change since then mostly shows
	// the reopening (chefs +500%), not demand. Use GrowthPct12m.
	GrowthPct Figure `json:"growth_pct_since_jan2021"`
	// GrowthPct12m is the change in the 3-month average over the 12 months to Month
	// (worked out here from the published 3-month averages; Estimate is set).
	GrowthPct12m   Figure `json:"growth_pct_12m"`
	Per100Employed Figure `json:"adverts_12m_per_100_employed"`
}

// Skill is an O*NET skill or knowledge area with its importance (1-5).
type Skill struct {
	Name       string  `json:"name"`
	Importance float64 `json:"importance"`
}

// Profile is what O*NET says about the work, through the UK SOC to O*NET candidate
// crosswalk. Weight is the crosswalk weight of the O*NET occupations used (a caveat).
type Profile struct {
	ONetCodes []string           `json:"onet_codes"`
	Weight    float64            `json:"crosswalk_weight"`
	RIASEC    map[string]float64 `json:"riasec"`    // R I A S E C scores 1-7
	Interests []string           `json:"interests"` // high points, e.g. ["Realistic","Conventional"]
	Skills    []Skill            `json:"skills"`    // top skills by importance
	Knowledge []Skill            `json:"knowledge"` // top knowledge areas
	JobZone   int                `json:"job_zone"`  // 1-5
	Education string             `json:"education"` // the most common US education level, described
	SourceID  string             `json:"source"`
	Caveats   []string           `json:"caveats,omitempty"`
}

// Entry is how people get into the work, as structured facts extracted by rules from
// ONS SOC 2020 Volume 1. Templates render it at any depth; the ONS prose itself is only
// available at run time when the official file is loaded (see Texts).
type Entry struct {
	Routes               []string `json:"routes"` // "apprenticeship","college","degree","postgraduate","on_the_job","training_scheme","work_experience","promotion_at_work"
	ApprenticeshipLevels []int    `json:"apprenticeship_levels,omitempty"`
	Qualifications       []string `json:"qualifications"` // "gcse","a_level","nvq","btec","hnc_hnd","degree","postgraduate","professional_qualification","none_required"
	NVQLevels            []int    `json:"nvq_levels,omitempty"`
	Registration         []string `json:"registration"`     // "professional_body","cscs_card","driving_licence","dbs_check","licence"
	Bodies               []string `json:"bodies,omitempty"` // e.g. "GMC","NMC","HCPC"; "QTS" is qualified teacher status (England), "GTCS" the teaching council in Scotland
	Requirements         []string `json:"requirements"`     // "good_eyesight","colour_vision","fitness","medical","age_minimum"
	// DegreeUsual is set when entry usually needs a degree ("entrants usually require
	// a degree"), even if other routes such as degree apprenticeships exist.
	DegreeUsual bool `json:"degree_usual,omitempty"`
	// DegreeSubject is the subject of a degree the text says entry needs
	// ("veterinary science", "midwifery"); "" when it names none.
	DegreeSubject string `json:"degree_subject,omitempty"`
	// Required lists the facts above that the text states as required, not just
	// usual ("must be registered", "is mandatory"): "degree", "postgraduate",
	// "professional_body", "dbs_check", "driving_licence", "licence", "cscs_card".
	Required []string `json:"required,omitempty"`
	// Optional lists qualifications the text mentions only as available or as
	// another way in ("postgraduate courses are available", "some entrants may
	// have a degree"): they are not in Routes or Qualifications unless the text
	// also gives them as usual. Codes as in Qualifications.
	Optional []string `json:"optional,omitempty"`
	SourceID string   `json:"source"`

	// The fields below come only from the reviewed entry table (entry_reviewed.tsv);
	// a unit group without a reviewed row has the rules' facts and Reviewed unset.

	// Reviewed is set when the facts above were written and checked by hand against
	// public sources (SourceID is then "entry_reviewed"), not extracted by rules.
	Reviewed bool `json:"reviewed,omitempty"`
	// CheckedAgainst names the public sources a reviewed row was checked against
	// ("NMC", "National Careers Service: nurse").
	CheckedAgainst []string `json:"checked_against,omitempty"`
	// Standards are apprenticeship standards in England that lead to the work, with
	// their levels (6 and 7 are degree apprenticeships).
	Standards []Standard `json:"standards,omitempty"`
	// DrivingCategories are the driving licence categories the work needs ("C", "D").
	DrivingCategories []string `json:"driving_categories,omitempty"`
	// Licence names, in words, a licence or card the work needs ("an SIA licence").
	Licence string `json:"licence,omitempty"`
	// OnlyFor limits a body, licence or check to part of the work, in words: the
	// Gas Safe Register is "work on gas appliances" for plumbers.
	OnlyFor map[string]string `json:"only_for,omitempty"`
	// MinAge is the youngest age at which the work (or its licence) can start; 0
	// when the table records none.
	MinAge int `json:"min_age,omitempty"`
}

// Standard is one apprenticeship standard (England): its name and level.
type Standard struct {
	Name  string `json:"name"`
	Level int    `json:"level"`
}

// DegreeApprenticeship reports whether a route in is a degree apprenticeship
// (a standard or apprenticeship level of 6 or more).
func (e *Entry) DegreeApprenticeship() bool {
	for _, lv := range e.ApprenticeshipLevels {
		if lv >= 6 {
			return true
		}
	}
	return false
}

// OnlyDegreeApprenticeships reports whether every apprenticeship into the work is a
// degree apprenticeship (nurses, midwives), so "an apprenticeship" is no way round a degree.
func (e *Entry) OnlyDegreeApprenticeships() bool {
	if len(e.ApprenticeshipLevels) == 0 {
		return false
	}
	for _, lv := range e.ApprenticeshipLevels {
		if lv < 6 {
			return false
		}
	}
	return true
}

// Texts is third-party prose loaded at run time from the official ONS file when it is
// present. It is never part of the committed snapshot.
type Texts struct {
	Description string   `json:"description,omitempty"`
	EntryRoutes string   `json:"entry_routes,omitempty"`
	Tasks       []string `json:"tasks,omitempty"`
	SourceID    string   `json:"source,omitempty"`
}

// Occupation is everything known about one SOC 2020 unit group.
type Occupation struct {
	SOC2020            string   `json:"soc2020"`
	SOC2010            []string `json:"soc2010"` // by descending share
	Title              string   `json:"title"`
	MinorGroup         string   `json:"minor_group"`
	MinorGroupTitle    string   `json:"minor_group_title"`
	SubMajorGroup      string   `json:"sub_major_group"`
	SubMajorGroupTitle string   `json:"sub_major_group_title"`
	MajorGroup         string   `json:"major_group"`
	MajorGroupTitle    string   `json:"major_group_title"`
	RelatedTitles      []string `json:"related_titles"` // job titles (facts, from the coding index and Volume 1 lists)

	Pay         Pay           `json:"pay"`
	RegionalPay []RegionalPay `json:"regional_pay,omitempty"`
	Outlook     *Outlook      `json:"outlook,omitempty"`
	Demand      *Demand       `json:"demand,omitempty"`
	Profile     *Profile      `json:"profile,omitempty"`
	Entry       Entry         `json:"entry"`
	Texts       *Texts        `json:"texts,omitempty"` // only when the ONS file was loaded
}

// Region is one of the 12 UK countries and English regions.
type Region struct {
	Code    string `json:"code"`    // GSS code, e.g. E12000007
	Name    string `json:"name"`    // as in uk_regions.csv, e.g. "London", "East of England"
	Country string `json:"country"` // England, Wales, Scotland, Northern Ireland
}

// PlaceMatch is a resolved place.
type PlaceMatch struct {
	Text      string   `json:"text"` // what was matched
	Kind      string   `json:"kind"` // "region","postcode_district","town","local_authority","alias"
	Region    Region   `json:"region"`
	District  string   `json:"district,omitempty"` // postcode district (outcode)
	Area      string   `json:"area,omitempty"`     // local authority or town name
	LSIP      string   `json:"lsip,omitempty"`     // LSIP area (England), for outlook and adverts
	Ambiguous bool     `json:"ambiguous,omitempty"`
	Options   []Region `json:"options,omitempty"` // when ambiguous
	// Choices are the places an ambiguous town name can be ("Kingston upon
	// Thames", "Kingston upon Hull"), each with its area, LSIP and region, and a
	// postcode district (District) that resolves to it exactly.
	Choices []PlaceMatch `json:"choices,omitempty"`
	Start   int          `json:"start,omitempty"` // byte span in the scanned text (FindPlace)
	End     int          `json:"end,omitempty"`
}

// BestPaidQuery asks for the best-paid unit groups.
type BestPaidQuery struct {
	Region   string // region name; "" for UK
	Limit    int
	NoDegree bool // exclude jobs that usually need a degree, and senior roles (see NoSenior)
	// Apprenticeship keeps only unit groups whose entry facts name an apprenticeship
	// route (senior roles left out).
	Apprenticeship bool
	// Trades keeps only skilled trades (SOC major group 5; senior roles left out).
	Trades bool
	// NoSenior leaves out roles reached after years of work rather than from school
	// or training: corporate managers and directors (sub-major group 11) and unit
	// groups whose only routes are experience and promotion (senior police officers).
	NoSenior bool
}

// RankedOccupation is one row of a BestPaid answer.
type RankedOccupation struct {
	SOC2020 string `json:"soc2020"`
	SOC2010 string `json:"soc2010"`
	Title   string `json:"title"`
	Median  Figure `json:"median"` // full-time annual
	// Entry is the unit group's entry facts, so a caller can say what the job needs
	// (a licence for pilots, a degree...) beside its pay.
	Entry Entry `json:"entry"`
}

// SuggestQuery describes a person's interests, school subjects and skills as words.
type SuggestQuery struct {
	Interests []string // free words: "animals", "drawing", "computers", "helping people"
	Subjects  []string // "maths", "art", ...
	Skills    []string
	NoDegree  bool
	Limit     int
}

// Suggestion is one suggested occupation with the reasons it was suggested.
type Suggestion struct {
	SOC2020 string   `json:"soc2020"`
	SOC2010 string   `json:"soc2010"`
	Title   string   `json:"title"`
	Score   float64  `json:"score"`
	Because []string `json:"because"` // "you said you like animals", "it is mostly Realistic work"
}

// LocalLMI is implemented by stores that can also answer "near me" and "what do
// graduates do" questions. The embedded store implements it; callers type-assert.
type LocalLMI interface {
	// Adverts gives online job advert counts for the unit group's sub-major group in
	// the place's local area (England) and in England, plus the unit group's own
	// England figures.
	Adverts(ctx context.Context, soc2020 string, place PlaceMatch) (*AdvertCounts, error)
	// OutlookForPlace gives the Skills Imperative 2035 projection for the place's LSIP
	// area, or England when the area has none (Outlook.Area says which).
	OutlookForPlace(ctx context.Context, soc2020 string, place PlaceMatch) (*Outlook, error)
	// RegionalMedian estimates the full-time annual median in one region.
	RegionalMedian(ctx context.Context, soc2020, region string) (RegionalPay, error)
	// GraduateIndustries says which industries graduates of a subject work in,
	// returning the subject name matched.
	GraduateIndustries(ctx context.Context, subject string) (string, []GraduateIndustry, error)
}

var _ LocalLMI = (*Embedded)(nil)
