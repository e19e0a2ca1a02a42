package lmiforall

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/careersbot/careersbot/lmi"
)

// Source IDs of the figures the Store labels.
const (
	SourceASHE      = "lmiforall_ashe"
	SourceWF        = "lmiforall_wf"
	SourceLFS       = "lmiforall_lfs"
	SourceONet      = "lmiforall_onet"
	SourceHESA      = "lmiforall_hesa"
	SourceVacancies = "lmiforall_vacancies"
	SourceSOC       = "lmiforall_soc"
)

const attrLMIForAll = "Contains data from LMI for All (Department for Education), used under the Open Government Licence v3.0."

// Sources are the LMI for All series the Store can label figures with. Years come
// with each figure: the service answers with its latest year.
var lmiForAllSources = []lmi.Source{
	{ID: SourceASHE, Name: "LMI for All: ONS Annual Survey of Hours and Earnings estimates (SOC 2010)", Short: "LMI for All (ONS ASHE)", Publisher: "LMI for All", Licence: "OGL v3", Attribution: attrLMIForAll},
	{ID: SourceWF, Name: "LMI for All: Working Futures employment projections (SOC 2010)", Short: "LMI for All (Working Futures)", Publisher: "LMI for All", Licence: "OGL v3", Attribution: attrLMIForAll},
	{ID: SourceLFS, Name: "LMI for All: ONS Labour Force Survey unemployment rates (SOC 2010)", Short: "LMI for All (ONS LFS)", Publisher: "LMI for All", Licence: "OGL v3", Attribution: attrLMIForAll},
	{ID: SourceONet, Name: "LMI for All: O*NET skills, abilities and interests (US)", Short: "LMI for All (O*NET)", Publisher: "LMI for All", Licence: "CC BY 4.0 (O*NET)", Attribution: attrLMIForAll},
	{ID: SourceHESA, Name: "LMI for All: HESA subjects studied by graduates entering the occupation", Short: "LMI for All (HESA)", Publisher: "LMI for All", Licence: "OGL v3", Attribution: attrLMIForAll},
	{ID: SourceVacancies, Name: "LMI for All: live vacancies (DWP Find a Job)", Short: "LMI for All (vacancies)", Publisher: "LMI for All", Licence: "OGL v3", Attribution: attrLMIForAll},
	{ID: SourceSOC, Name: "LMI for All: ONS SOC 2010 unit group descriptions", Short: "LMI for All (ONS SOC 2010)", Publisher: "LMI for All", Licence: "OGL v3", Attribution: attrLMIForAll},
}

// Catalogue is what the Store needs besides the API: the SOC 2020 classification
// (titles, groups, title search, places) and the SOC 2010 <-> 2020 links. The
// embedded store is one.
type Catalogue interface {
	lmi.Store
	lmi.SOCMapper
}

// Store is an lmi.Store whose figures come from LMI for All. LMI for All is keyed by
// SOC 2010, so each SOC 2020 unit group is answered from the SOC 2010 group most of its
// people came from (ONS relationship table), with the shares as a caveat when the
// groups do not match one to one. The classification itself (titles, groups, places,
// finding job titles in a message) comes from the Catalogue; so do answers the
// service has no series for (best paid across all jobs, suggestions), labelled with
// the catalogue's own sources.
//
// A service failure (timeout, 5xx, open breaker) is returned as an error, so a
// layered store can answer from elsewhere; a figure the service does not have is a
// Missing figure.
type Store struct {
	c   *Client
	cat Catalogue

	regionsMu   sync.Mutex
	regionCodes map[string]int // lmi region name -> ASHE region code; nil until loaded
}

var (
	_ lmi.Store    = (*Store)(nil)
	_ lmi.LocalLMI = (*Store)(nil)
)

// NewStore returns the store over a client and a catalogue.
func NewStore(c *Client, cat Catalogue) *Store { return &Store{c: c, cat: cat} }

// Client returns the store's client (for its Stats and Health).
func (s *Store) Client() *Client { return s.c }

// Health reports whether the service answers: nil when the breaker is closed and a
// cheap call succeeds.
func (s *Store) Health(ctx context.Context) error {
	if st := s.c.Stats().Breaker; st == "open" {
		return fmt.Errorf("lmiforall: %w", ErrCircuitOpen)
	}
	_, err := s.c.SOCCode(ctx, "2136")
	return err
}

// Transient reports whether err means the service failed (rather than lacking an
// answer): timeouts, network errors, 5xx and 429, malformed bodies, an open breaker.
func Transient(err error) bool {
	if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, lmi.ErrNotFound) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.temporary() || ae.Status == http.StatusOK && strings.HasPrefix(ae.Message, "bad ")
	}
	return true
}

// gone reports an error that only means "no such figure".
func gone(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrNotFound) {
		return true
	}
	var ae *APIError
	return errors.As(err, &ae) && !ae.temporary()
}

func missing(src, reason string) lmi.Figure {
	return lmi.Figure{Missing: true, Reason: reason, SourceID: src}
}

func missingDist(src, reason string) lmi.Distribution {
	m := missing(src, reason)
	return lmi.Distribution{Median: m, Mean: m, P10: m, P25: m, P75: m, P90: m}
}

// link is the SOC 2010 group a SOC 2020 unit group is answered from.
func (s *Store) link(ctx context.Context, soc2020 string) (lmi.SOCLink, error) {
	ls, err := s.cat.SOC2010For(ctx, soc2020)
	if err != nil {
		return lmi.SOCLink{}, err
	}
	if len(ls) == 0 {
		return lmi.SOCLink{}, fmt.Errorf("lmiforall: SOC 2020 %s has no SOC 2010 group: %w", soc2020, lmi.ErrNotFound)
	}
	return ls[0], nil
}

// figureCaveats are the caveats of a figure answered for a SOC 2010 group.
func figureCaveats(l lmi.SOCLink, extra ...string) []string {
	var out []string
	if c := l.SplitCaveat(); c != "" {
		out = append(out, c)
	}
	return append(out, extra...)
}

// estimated is an ASHE estimate the store found: the point, the SOC the service
// answered for (2 digits when coarse) and whether it is for full-time employees.
type estimated struct {
	Point
	soc      int
	fullTime bool
}

// estimate asks for a 4-digit full-time estimate, then the 2-digit one; when the
// service has neither (or rejects the status filter), the same without the filter,
// which is for all employees.
func (s *Store) estimate(ctx context.Context, l lmi.SOCLink, hours bool) (estimated, error) {
	get := s.c.EstimatePayFor
	if hours {
		get = s.c.EstimateHoursFor
	}
	for _, filter := range []string{"status:1", ""} {
		for _, coarse := range []bool{false, true} {
			e, err := get(ctx, l.SOC2010, EstimateQuery{Coarse: coarse, Filters: filter})
			if err != nil && !gone(err) {
				return estimated{}, err
			}
			if p, ok := e.Latest(); err == nil && ok && p.Value > 0 && !math.IsInf(p.Value, 0) {
				return estimated{Point: p, soc: e.SOC, fullTime: filter != ""}, nil
			}
		}
	}
	return estimated{}, nil
}

// Occupation returns the unit group with LMI for All's pay, hours and regional pay.
// Other figures are Missing (a layered store fills them).
func (s *Store) Occupation(ctx context.Context, soc2020 string) (*lmi.Occupation, error) {
	base, err := s.cat.Occupation(ctx, soc2020)
	if err != nil {
		return nil, err
	}
	o := &lmi.Occupation{SOC2020: base.SOC2020, SOC2010: base.SOC2010, Title: base.Title,
		MinorGroup: base.MinorGroup, MinorGroupTitle: base.MinorGroupTitle,
		SubMajorGroup: base.SubMajorGroup, SubMajorGroupTitle: base.SubMajorGroupTitle,
		MajorGroup: base.MajorGroup, MajorGroupTitle: base.MajorGroupTitle, RelatedTitles: base.RelatedTitles}
	const notHere = "not published by LMI for All"
	o.Pay = lmi.Pay{
		AnnualFullTime: missingDist(SourceASHE, notHere), AnnualAll: missingDist(SourceASHE, notHere),
		WeeklyFullTime: missingDist(SourceASHE, notHere), WeeklyAll: missingDist(SourceASHE, notHere),
		HourlyFullTime: missingDist(SourceASHE, notHere), HourlyAll: missingDist(SourceASHE, notHere),
		PaidHoursFullTime: missingDist(SourceASHE, notHere), PaidHoursAll: missingDist(SourceASHE, notHere),
	}
	l, err := s.link(ctx, soc2020)
	if errors.Is(err, lmi.ErrNotFound) {
		return o, nil // no SOC 2010 group: nothing LMI for All can say
	}
	if err != nil {
		return nil, err
	}

	var (
		wg             sync.WaitGroup
		pay, hrs       estimated
		payErr, hrsErr error
		regional       []lmi.RegionalPay
		regErr         error
		rec            *SOC
		recErr         error
	)
	wg.Add(4)
	go func() { defer wg.Done(); pay, payErr = s.estimate(ctx, l, false) }()
	go func() { defer wg.Done(); hrs, hrsErr = s.estimate(ctx, l, true) }()
	go func() { defer wg.Done(); regional, regErr = s.regionalPay(ctx, l) }()
	go func() { defer wg.Done(); rec, recErr = s.c.SOCCode(ctx, l.SOC2010) }()
	wg.Wait()
	for _, err := range []error{payErr, hrsErr, regErr, recErr} {
		if err != nil && !gone(err) {
			return nil, err
		}
	}
	level := func(soc int) []string {
		if soc > 0 && soc < 100 {
			return []string{fmt.Sprintf("LMI for All has no estimate for this job alone: this is for SOC 2010 sub-major group %d as a whole", soc)}
		}
		return nil
	}
	if pay.Value > 0 {
		yr := strconv.Itoa(pay.Year)
		weekly, annual, who := &o.Pay.WeeklyFullTime, &o.Pay.AnnualFullTime, "full-time employees"
		if !pay.fullTime {
			weekly, annual, who = &o.Pay.WeeklyAll, &o.Pay.AnnualAll, "all employees, full- and part-time"
		}
		cav := figureCaveats(l, append(level(pay.soc), "a modelled ASHE estimate, "+who)...)
		weekly.Median = lmi.Figure{Value: pay.Value, SourceID: SourceASHE, Year: yr, Estimate: true, Caveats: cav}
		annual.Median = lmi.Figure{Value: math.Round(pay.Value*52/100) * 100, SourceID: SourceASHE, Year: yr, Estimate: true,
			Caveats: append(append([]string{}, cav...), "weekly pay times 52, rounded to £100")}
	}
	if hrs.Value > 0 {
		hours, who := &o.Pay.PaidHoursFullTime, "full-time employees"
		if !hrs.fullTime {
			hours, who = &o.Pay.PaidHoursAll, "all employees, full- and part-time"
		}
		hours.Median = lmi.Figure{Value: hrs.Value, SourceID: SourceASHE, Year: strconv.Itoa(hrs.Year), Estimate: true,
			Caveats: figureCaveats(l, append(level(hrs.soc), "a modelled ASHE estimate of weekly hours, "+who)...)}
	}
	o.RegionalPay = regional
	if rec != nil && l.Share >= 0.9 && l.Back >= 0.9 {
		o.Texts = &lmi.Texts{Description: rec.Description, EntryRoutes: rec.Qualifications, Tasks: rec.TaskList(), SourceID: SourceSOC}
	}
	return o, nil
}

// regionCode finds LMI for All's ASHE region codes by name, from /ashe/filters/all
// (loaded once; a failed load is tried again on the next call).
func (s *Store) regionCode(ctx context.Context, region string) (int, error) {
	s.regionsMu.Lock()
	defer s.regionsMu.Unlock()
	if s.regionCodes == nil {
		fs, err := s.c.ASHEFilters(ctx)
		if err != nil {
			return 0, err
		}
		regs, err := s.cat.Regions(ctx)
		if err != nil {
			return 0, err
		}
		codes := map[string]int{}
		for _, f := range fs {
			if f.Name != "region" {
				continue
			}
			for _, cd := range f.Codings {
				for _, r := range regs {
					if regionKey(r.Name) == regionKey(cd.Name) {
						codes[r.Name] = cd.Value
					}
				}
			}
		}
		s.regionCodes = codes
	}
	c, ok := s.regionCodes[region]
	if !ok {
		return 0, fmt.Errorf("lmiforall: region %q: %w", region, lmi.ErrNotFound)
	}
	return c, nil
}

func regionKey(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("&", " ", " and ", " ", "the ", " ", ",", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

func (s *Store) regionalPay(ctx context.Context, l lmi.SOCLink) ([]lmi.RegionalPay, error) {
	est, err := s.c.EstimatePayByRegion(ctx, l.SOC2010)
	if err != nil || len(est.Regions) == 0 {
		return nil, err
	}
	regs, err := s.cat.Regions(ctx)
	if err != nil {
		return nil, err
	}
	var out []lmi.RegionalPay
	for _, r := range regs {
		code, err := s.regionCode(ctx, r.Name)
		if err != nil {
			if gone(err) {
				continue
			}
			return nil, err
		}
		for _, p := range est.Regions {
			if p.Region == code && p.Value > 0 {
				out = append(out, lmi.RegionalPay{Region: r.Name, Basis: "SOC 2010 group " + l.SOC2010,
					Median: lmi.Figure{Value: math.Round(p.Value*52/100) * 100, Estimate: true, SourceID: SourceASHE, Year: strconv.Itoa(est.Year),
						Caveats: figureCaveats(l, "a modelled ASHE estimate by region of work", "weekly pay times 52, rounded to £100")}})
			}
		}
	}
	return out, nil
}

// RegionalMedian is the unit group's estimated annual pay in one region.
func (s *Store) RegionalMedian(ctx context.Context, soc2020, region string) (lmi.RegionalPay, error) {
	l, err := s.link(ctx, soc2020)
	if err != nil {
		return lmi.RegionalPay{}, err
	}
	rs, err := s.regionalPay(ctx, l)
	if err != nil {
		return lmi.RegionalPay{}, err
	}
	for _, r := range rs {
		if strings.EqualFold(r.Region, region) {
			return r, nil
		}
	}
	return lmi.RegionalPay{}, fmt.Errorf("lmiforall: regional pay %s in %q: %w", soc2020, region, lmi.ErrNotFound)
}

// errNoSeries is returned for questions LMI for All has no series for.
func errNoSeries(what string) error {
	return fmt.Errorf("lmiforall: %s is not published by LMI for All: %w", what, lmi.ErrNotFound)
}

// Adverts: LMI for All has live vacancies, not advert counts (see Vacancies).
func (s *Store) Adverts(ctx context.Context, soc2020 string, place lmi.PlaceMatch) (*lmi.AdvertCounts, error) {
	return nil, errNoSeries("online job advert counts")
}

// OutlookForPlace: Working Futures projections are not Skills Imperative 2035 LSIP
// projections (see Projection).
func (s *Store) OutlookForPlace(ctx context.Context, soc2020 string, place lmi.PlaceMatch) (*lmi.Outlook, error) {
	return nil, errNoSeries("a Skills Imperative 2035 projection")
}

// GraduateIndustries: LMI for All has HESA courses by occupation, not LEO industries.
func (s *Store) GraduateIndustries(ctx context.Context, subject string) (string, []lmi.GraduateIndustry, error) {
	return "", nil, errNoSeries("graduate industries")
}

// Occupations lists the catalogue's unit groups with LMI for All figures: one call
// per group, so it is slow uncached; the classification-only list is the catalogue's.
func (s *Store) Occupations(ctx context.Context) ([]*lmi.Occupation, error) {
	return s.cat.Occupations(ctx)
}

// SearchOccupations asks LMI for All's SOC 2010 search and maps each result to the
// SOC 2020 group most of it went to. Scores fall with the service's rank and the
// share of the SOC 2010 group in that SOC 2020 group, and stay below
// lmi.ConfidentScore: the service gives no relevance, so a caller should confirm.
func (s *Store) SearchOccupations(ctx context.Context, query string, limit int) ([]lmi.Match, error) {
	if strings.TrimSpace(query) == "" {
		return []lmi.Match{}, nil
	}
	if limit <= 0 {
		limit = 10
	}
	res, err := s.c.SearchSOC(ctx, query)
	if err != nil {
		if gone(err) {
			return []lmi.Match{}, nil
		}
		return nil, err
	}
	out := []lmi.Match{}
	seen := map[string]bool{}
	for i, r := range res {
		ls, err := s.cat.SOC2020For(ctx, r.Code())
		if err != nil || len(ls) == 0 {
			continue
		}
		l := ls[0]
		if seen[l.SOC2020] {
			continue
		}
		occ, err := s.cat.Occupation(ctx, l.SOC2020)
		if err != nil {
			continue
		}
		seen[l.SOC2020] = true
		score := math.Max(0.1, (0.75-0.05*float64(i))*l.Share)
		out = append(out, lmi.Match{SOC2020: l.SOC2020, SOC2010: l.SOC2010, Title: occ.Title, Score: math.Round(score*100) / 100, Matched: r.CleanTitle()})
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// FindOccupations scans a message with the catalogue (the service has no such call).
func (s *Store) FindOccupations(ctx context.Context, text string) ([]lmi.Mention, error) {
	return s.cat.FindOccupations(ctx, text)
}

// ResolvePlace resolves places with the catalogue.
func (s *Store) ResolvePlace(ctx context.Context, text string) (lmi.PlaceMatch, error) {
	return s.cat.ResolvePlace(ctx, text)
}

// FindPlace finds places with the catalogue.
func (s *Store) FindPlace(ctx context.Context, text string) (lmi.PlaceMatch, bool) {
	return s.cat.FindPlace(ctx, text)
}

// Regions lists the catalogue's regions.
func (s *Store) Regions(ctx context.Context) ([]lmi.Region, error) { return s.cat.Regions(ctx) }

// BestPaid ranks from the catalogue: ranking every job would take a call per job.
func (s *Store) BestPaid(ctx context.Context, q lmi.BestPaidQuery) ([]lmi.RankedOccupation, error) {
	return s.cat.BestPaid(ctx, q)
}

// Suggest suggests from the catalogue.
func (s *Store) Suggest(ctx context.Context, q lmi.SuggestQuery) ([]lmi.Suggestion, error) {
	return s.cat.Suggest(ctx, q)
}

// Sources lists the catalogue's sources and LMI for All's.
func (s *Store) Sources(ctx context.Context) ([]lmi.Source, error) {
	out, err := s.cat.Sources(ctx)
	if err != nil {
		return nil, err
	}
	return append(out, lmiForAllSources...), nil
}

// SOC2010For and SOC2020For pass the catalogue's links through.
func (s *Store) SOC2010For(ctx context.Context, soc2020 string) ([]lmi.SOCLink, error) {
	return s.cat.SOC2010For(ctx, soc2020)
}

// SOC2020For passes the catalogue's links through.
func (s *Store) SOC2020For(ctx context.Context, soc2010 string) ([]lmi.SOCLink, error) {
	return s.cat.SOC2020For(ctx, soc2010)
}
