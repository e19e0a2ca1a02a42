package dialog

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/careersbot/careersbot/lmi"
)

// View is what a reply template sees as its dot. Figures are formatted through its
// methods (Pay, Hours, Src, Explain...), which pitch them at the reply's depth and
// record the sources used.
type View struct {
	Depth                              string
	Young, Teen, Older, Adult, Adviser bool
	// Detailed is Older, Adult or Adviser: percentiles, regions, routes and levels.
	Detailed bool
	Intent   string
	Age      int

	Occs []*OccView // the occupations the answer is about
	Occ  *OccView   // the first of them, nil when none
	// Missing lists job codes that were asked about but are not in the store.
	Missing []string

	Region  string // region used, "" none
	Country string
	England bool
	// OutsideEngland is set when the region in use is in Wales, Scotland or Northern
	// Ireland (England-only figures do not apply there).
	OutsideEngland bool
	RegionInMsg    bool
	NearMe         bool
	Place          string // the person's town or area, when known
	// PlaceSaid is a place name that is several places ("Kingston"), when the
	// reply asks which one.
	PlaceSaid   string
	Options     []string
	Best        []BestView
	Suggestions []SuggestionView
	Interests   []string // what the person said they like (interests and subjects)
	NoDegree    bool
	// Without is what the person asked to do without in this message: "degree",
	// "college", "a_level" or "".
	Without string
	// Also is a second question asked in the same message ("how to get in") and
	// AlsoButton the label of the button that answers it.
	Also, AlsoButton string
	// BestFiltered is set when director and senior manager jobs were left out of a
	// best-paid list.
	BestFiltered bool
	// BestFilter narrows a best-paid list: "apprenticeship", "trade" or "".
	BestFilter string
	// BestLikes says what the person likes when a best-paid list keeps only jobs that
	// suit it ("jobs with animals that pay well"): "animals", "art and science".
	BestLikes string
	// NoQualList is set when the suggestions are jobs needing no set
	// qualifications (nothing was said about likes).
	NoQualList bool
	// Studied is the subject of a degree the person named; GradSubject is the DfE
	// subject it matched and Graduates the industries its graduates work in (up to 3).
	Studied     string
	GradSubject string
	Graduates   []lmi.GraduateIndustry
	// NotJobs are jobs the person said they do not want (left out of suggestions).
	NotJobs []string
	// SameGroup is set when the jobs compared are in the same unit group.
	SameGroup bool
	// Apprentice is set when the person asked about apprentice pay.
	Apprentice bool
	// Unit is the pay period the person asked for: "hour", "week", "month" or "".
	Unit          string
	Category      string // safeguarding category
	Route         string // the UK service for the category (template route_<category>), if any
	Fallbacks     int
	AskedSlot     string
	Said          string // the person's words (for echoing a job title only)
	ProfileRegion string
	Feedback      string // "yes" or "no" for a feedback answer

	// Extra are occupations a listing answer (best paid, suggestions) is about.
	Extra []lmi.Match

	e         *Engine
	ctx       context.Context
	found     bool
	explained []string
	newTerms  []string
	sources   []string
	labels    []string // source labels given so far in this reply
	// last is the source label the reader met last: a figure whose own label is the
	// same needs none, any other figure gets its label right after it (tag).
	last string
	figs []figUse // every figure shown, with its own label, in reading order
	// first backing arrays of sources and figs, so a usual reply grows neither
	sourcesBuf [4]string
	figsBuf    [4]figUse
	occsBuf    [2]*OccView
	// ashe2025 is set once a figure from ASHE 2025 is shown (see CautionNote).
	ashe2025 bool
}

// CautionNote is said once in a reply (from 17 on) that shows ASHE 2025 figures:
// ONS marks some 2025 estimates "use with caution", and the published file does
// not say which, so no single figure can carry the warning.
func (v *View) CautionNote() string {
	if !v.ashe2025 || v.Young || v.Teen {
		return ""
	}
	if v.Adviser {
		return "Note: ONS flags some ASHE 2025 (provisional) estimates \"use with caution\" (a coefficient of variation over 10% and up to 20%); the published table does not mark which, so treat each ASHE 2025 figure as approximate."
	}
	return "Note: ONS says some of its 2025 pay estimates should be used with caution, and its file does not say which ones, so treat these pay figures as a guide."
}

// figUse is one figure as a reply shows it, with the label from the figure itself.
type figUse struct {
	text  string
	label string
	fig   lmi.Figure
}

// tag puts a figure's own label (source and year, from the figure) right after its
// text unless the label the reader met last is the same one. Every formatter of a
// figure goes through it, so no template can leave a figure under another's label.
func (v *View) tag(f lmi.Figure, text string) string {
	l := v.srcLabel(f.SourceID, f.Year)
	if l == "" {
		return text
	}
	v.figs = append(v.figs, figUse{text: text, label: l, fig: f})
	if f.SourceID == "ashe2025p" {
		v.ashe2025 = true
	}
	if l == v.last {
		return text
	}
	v.met(l)
	return text + " " + l
}

// met records a label the reader has now read.
func (v *View) met(l string) {
	v.last = l
	if !slices.Contains(v.labels, l) {
		v.labels = append(v.labels, l)
	}
}

// labelOnce returns a label for the text unless the reader has just met it.
func (v *View) labelOnce(l string) string {
	if l == "" || l == v.last {
		return ""
	}
	v.met(l)
	return l
}

// OccView is one occupation as a template sees it. The fields are copied from the
// store's Occupation (pointers into it, no deep copies) rather than embedded, which
// keeps template field look-ups cheap.
type OccView struct {
	SOC2020            string
	SOC2010            []string
	Title              string
	MinorGroupTitle    string
	SubMajorGroup      string
	SubMajorGroupTitle string
	MajorGroupTitle    string
	RelatedTitles      []string
	Pay                *lmi.Pay
	Outlook            *lmi.Outlook
	Demand             *lmi.Demand
	Profile            *lmi.Profile
	Entry              *lmi.Entry
	Texts              *lmi.Texts
	// Occupation is everything the store knows, for templates that need more.
	Occupation *lmi.Occupation
	// Name is what to call the job at this depth: the person's own words for young
	// readers when they named it, else the SOC title.
	Name string
	// Said is the job as the person wrote it ("" when it came from a button).
	Said string
	// Regional is the regional pay estimate for the region in use, nil when none.
	Regional *lmi.RegionalPay
	// Adverts are online job advert counts near the person's place (vacancies, England).
	Adverts *lmi.AdvertCounts
	// LocalOutlook is the projection for the person's local (LSIP) area, when known.
	LocalOutlook *lmi.Outlook
}

// Optional store abilities, found by type assertion.
type advertsStore interface {
	Adverts(ctx context.Context, soc2020 string, place lmi.PlaceMatch) (*lmi.AdvertCounts, error)
}

type placeOutlookStore interface {
	OutlookForPlace(ctx context.Context, soc2020 string, place lmi.PlaceMatch) (*lmi.Outlook, error)
}

// placeInUse is the person's place for local figures: this turn's, else the profile's.
func (e *Engine) placeInUse(ctx context.Context, t *turn) *lmi.PlaceMatch {
	if t.place != nil {
		return t.place
	}
	for _, q := range []string{t.st.Profile.District, t.st.Profile.Place} {
		if q == "" {
			continue
		}
		if pm := e.resolvePlace(ctx, q); pm != nil && pm.Region.Name == t.region.Name {
			t.place = pm
			return t.place
		}
	}
	return nil
}

// BestView is one row of a best-paid list.
type BestView struct {
	SOC2020, SOC2010, Title string
	Median                  lmi.Figure
	Rank                    int
}

// SuggestionView is one suggested job with its reasons.
type SuggestionView struct {
	SOC2020, SOC2010, Title string
	Because                 []string
	Why                     string // the reasons joined into a sentence fragment
	// More is Why without a leading "you said you like ..." (for lists whose heading
	// already says what the person likes).
	More  string
	First string // the first reason only (short, for young readers)
}

func (e *Engine) newView(ctx context.Context, t *turn, intent string, load bool) *View {
	v := &View{
		Depth: t.depth, Intent: intent, Age: t.st.Profile.Age,
		Region: t.region.Name, Country: t.region.Country, RegionInMsg: t.placeInMsg,
		NearMe: t.u.NearMe, Place: t.st.Profile.Place, Fallbacks: t.prev.Fallbacks,
		NoDegree:      t.u.NoDegree || t.st.Profile.QualLevel == "no_degree",
		ProfileRegion: t.st.Profile.Region,
		e:             e, ctx: ctx, explained: t.st.ExplainedTerms,
	}
	v.sources, v.figs, v.Occs = v.sourcesBuf[:0], v.figsBuf[:0], v.occsBuf[:0]
	v.Feedback = t.st.Slots["feedback"]
	switch intent { // words that only change these answers
	case IntentEntry:
		v.Without = t.u.Without
	case IntentPay, IntentCompare:
		v.Unit = t.u.PayUnit
		v.Apprentice = t.u.Apprentice
	}
	if v.Country == "" && v.Region != "" {
		v.Country = e.regionByName(v.Region).Country
	}
	v.England = v.Country == "England" || v.Country == "" && v.Region != "" && !slices.Contains([]string{"Wales", "Scotland", "Northern Ireland"}, v.Region)
	v.setDepth(t.depth)
	v.OutsideEngland = v.Region != "" && !v.England
	v.Interests = dedupe(append(append([]string(nil), t.st.Profile.Interests...), t.st.Profile.Subjects...))
	if len(t.u.Occupations) > 0 {
		v.Said = t.u.Occupations[0].Text
	}
	if !load {
		for i, m := range t.occs {
			ov := newOccView(&lmi.Occupation{SOC2020: m.SOC2020, Title: m.Title})
			ov.Name = e.occName(m.Title, t.names, i, v)
			v.Occs = append(v.Occs, ov)
		}
		if len(v.Occs) > 0 {
			v.Occ = v.Occs[0]
		}
		return v
	}
	for i, m := range t.occs {
		o, err := e.occupation(ctx, m.SOC2020)
		if err != nil || o == nil {
			v.Missing = append(v.Missing, m.SOC2020)
			continue
		}
		ov := newOccView(o)
		ov.Name = e.occName(o.Title, t.names, i, v)
		if i < len(t.names) {
			ov.Said = t.names[i]
		}
		if v.Region != "" {
			for j := range o.RegionalPay { // regional pay is per occupation
				if o.RegionalPay[j].Region == v.Region {
					ov.Regional = &o.RegionalPay[j]
				}
			}
		}
		if v.Region != "" && (intent == IntentVacancies || intent == IntentOutlook) {
			if pm := e.placeInUse(ctx, t); pm != nil {
				if intent == IntentVacancies && v.England {
					if ac := e.adverts(ctx, o.SOC2020, *pm); ac != nil && v.Has(ac.Local) {
						ov.Adverts = ac
					}
				}
				if intent == IntentOutlook && v.England {
					if lo := e.localOutlook(ctx, o.SOC2020, *pm); lo != nil && lo.Area != "" && lo.Area != "England" {
						ov.LocalOutlook = lo
					}
				}
			}
		}
		v.Occs = append(v.Occs, ov)
	}
	if len(v.Occs) > 0 {
		v.Occ = v.Occs[0]
		v.found = true
		v.SameGroup = len(v.Occs) > 1
		for _, o := range v.Occs[1:] {
			v.SameGroup = v.SameGroup && o.SOC2020 == v.Occ.SOC2020
		}
	}
	switch intent {
	case IntentBestPaid:
		v.BestFilter = bestFilterIn(t.u.Text)
		// "for 18 year olds", "for school leavers": jobs open to beginners.
		starter := strings.Contains(strings.ToLower(t.u.Text), "year old") || strings.Contains(strings.ToLower(t.u.Text), "school leaver")
		filtered := v.BestFilter != "" || v.NoDegree || v.Young || v.Teen || starter
		v.BestFiltered = filtered
		limit := 5
		if filtered {
			limit = 400 // filtered here: ask for the whole ranking
		}
		// "jobs with animals that pay well": only jobs that suit what they like, when at
		// least two such jobs have pay figures
		var suits map[string]bool
		if likes := dedupe(append(append([]string(nil), t.u.Interests...), t.u.Subjects...)); len(likes) > 0 {
			if sg, err := e.suggest(ctx, lmi.SuggestQuery{Interests: t.u.Interests, Subjects: t.u.Subjects, NoDegree: v.NoDegree, Limit: 40}); err == nil && len(sg) > 0 {
				// only jobs that match well: the store ranks weaker, knowledge-only matches
				// (doctors "use biology" for someone who likes animals) far below
				suits = make(map[string]bool, len(sg))
				for _, x := range sg {
					if x.Score >= bestLikesMinShare*sg[0].Score {
						suits[x.SOC2020] = true
					}
				}
				v.BestLikes = joinList(likes)
				limit = 400
			}
		}
		rows, err := e.bestPaid(ctx, lmi.BestPaidQuery{Region: v.Region, Limit: limit, NoDegree: v.NoDegree})
		if err == nil {
			pick := func(suits map[string]bool) {
				v.Best, v.Extra = v.Best[:0], v.Extra[:0]
				for _, r := range rows {
					if len(v.Best) >= 5 {
						break
					}
					if suits != nil && !suits[r.SOC2020] || filtered && !e.bestPaidFits(ctx, r.SOC2020, v) {
						continue
					}
					v.Best = append(v.Best, BestView{SOC2020: r.SOC2020, SOC2010: r.SOC2010, Title: r.Title, Median: r.Median, Rank: len(v.Best) + 1})
					v.Extra = append(v.Extra, lmi.Match{SOC2020: r.SOC2020, SOC2010: r.SOC2010, Title: r.Title, Score: 1})
				}
			}
			pick(suits)
			if suits != nil && len(v.Best) < 2 {
				v.BestLikes = ""
				pick(nil)
			}
			v.found = len(v.Best) > 0
		}
	case IntentSuggest:
		q := lmi.SuggestQuery{
			Interests: append(append([]string(nil), t.u.Interests...), t.st.Profile.Interests...),
			Subjects:  t.st.Profile.Subjects, Skills: t.st.Profile.Skills,
			NoDegree: v.NoDegree, Limit: 12,
		}
		q.Interests = dedupe(q.Interests)
		notCodes, notNames := notWanted(&t.u)
		if len(q.Interests)+len(q.Subjects)+len(q.Skills) == 0 && len(notCodes) > 0 {
			// "i want to work in healthcare but not as a doctor": other jobs in the
			// same area of work (sub-major group, outside the job's own minor group),
			// the most advertised first.
			v.NotJobs = notNames
			if o, err := e.occupation(ctx, notCodes[0]); err == nil && o != nil {
				for _, m := range e.groupJobs(ctx, o.SubMajorGroup) {
					if len(v.Suggestions) >= 5 {
						break
					}
					// not the same minor group either ("not a doctor": no specialist doctors)
					if slices.Contains(notCodes, m.SOC2020) || m.SOC2020[:3] == o.SOC2020[:3] || !suitsSuggestion(m.SOC2020, t.depth) {
						continue
					}
					why := "it is in the same area of work (" + lowerWords(o.SubMajorGroupTitle) + ")"
					v.Suggestions = append(v.Suggestions, SuggestionView{SOC2020: m.SOC2020, SOC2010: m.SOC2010, Title: m.Title,
						Because: []string{why}, Why: why, More: why, First: "it is a similar kind of work"})
					v.Extra = append(v.Extra, m)
				}
				v.found = len(v.Suggestions) > 0
				v.UseSource("soc2020")
			}
		} else if len(q.Interests)+len(q.Subjects)+len(q.Skills) == 0 && (t.u.NoDegree || t.u.QualLevel == "none") {
			// "what jobs can i get with no qualifications": jobs whose entry facts
			// need no set qualifications, the most advertised first.
			for _, m := range e.openJobs(ctx) {
				if len(v.Suggestions) >= 5 {
					break
				}
				if !suitsSuggestion(m.SOC2020, t.depth) {
					continue
				}
				why := "no set qualifications are needed to start"
				v.Suggestions = append(v.Suggestions, SuggestionView{SOC2020: m.SOC2020, SOC2010: m.SOC2010, Title: m.Title,
					Because: []string{why}, Why: why, More: why, First: "you do not need set exams to start"})
				v.Extra = append(v.Extra, m)
			}
			if len(v.Suggestions) > 0 {
				v.NoQualList = true
				v.found = true
				v.UseSource("soc2020")
				v.UseSource("adverts")
			}
		} else if len(q.Interests)+len(q.Subjects)+len(q.Skills) > 0 {
			rows, err := e.suggest(ctx, q)
			if err == nil {
				v.NotJobs = notNames
				for _, s := range rows {
					if len(v.Suggestions) >= 5 || !suitsSuggestion(s.SOC2020, t.depth) || slices.Contains(notCodes, s.SOC2020) {
						continue
					}
					because := s.Because
					if !v.Adviser {
						because = make([]string, len(s.Because))
						for i, b := range s.Because {
							because[i] = stripJargon(b)
						}
					}
					sv := SuggestionView{SOC2020: s.SOC2020, SOC2010: s.SOC2010, Title: s.Title, Because: because, Why: stripJargon(joinList(because))}
					if len(because) > 0 {
						sv.First, _, _ = strings.Cut(because[0], ",")
					}
					sv.More = sv.Why
					if strings.HasPrefix(sv.Why, "you said") {
						if _, after, ok := strings.Cut(sv.Why, ", and "); ok {
							sv.More = after
						}
					}
					v.Suggestions = append(v.Suggestions, sv)
					v.Extra = append(v.Extra, lmi.Match{SOC2020: s.SOC2020, SOC2010: s.SOC2010, Title: s.Title, Score: s.Score})
				}
				v.found = len(v.Suggestions) > 0
			}
		}
		if t.u.Studied != "" {
			e.studiedView(ctx, t, v, notCodes)
		}
	}
	return v
}

// studiedView answers "what can I do with a degree in biochemistry": where the subject
// names a job ("biochemistry" -> biochemists), that job and others in its area of work
// when nothing else was suggested, and the industries the subject's graduates work in
// three years on (DfE LEO), largest first.
func (e *Engine) studiedView(ctx context.Context, t *turn, v *View, notCodes []string) {
	v.Studied = t.u.Studied
	if len(v.Suggestions) == 0 && len(t.occs) > 0 && len(t.occs[0].SOC2020) == 4 {
		o, err := e.occupation(ctx, t.occs[0].SOC2020)
		if err == nil && o != nil {
			why := "it uses what you study (" + t.u.Studied + ")"
			v.Suggestions = append(v.Suggestions, SuggestionView{SOC2020: o.SOC2020, SOC2010: t.occs[0].SOC2010, Title: o.Title,
				Because: []string{why}, Why: why, More: why, First: "it uses what you study"})
			v.Extra = append(v.Extra, t.occs[0])
			for _, m := range e.groupJobs(ctx, o.SubMajorGroup) {
				if len(v.Suggestions) >= 5 {
					break
				}
				// the same minor group: work close to the subject ("biochemistry": other
				// natural and social science professionals), not the whole sub-major group
				if m.SOC2020 == o.SOC2020 || m.SOC2020[:3] != o.SOC2020[:3] || slices.Contains(notCodes, m.SOC2020) || !suitsSuggestion(m.SOC2020, t.depth) {
					continue
				}
				why := "it is close to it (" + lowerWords(o.MinorGroupTitle) + ")"
				v.Suggestions = append(v.Suggestions, SuggestionView{SOC2020: m.SOC2020, SOC2010: m.SOC2010, Title: m.Title,
					Because: []string{why}, Why: why, More: why, First: "it is a similar kind of work"})
				v.Extra = append(v.Extra, m)
			}
			v.UseSource("soc2020")
		}
	}
	if l, ok := e.store.(lmi.LocalLMI); ok && !v.Young {
		if subj, rows, err := l.GraduateIndustries(ctx, t.u.Studied); err == nil && len(rows) > 0 {
			v.GradSubject = subj
			for _, r := range rows {
				if len(v.Graduates) == 3 {
					break
				}
				if !r.Percent.Missing && r.Percent.Value > 0 {
					v.Graduates = append(v.Graduates, r)
				}
			}
		}
	}
	v.found = v.found || len(v.Suggestions) > 0 || len(v.Graduates) > 0
}

func newOccView(o *lmi.Occupation) *OccView {
	return &OccView{
		SOC2020: o.SOC2020, SOC2010: o.SOC2010, Title: o.Title, MinorGroupTitle: o.MinorGroupTitle,
		SubMajorGroup: o.SubMajorGroup, SubMajorGroupTitle: o.SubMajorGroupTitle,
		MajorGroupTitle: o.MajorGroupTitle, RelatedTitles: o.RelatedTitles,
		Pay: &o.Pay, Outlook: o.Outlook, Demand: o.Demand, Profile: o.Profile, Entry: &o.Entry,
		Texts: o.Texts, Occupation: o,
	}
}

func dedupe(in []string) []string {
	var out []string
	for _, s := range in {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// occName picks what to call an occupation: the person's words for young and teen
// readers (shorter and familiar), the SOC title otherwise.
func (e *Engine) occName(title string, names []string, i int, v *View) string {
	said := ""
	if i < len(names) {
		said = strings.ToLower(strings.TrimSpace(names[i]))
	}
	if (v.Young || v.Teen) && said != "" && len(said) < 40 {
		return lowerWords(singular(said)) // "pcso" -> "PCSO"
	}
	if v.Young || v.Teen {
		return shortName(title)
	}
	return title
}

// generic first words of SOC titles that say little on their own.
var genericNames = map[string]bool{
	"manager": true, "director": true, "assistant": true, "worker": true,
	"technician": true, "operative": true, "professional": true, "occupation": true,
	"sale": true, "sport": true, "health": true, "business": true, "art": true, "leisure": true,
	"care": true, "elementary": true, "administrative": true, "secretarial": true, "customer": true,
}

// fixedPairs are "x and y" phrases that name one thing, not two kinds of one head.
var fixedPairs = map[string]bool{"health and safety": true, "bed and breakfast": true, "research and development": true}

// genericHeads are head nouns too vague for a job's name on their own.
var genericHeads = map[string]bool{"trade": true, "occupation": true, "professional": true}

// shortName is an everyday name for a SOC title, for young readers who did not name
// the job themselves: "Electricians and electrical fitters" -> "electrician",
// "Speech and language therapists" -> "speech therapist",
// "Police officers (sergeant and below)" -> "police officer".
func shortName(title string) string {
	t := strings.ToLower(title)
	if i := strings.Index(t, " ("); i > 0 {
		t = t[:i]
	}
	t = strings.TrimSuffix(t, " n.e.c.")
	t = strings.TrimPrefix(t, "other ")
	first := t
	if i := strings.Index(first, ", "); i > 0 {
		first = first[:i]
	}
	if i := strings.Index(first, " and "); i > 0 {
		// "speech and language therapists", "heavy and large goods vehicle drivers":
		// a one-word modifier before "and" shares the head noun after it, so the
		// name is the modifier with the rest of that phrase ("speech therapist",
		// "heavy goods vehicle driver"), unless the two make a fixed pair.
		a, rest := first[:i], first[i+len(" and "):]
		if j := strings.Index(rest, " and "); j > 0 {
			rest = rest[:j]
		}
		words := strings.Fields(rest)
		if len(words) > 0 && fixedPairs[a+" and "+words[0]] {
			return t
		}
		if !strings.Contains(a, " ") && !strings.HasSuffix(a, "s") && len(words) >= 2 {
			head := singular(words[len(words)-1])
			if len(words) > 2 || genericHeads[head] {
				// which words the modifier stands beside is unclear ("child and
				// early years officers"): the whole title is safe
				return t
			}
			return a + " " + head
		}
		first = first[:i]
	}
	// "officers in armed forces": the head noun is before "in", "of" or "for".
	for _, sep := range []string{" in ", " of ", " for "} {
		if i := strings.Index(first, sep); i > 0 {
			head := singular(first[:i])
			if genericNames[head] {
				return t
			}
			return head + first[i:]
		}
	}
	one := singular(first)
	if genericNames[one] {
		return t
	}
	return one
}

// ---- template methods ----

// Has says whether a figure can be shown.
func (v *View) Has(f lmi.Figure) bool { return !f.Missing && f.SourceID != "" && f.Value != 0 }

func (v *View) use(f lmi.Figure) {
	if f.SourceID != "" && !slices.Contains(v.sources, f.SourceID) {
		v.sources = append(v.sources, f.SourceID)
	}
}

// UseSource records a source id the reply relies on (e.g. entry routes).
func (v *View) UseSource(id string) string {
	if id != "" && !slices.Contains(v.sources, id) {
		v.sources = append(v.sources, id)
	}
	return ""
}

func (v *View) sourceIDs() []string { return append([]string(nil), v.sources...) }

// NoFigure says a figure is missing, in words for the depth.
func (v *View) NoFigure(f lmi.Figure) string {
	if v.Young || v.Teen {
		return "there is no reliable figure for this"
	}
	if strings.HasPrefix(f.Reason, "not published") {
		return f.Reason
	}
	if f.Reason != "" {
		return "not published (" + f.Reason + ")"
	}
	return "not published"
}

// Annual formats yearly pay: rounded for young readers, exact for older ones.
func (v *View) Annual(f lmi.Figure) string {
	if !v.Has(f) {
		return v.NoFigure(f)
	}
	v.use(f)
	if v.Young || v.Teen {
		return v.tag(f, "about £"+Commas(roundTo(f.Value, 1000))+" a year")
	}
	return v.tag(f, "£"+Commas(math.Round(f.Value))+" a year")
}

// Money formats an amount of pounds without "a year" (exact for older readers).
func (v *View) Money(f lmi.Figure) string {
	if !v.Has(f) {
		return v.NoFigure(f)
	}
	v.use(f)
	if v.Young || v.Teen {
		return v.tag(f, "about £"+Commas(roundTo(f.Value, 1000)))
	}
	return v.tag(f, "£"+Commas(math.Round(f.Value)))
}

// Weekly formats weekly pay.
func (v *View) Weekly(f lmi.Figure) string {
	if !v.Has(f) {
		return v.NoFigure(f)
	}
	v.use(f)
	if v.Young || v.Teen {
		return v.tag(f, "about £"+Commas(roundTo(f.Value, 10))+" a week")
	}
	return v.tag(f, "£"+Commas(math.Round(f.Value))+" a week")
}

// Hourly formats hourly pay.
func (v *View) Hourly(f lmi.Figure) string {
	if !v.Has(f) {
		return v.NoFigure(f)
	}
	v.use(f)
	if v.Young || v.Teen {
		return v.tag(f, "about £"+strconv.FormatFloat(math.Round(f.Value), 'f', 0, 64)+" an hour")
	}
	return v.tag(f, "£"+strconv.FormatFloat(f.Value, 'f', 2, 64)+" an hour")
}

// Hours formats paid hours a week.
func (v *View) Hours(f lmi.Figure) string {
	if !v.Has(f) {
		return v.NoFigure(f)
	}
	v.use(f)
	if v.Young || v.Teen {
		return v.tag(f, "about "+strconv.FormatFloat(math.Round(f.Value), 'f', 0, 64)+" hours a week")
	}
	return v.tag(f, strconv.FormatFloat(f.Value, 'f', 1, 64)+" hours a week")
}

// Jobs formats a count given in thousands ("about 120,000 jobs").
func (v *View) Jobs(f lmi.Figure) string {
	if !v.Has(f) && !(f.SourceID != "" && !f.Missing) {
		return v.NoFigure(f)
	}
	v.use(f)
	n := f.Value * 1000
	if v.Young || v.Teen {
		return v.tag(f, "about "+Commas(roundSig(n)))
	}
	return v.tag(f, Commas(roundTo(n, 100)))
}

// Count formats a plain count ("about 1,200").
func (v *View) Count(f lmi.Figure) string {
	if !v.Has(f) && !(f.SourceID != "" && !f.Missing) {
		return v.NoFigure(f)
	}
	v.use(f)
	if v.Young || v.Teen {
		return v.tag(f, "about "+Commas(roundSig(f.Value)))
	}
	return v.tag(f, Commas(math.Round(f.Value)))
}

// Percent formats a percentage figure.
func (v *View) Percent(f lmi.Figure) string {
	if !v.Has(f) && !(f.SourceID != "" && !f.Missing) {
		return v.NoFigure(f)
	}
	v.use(f)
	if v.Young || v.Teen {
		return v.tag(f, strconv.FormatFloat(math.Round(f.Value), 'f', 0, 64)+"%")
	}
	return v.tag(f, strconv.FormatFloat(f.Value, 'f', 1, 64)+"%")
}

// Change describes the projected change of an outlook in words and numbers.
func (v *View) Change(o *lmi.Outlook) string {
	if o == nil || o.Employment2020K.Missing || o.Employment2035K.Missing || o.Employment2020K.Value == 0 {
		return ""
	}
	v.use(o.Employment2035K)
	pct := (o.Employment2035K.Value - o.Employment2020K.Value) / o.Employment2020K.Value * 100
	word := "grow"
	if pct < -1 {
		word = "shrink"
	} else if pct <= 1 {
		word = "stay about the same"
	}
	if v.Young || v.Teen {
		if word == "stay about the same" {
			return v.tag(o.Employment2035K, "stay about the same")
		}
		return v.tag(o.Employment2035K, fmt.Sprintf("%s by about %.0f%%", word, math.Abs(pct)))
	}
	if word == "stay about the same" {
		return v.tag(o.Employment2035K, fmt.Sprintf("stay about the same (%+.1f%%)", pct))
	}
	return v.tag(o.Employment2035K, fmt.Sprintf("%s by %.1f%%", word, math.Abs(pct)))
}

// Growing says whether the outlook is growth (more than 1%).
func (v *View) Growing(o *lmi.Outlook) bool {
	if o == nil || o.Employment2020K.Value == 0 {
		return false
	}
	return (o.Employment2035K.Value-o.Employment2020K.Value)/o.Employment2020K.Value > 0.01
}

// Src labels where a figure comes from: short for young readers "(ONS, 2025)", full
// for adults "Source: ONS ASHE 2025 provisional, Table 14".
// A label the reader has just met (the figure before was tagged with it) is not
// given again.
func (v *View) Src(f lmi.Figure) string {
	return v.labelOnce(v.srcLabel(f.SourceID, f.Year))
}

// SrcOnce is SrcID for templates: "" when the reader has just met the label.
func (v *View) SrcOnce(id, year string) string {
	return v.labelOnce(v.srcLabel(id, year))
}

// SrcID labels a source by id (year may be empty: the source's own year is used).
func (v *View) SrcID(id, year string) string {
	l := v.srcLabel(id, year)
	if l != "" && !slices.Contains(v.labels, l) {
		v.labels = append(v.labels, l)
	}
	return l
}

func (v *View) srcLabel(id, year string) string {
	if id == "" {
		return ""
	}
	v.UseSource(id)
	if v.e == nil {
		return v.makeSrcLabel(id, year)
	}
	style := 2
	switch {
	case v.Young || v.Teen:
		style = 0
	case v.Older:
		style = 1
	}
	return v.e.labels.get(srcLabelKey{id, year, style}, func() string { return v.makeSrcLabel(id, year) })
}

// srcLabelKey is what a source label depends on besides the engine's sources.
type srcLabelKey struct {
	id, year string
	style    int // 0 young or teen, 1 older, 2 adult or adviser
}

// srcLabels memoises source labels: they depend only on the (immutable) sources and
// the key, and a turn makes several.
type srcLabels = memo[srcLabelKey]

// makeSrcLabel builds srcLabel's label.
func (v *View) makeSrcLabel(id, year string) string {
	var s lmi.Source
	ok := false
	if v.e != nil {
		s, ok = v.e.sources[id]
	}
	if !ok {
		s = lmi.Source{ID: id, Name: id, Short: id, Publisher: id}
	}
	if year == "" {
		year = s.Year
	}
	y4 := year
	if m, ok := monthYear(year); ok {
		y4, year = m, m // advert counts are for one month: "November 2025"
	} else if i := strings.Index(y4, " and "); i == 4 && len(y4) >= 13 {
		y4 = y4[:13] // keep "2023 and 2025": an estimate from figures of two years
	} else if len(y4) > 4 && !(len(y4) == 9 && y4[4] == '-') { // keep "2020-2035"
		y4 = y4[:4]
	}
	pub := s.Publisher
	if pub == "" || strings.HasPrefix(s.Short, "O*NET") {
		pub = strings.Fields(nonEmpty(s.Short, id))[0]
	}
	switch {
	case v.Young || v.Teen:
		return "(" + pub + ", " + y4 + ")"
	case v.Older:
		short := nonEmpty(s.Short, s.Name)
		if y4 != "" && !strings.Contains(short, y4) {
			short += ", " + y4
		}
		return "(" + short + ")"
	default:
		name := nonEmpty(s.Name, s.Short)
		if s.Year != "" && strings.HasPrefix(s.Year, y4) {
			year = s.Year // "2025 (provisional)"
		}
		if year != "" && !strings.Contains(name, y4) {
			name += ", " + year
		}
		return "(Source: " + name + ")"
	}
}

// monthYear turns "2025-11" into "November 2025".
func monthYear(s string) (string, bool) {
	if len(s) != 7 || s[4] != '-' {
		return "", false
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || m < 1 || m > 12 {
		return "", false
	}
	return time.Month(m).String() + " " + strconv.Itoa(y), true
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Caveats lists a figure's caveats (adviser depth shows them).
func (v *View) Caveats(f lmi.Figure) string { return strings.Join(f.Caveats, "; ") }

var explanations = map[string][2]string{
	"median": {
		"That is the middle pay: half earn more and half earn less.",
		"The median is the middle figure: half of full-time workers earn more and half earn less.",
	},
	"percentile": {
		"The bottom 10% earn less than the first figure and the top 10% earn more than the last.",
		"The 10th percentile is the pay 1 in 10 earn less than; the 90th is the pay 1 in 10 earn more than.",
	},
	"estimate": {
		"The pay for your area is a guess made from the pay for the whole UK.",
		"The regional figure is an estimate: the UK figure scaled by how pay in this group of jobs differs in the region.",
	},
}

// Explain returns the explanation of a term the first time it is used in a
// conversation, and "" after that.
func (v *View) Explain(term string) string {
	if slices.Contains(v.explained, term) || slices.Contains(v.newTerms, term) {
		return ""
	}
	ex, ok := explanations[term]
	if !ok {
		return ""
	}
	v.newTerms = append(v.newTerms, term)
	if v.Young {
		return ex[0]
	}
	return ex[1]
}

// List joins words as "a, b and c".
func (v *View) List(items []string) string { return joinList(items) }

func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	// one allocation: "a, b and c"
	n := len(" and ") + 2*(len(items)-2)
	for _, s := range items {
		n += len(s)
	}
	var b strings.Builder
	b.Grow(n)
	for i, s := range items {
		switch {
		case i == len(items)-1:
			b.WriteString(" and ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	return b.String()
}

// Lower lower-cases a title for use inside a sentence.
func (v *View) Lower(s string) string { return strings.ToLower(s) }

// Routes says how people get into the work, in words for the depth.
func (v *View) Routes(o *OccView) []string {
	if o == nil {
		return nil
	}
	var out []string
	for _, r := range o.Entry.Routes {
		w := routeWords[r]
		if w == [2]string{} {
			w = [2]string{strings.ReplaceAll(r, "_", " "), strings.ReplaceAll(r, "_", " ")}
		}
		switch {
		case r == "apprenticeship":
			out = append(out, v.apprenticeshipWord(o.Entry))
		case v.Young || v.Teen:
			out = append(out, w[0])
		default:
			out = append(out, w[1])
		}
	}
	if len(out) > 0 {
		v.UseSource(o.Entry.SourceID)
	}
	return out
}

var routeWords = map[string][2]string{
	"apprenticeship":    {"an apprenticeship (work and learn)", "an apprenticeship"},
	"college":           {"a college course", "a college course"},
	"degree":            {"a degree at uni", "a university degree"},
	"postgraduate":      {"more study after a degree", "a postgraduate qualification"},
	"on_the_job":        {"training on the job", "training on the job"},
	"training_scheme":   {"a training scheme", "a training scheme"},
	"work_experience":   {"work experience first", "relevant work experience"},
	"promotion_at_work": {"moving up from another job", "promotion from related jobs"},
	"courses":           {"short courses", "short courses"},
}

// Quals lists the usual qualifications in words for the depth.
func (v *View) Quals(o *OccView) []string {
	if o == nil {
		return nil
	}
	var out []string
	for _, q := range o.Entry.Qualifications {
		if q == "none_required" && len(o.Entry.Qualifications) > 1 {
			continue // "no set qualifications" beside others: the others help
		}
		w, ok := qualWords[q]
		if !ok {
			w = [2]string{strings.ReplaceAll(q, "_", " "), strings.ReplaceAll(q, "_", " ")}
		}
		if v.Young || v.Teen {
			out = append(out, w[0])
		} else {
			s := w[1]
			if q == "nvq" && len(o.Entry.NVQLevels) > 0 {
				s += " (level " + joinInts(o.Entry.NVQLevels) + ")"
			}
			out = append(out, s)
		}
	}
	if len(out) > 0 {
		v.UseSource(o.Entry.SourceID)
	}
	return out
}

var qualWords = map[string][2]string{
	"gcse":                       {"GCSEs", "GCSEs"},
	"a_level":                    {"A levels", "A levels"},
	"nvq":                        {"work-based awards (NVQs)", "NVQs/SVQs"},
	"btec":                       {"a BTEC", "BTECs"},
	"hnc_hnd":                    {"an HNC or HND", "an HNC/HND"},
	"degree":                     {"a degree", "a degree"},
	"postgraduate":               {"more study after a degree", "a postgraduate qualification"},
	"none_required":              {"no set exams", "no formal qualifications required"},
	"professional_qualification": {"a work qualification", "a professional qualification"},
	"am2":                        {"the AM2 (the final practical test for electricians)", "the AM2 assessment"},
}

// Registration lists registrations and checks in words.
func (v *View) Registration(o *OccView) []string {
	if o == nil {
		return nil
	}
	var out []string
	for _, r := range o.Entry.Registration {
		switch r {
		case "professional_body":
			if len(o.Entry.Bodies) > 0 {
				out = append(out, "registration with "+joinList(o.Entry.Bodies))
			} else {
				out = append(out, "registration with a professional body")
			}
		case "cscs_card":
			out = append(out, "a CSCS card (for building sites)")
		case "driving_licence":
			out = append(out, "a driving licence")
		case "dbs_check":
			out = append(out, "a DBS check")
		case "licence":
			out = append(out, "a licence")
		default:
			out = append(out, strings.ReplaceAll(r, "_", " "))
		}
	}
	return out
}

// Requirements lists physical and other requirements in words.
func (v *View) Requirements(o *OccView) []string {
	if o == nil {
		return nil
	}
	var out []string
	for _, r := range o.Entry.Requirements {
		switch r {
		case "good_eyesight":
			out = append(out, "good eyesight")
		case "colour_vision":
			out = append(out, "normal colour vision")
		case "fitness":
			out = append(out, "being fit")
		case "medical":
			out = append(out, "a medical check")
		case "age_minimum":
			out = append(out, "a minimum age")
		default:
			out = append(out, strings.ReplaceAll(r, "_", " "))
		}
	}
	return out
}

// Skills lists the top skill names of the O*NET profile (up to n).
func (v *View) Skills(o *OccView, n int) []string {
	if o == nil || o.Profile == nil {
		return nil
	}
	var out []string
	for _, s := range o.Profile.Skills {
		if len(out) >= n {
			break
		}
		out = append(out, strings.ToLower(s.Name))
	}
	if len(out) > 0 {
		v.UseSource(o.Profile.SourceID)
	}
	return out
}

// Related lists up to n related job titles.
func (v *View) Related(o *OccView, n int) []string {
	if o == nil {
		return nil
	}
	var out []string
	name := singular(strings.ToLower(o.Name))
	title := strings.ToLower(o.Title)
	for _, r := range o.RelatedTitles {
		if len(out) >= n {
			break
		}
		lr := strings.ToLower(r)
		if singular(lr) == name || lr == title || singular(lr) == singular(title) {
			continue // "a job like a vet is vet"
		}
		out = append(out, r)
	}
	return out
}

// HasRoutes says whether any entry facts are known.
func (v *View) HasRoutes(o *OccView) bool {
	return o != nil && (len(o.Entry.Routes) > 0 || len(o.Entry.Qualifications) > 0)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

func roundTo(x, unit float64) float64 { return math.Round(x/unit) * unit }

// roundSig rounds to two significant figures.
func roundSig(x float64) float64 {
	if x == 0 {
		return 0
	}
	mag := math.Pow(10, math.Floor(math.Log10(math.Abs(x)))-1)
	return math.Round(x/mag) * mag
}

// Commas formats a whole number with thousands separators: 39647.4 -> "39,647".
func Commas(x float64) string {
	n := int64(math.Round(x))
	neg := n < 0
	if neg {
		n = -n
	}
	// digits and commas in stack buffers: one allocation, the string
	var digits [20]byte
	s := strconv.AppendInt(digits[:0], n, 10)
	var out [28]byte
	b := out[:0]
	if neg {
		b = append(b, '-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, c)
	}
	return string(b)
}

// singular turns the last word of a job as someone wrote it into the singular
// ("nurses" -> "nurse", "police officers" -> "police officer"), for "a nurse job".
func singular(s string) string {
	head, last := "", s
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		head, last = s[:i+1], s[i+1:]
	}
	last = strings.TrimSuffix(strings.TrimSuffix(last, "'s"), "'")
	switch {
	case personIcs[last]:
		last = last[:len(last)-1]
	case len(last) < 4 || strings.HasSuffix(last, "ss") || strings.HasSuffix(last, "us") || strings.HasSuffix(last, "is") ||
		strings.HasSuffix(last, "ions") || strings.HasSuffix(last, "ics"):
	case strings.HasSuffix(last, "ies"):
		last = last[:len(last)-3] + "y"
	case strings.HasSuffix(last, "ches") || strings.HasSuffix(last, "shes") || strings.HasSuffix(last, "xes") || strings.HasSuffix(last, "sses"):
		last = last[:len(last)-2]
	case strings.HasSuffix(last, "s"):
		last = last[:len(last)-1]
	}
	return head + last
}

// personIcs are "-ics" words that are people, not subjects (physics, electronics).
var personIcs = map[string]bool{"paramedics": true, "mechanics": true, "medics": true, "critics": true, "academics": true}

// Cap upper-cases the first letter.
func (v *View) Cap(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// MonthName turns "2025-07" into "July 2025" (other text is returned as it is).
func (v *View) MonthName(ym string) string {
	if len(ym) == 7 && ym[4] == '-' {
		if m, err := strconv.Atoi(ym[5:]); err == nil && m >= 1 && m <= 12 {
			return monthNames[m-1] + " " + ym[:4]
		}
	}
	return ym
}

// bestLikesMinShare is the least share of the best suggestion's score for a job to count
// as suiting what the person likes in a best-paid list.
const bestLikesMinShare = 0.4

// setDepth sets the view's depth flags from a Depth* value.
func (v *View) setDepth(depth string) {
	switch depth {
	case DepthYoung:
		v.Young = true
	case DepthTeen:
		v.Teen = true
	case DepthOlder:
		v.Older = true
	case DepthAdult:
		v.Adult = true
	case DepthAdviser:
		v.Adviser = true
	}
	v.Detailed = v.Older || v.Adult || v.Adviser
}
