// Package layered is an lmi.Store over several stores in order: each question goes to
// the first layer, and what it cannot answer (an error, or a figure it marks Missing)
// goes to the next. careersbot uses it to put the embedded snapshot and LMI for All
// behind one Store, either way round: every figure keeps its own source and year, and
// a figure answered by a later layer because an earlier one failed says so in a caveat.
package layered

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"

	"github.com/careersbot/careersbot/lmi"
	"github.com/careersbot/careersbot/lmi/lmiforall"
)

// Layer is one store with the name replies use for it ("LMI for All").
type Layer struct {
	Name  string
	Store lmi.Store
}

// Healther is implemented by layers that can fail (a live service); a layer
// without it is taken to be always able to answer (the embedded snapshot).
type Healther interface {
	Health(ctx context.Context) error
}

// Store is the layered store. It implements lmi.Store, lmi.LocalLMI and lmi.SOCMapper
// (passing on to the layers that implement them).
type Store struct {
	layers []Layer
	log    *slog.Logger
	n      []layerCounts
}

type layerCounts struct {
	answered, failed, filled atomic.Int64
}

var (
	_ lmi.Store     = (*Store)(nil)
	_ lmi.LocalLMI  = (*Store)(nil)
	_ lmi.SOCMapper = (*Store)(nil)
)

// New returns a store over the layers, first asked first. log may be nil.
func New(log *slog.Logger, layers ...Layer) (*Store, error) {
	if len(layers) == 0 {
		return nil, errors.New("layered: no layers")
	}
	for i, l := range layers {
		if l.Store == nil || l.Name == "" {
			return nil, fmt.Errorf("layered: layer %d has no store or name", i)
		}
	}
	if log == nil {
		log = slog.Default()
	}
	return &Store{layers: slices.Clone(layers), log: log, n: make([]layerCounts, len(layers))}, nil
}

// Layers returns the layers in order.
func (s *Store) Layers() []Layer { return slices.Clone(s.layers) }

// notFound reports an error that only says the layer has no answer.
func notFound(err error) bool { return errors.Is(err, lmi.ErrNotFound) }

// failed records a layer's failure (not a mere "not found") and logs it.
func (s *Store) failed(i int, op string, err error) {
	if notFound(err) || errors.Is(err, context.Canceled) {
		return
	}
	s.n[i].failed.Add(1)
	if errors.Is(err, lmiforall.ErrCircuitOpen) {
		s.log.Debug("lmi layer not asked: circuit open", "layer", s.layers[i].Name, "op", op)
		return
	}
	s.log.Warn("lmi layer failed; asking the next", "layer", s.layers[i].Name, "op", op, "err", err)
}

// first asks each layer in turn until one answers without error and ok(answer). When
// none does, an empty answer given without error wins over errors.
func first[T any](ctx context.Context, s *Store, op string, call func(lmi.Store) (T, error), ok func(T) bool) (T, error) {
	var best T
	haveBest := false
	var lastErr error
	for i, l := range s.layers {
		if err := ctx.Err(); err != nil {
			return best, err
		}
		v, err := call(l.Store)
		if err == nil {
			if ok == nil || ok(v) {
				s.n[i].answered.Add(1)
				return v, nil
			}
			if !haveBest {
				best, haveBest = v, true
			}
			continue
		}
		s.failed(i, op, err)
		if lastErr == nil || notFound(lastErr) && !notFound(err) {
			lastErr = err
		}
	}
	if haveBest {
		return best, nil
	}
	return best, lastErr
}

// Occupation merges the layers' answers: the first layer that knows the unit group
// gives it, and each Missing figure (or absent section) is filled from the next.
func (s *Store) Occupation(ctx context.Context, soc2020 string) (*lmi.Occupation, error) {
	var out *lmi.Occupation
	var lastErr error
	down := "" // name of an earlier layer that failed, for the caveat
	for i, l := range s.layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		o, err := l.Store.Occupation(ctx, soc2020)
		if err != nil {
			s.failed(i, "occupation", err)
			if !notFound(err) {
				if down == "" {
					down = l.Name
				}
				lastErr = err
			} else if lastErr == nil {
				lastErr = err
			}
			continue
		}
		note := ""
		if down != "" {
			note = down + " did not answer, so this is from " + l.Name
		}
		if out == nil {
			cp := *o
			out = &cp
			noteAll(out, note)
			s.n[i].answered.Add(1)
			continue
		}
		if merge(out, o, note) {
			s.n[i].filled.Add(1)
		}
	}
	if out == nil {
		if lastErr == nil {
			lastErr = fmt.Errorf("layered: occupation %q: %w", soc2020, lmi.ErrNotFound)
		}
		return nil, lastErr
	}
	return out, nil
}

func withNote(f lmi.Figure, note string) lmi.Figure {
	if note == "" || f.Missing {
		return f
	}
	f.Caveats = append(slices.Clone(f.Caveats), note)
	return f
}

// noteAll adds the outage note to every figure of an occupation taken whole.
func noteAll(o *lmi.Occupation, note string) {
	if note == "" {
		return
	}
	for _, d := range dists(&o.Pay) {
		for _, f := range figs(d) {
			*f = withNote(*f, note)
		}
	}
	o.RegionalPay = slices.Clone(o.RegionalPay)
	for i := range o.RegionalPay {
		o.RegionalPay[i].Median = withNote(o.RegionalPay[i].Median, note)
	}
}

func dists(p *lmi.Pay) []*lmi.Distribution {
	return []*lmi.Distribution{&p.AnnualFullTime, &p.AnnualAll, &p.WeeklyFullTime, &p.WeeklyAll,
		&p.HourlyFullTime, &p.HourlyAll, &p.PaidHoursFullTime, &p.PaidHoursAll}
}

func figs(d *lmi.Distribution) []*lmi.Figure {
	return []*lmi.Figure{&d.Median, &d.Mean, &d.P10, &d.P25, &d.P75, &d.P90}
}

// merge fills dst's gaps from src and reports whether it used anything.
func merge(dst, src *lmi.Occupation, note string) bool {
	used := false
	fill := func(d *lmi.Figure, s lmi.Figure) {
		if d.Missing && !s.Missing && s.SourceID != "" {
			*d = withNote(s, note)
			used = true
		}
	}
	// A distribution is one publication: a layer's median is not mixed with another
	// source's or year's percentiles. An empty one is taken whole; a partial one only
	// takes figures of the same source and year.
	dd, sd := dists(&dst.Pay), dists(&src.Pay)
	for i := range dd {
		df, sf := figs(dd[i]), figs(sd[i])
		src, year, any := "", "", false
		for _, f := range df {
			if !f.Missing {
				src, year, any = f.SourceID, f.Year, true
				break
			}
		}
		for j := range df {
			if !any || sf[j].SourceID == src && sf[j].Year == year {
				fill(df[j], *sf[j])
			}
		}
	}
	have := map[string]int{}
	for i, r := range dst.RegionalPay {
		have[r.Region] = i
	}
	for _, r := range src.RegionalPay {
		i, ok := have[r.Region]
		switch {
		case !ok && !r.Median.Missing:
			if !used && len(dst.RegionalPay) > 0 {
				dst.RegionalPay = slices.Clone(dst.RegionalPay)
			}
			r.Median = withNote(r.Median, note)
			dst.RegionalPay = append(dst.RegionalPay, r)
			used = true
		case ok && dst.RegionalPay[i].Median.Missing && !r.Median.Missing:
			dst.RegionalPay = slices.Clone(dst.RegionalPay)
			r.Median = withNote(r.Median, note)
			dst.RegionalPay[i] = r
			used = true
		}
	}
	if dst.Outlook == nil && src.Outlook != nil {
		dst.Outlook, used = src.Outlook, true
	}
	if dst.Demand == nil && src.Demand != nil {
		dst.Demand, used = src.Demand, true
	}
	if dst.Profile == nil && src.Profile != nil {
		dst.Profile, used = src.Profile, true
	}
	if dst.Texts == nil && src.Texts != nil {
		dst.Texts, used = src.Texts, true
	}
	if dst.Entry.SourceID == "" && src.Entry.SourceID != "" {
		dst.Entry, used = src.Entry, true
	}
	if len(dst.SOC2010) == 0 {
		dst.SOC2010 = src.SOC2010
	}
	if len(dst.RelatedTitles) == 0 {
		dst.RelatedTitles = src.RelatedTitles
	}
	return used
}

// Occupations lists unit groups from the first layer that can.
func (s *Store) Occupations(ctx context.Context) ([]*lmi.Occupation, error) {
	return first(ctx, s, "occupations", func(st lmi.Store) ([]*lmi.Occupation, error) { return st.Occupations(ctx) },
		func(v []*lmi.Occupation) bool { return len(v) > 0 })
}

// SearchOccupations asks each layer until one finds something.
func (s *Store) SearchOccupations(ctx context.Context, query string, limit int) ([]lmi.Match, error) {
	ms, err := first(ctx, s, "search", func(st lmi.Store) ([]lmi.Match, error) { return st.SearchOccupations(ctx, query, limit) },
		func(v []lmi.Match) bool { return len(v) > 0 })
	if err == nil && ms == nil {
		ms = []lmi.Match{}
	}
	return ms, err
}

// FindOccupations asks each layer until one finds a mention.
func (s *Store) FindOccupations(ctx context.Context, text string) ([]lmi.Mention, error) {
	return first(ctx, s, "find", func(st lmi.Store) ([]lmi.Mention, error) { return st.FindOccupations(ctx, text) },
		func(v []lmi.Mention) bool { return len(v) > 0 })
}

// ResolvePlace asks each layer until one resolves the place.
func (s *Store) ResolvePlace(ctx context.Context, text string) (lmi.PlaceMatch, error) {
	return first(ctx, s, "place", func(st lmi.Store) (lmi.PlaceMatch, error) { return st.ResolvePlace(ctx, text) }, nil)
}

// FindPlace asks each layer until one finds a place.
func (s *Store) FindPlace(ctx context.Context, text string) (lmi.PlaceMatch, bool) {
	for _, l := range s.layers {
		if pm, ok := l.Store.FindPlace(ctx, text); ok {
			return pm, true
		}
	}
	return lmi.PlaceMatch{}, false
}

// Regions lists regions from the first layer that can.
func (s *Store) Regions(ctx context.Context) ([]lmi.Region, error) {
	return first(ctx, s, "regions", func(st lmi.Store) ([]lmi.Region, error) { return st.Regions(ctx) },
		func(v []lmi.Region) bool { return len(v) > 0 })
}

// BestPaid ranks from the first layer that can.
func (s *Store) BestPaid(ctx context.Context, q lmi.BestPaidQuery) ([]lmi.RankedOccupation, error) {
	return first(ctx, s, "best_paid", func(st lmi.Store) ([]lmi.RankedOccupation, error) { return st.BestPaid(ctx, q) },
		func(v []lmi.RankedOccupation) bool { return len(v) > 0 })
}

// Suggest suggests from the first layer that can.
func (s *Store) Suggest(ctx context.Context, q lmi.SuggestQuery) ([]lmi.Suggestion, error) {
	return first(ctx, s, "suggest", func(st lmi.Store) ([]lmi.Suggestion, error) { return st.Suggest(ctx, q) },
		func(v []lmi.Suggestion) bool { return len(v) > 0 })
}

// Sources lists every layer's sources once each.
func (s *Store) Sources(ctx context.Context) ([]lmi.Source, error) {
	var out []lmi.Source
	seen := map[string]bool{}
	var lastErr error
	for _, l := range s.layers {
		srcs, err := l.Store.Sources(ctx)
		if err != nil {
			lastErr = err
			continue
		}
		for _, src := range srcs {
			if !seen[src.ID] {
				seen[src.ID] = true
				out = append(out, src)
			}
		}
	}
	if out == nil {
		return nil, lastErr
	}
	return out, nil
}

// local asks the layers that implement lmi.LocalLMI in turn.
func local[T any](ctx context.Context, s *Store, op string, call func(lmi.LocalLMI) (T, error)) (T, error) {
	var zero T
	var lastErr error = fmt.Errorf("layered: %s: %w", op, lmi.ErrNotFound)
	for i, l := range s.layers {
		ll, ok := l.Store.(lmi.LocalLMI)
		if !ok {
			continue
		}
		v, err := call(ll)
		if err == nil {
			s.n[i].answered.Add(1)
			return v, nil
		}
		s.failed(i, op, err)
		if notFound(lastErr) {
			lastErr = err
		}
	}
	return zero, lastErr
}

// Adverts asks the local layers in turn.
func (s *Store) Adverts(ctx context.Context, soc2020 string, place lmi.PlaceMatch) (*lmi.AdvertCounts, error) {
	return local(ctx, s, "adverts", func(l lmi.LocalLMI) (*lmi.AdvertCounts, error) { return l.Adverts(ctx, soc2020, place) })
}

// OutlookForPlace asks the local layers in turn.
func (s *Store) OutlookForPlace(ctx context.Context, soc2020 string, place lmi.PlaceMatch) (*lmi.Outlook, error) {
	return local(ctx, s, "outlook", func(l lmi.LocalLMI) (*lmi.Outlook, error) { return l.OutlookForPlace(ctx, soc2020, place) })
}

// RegionalMedian asks the local layers in turn.
func (s *Store) RegionalMedian(ctx context.Context, soc2020, region string) (lmi.RegionalPay, error) {
	return local(ctx, s, "regional_median", func(l lmi.LocalLMI) (lmi.RegionalPay, error) { return l.RegionalMedian(ctx, soc2020, region) })
}

// GraduateIndustries asks the local layers in turn.
func (s *Store) GraduateIndustries(ctx context.Context, subject string) (string, []lmi.GraduateIndustry, error) {
	type res struct {
		subj string
		rows []lmi.GraduateIndustry
	}
	r, err := local(ctx, s, "graduates", func(l lmi.LocalLMI) (res, error) {
		subj, rows, err := l.GraduateIndustries(ctx, subject)
		return res{subj, rows}, err
	})
	return r.subj, r.rows, err
}

func mapper[T any](ctx context.Context, s *Store, call func(lmi.SOCMapper) (T, error)) (T, error) {
	var zero T
	var lastErr error = fmt.Errorf("layered: SOC mapping: %w", lmi.ErrNotFound)
	for _, l := range s.layers {
		if m, ok := l.Store.(lmi.SOCMapper); ok {
			v, err := call(m)
			if err == nil {
				return v, nil
			}
			lastErr = err
		}
	}
	return zero, lastErr
}

// SOC2010For passes on to the first layer that maps SOC codes.
func (s *Store) SOC2010For(ctx context.Context, soc2020 string) ([]lmi.SOCLink, error) {
	return mapper(ctx, s, func(m lmi.SOCMapper) ([]lmi.SOCLink, error) { return m.SOC2010For(ctx, soc2020) })
}

// SOC2020For passes on to the first layer that maps SOC codes.
func (s *Store) SOC2020For(ctx context.Context, soc2010 string) ([]lmi.SOCLink, error) {
	return mapper(ctx, s, func(m lmi.SOCMapper) ([]lmi.SOCLink, error) { return m.SOC2020For(ctx, soc2010) })
}

// LayerHealth is one layer's state for /readyz.
type LayerHealth struct {
	Name     string `json:"name"`
	OK       bool   `json:"ok"`
	Error    string `json:"error,omitempty"`
	Answered int64  `json:"answered"` // questions this layer answered first
	Filled   int64  `json:"filled"`   // occupations it filled gaps in
	Failed   int64  `json:"failed"`   // failures (timeouts, 5xx, open breaker...)
}

// Health checks every layer. ready is true while at least one layer can answer, so a
// live service being down does not fail readiness when the snapshot is there.
func (s *Store) Health(ctx context.Context) (layers []LayerHealth, ready bool) {
	for i, l := range s.layers {
		h := LayerHealth{Name: l.Name, OK: true, Answered: s.n[i].answered.Load(), Filled: s.n[i].filled.Load(), Failed: s.n[i].failed.Load()}
		if hc, ok := l.Store.(Healther); ok {
			if err := hc.Health(ctx); err != nil {
				h.OK, h.Error = false, err.Error()
			}
		}
		ready = ready || h.OK
		layers = append(layers, h)
	}
	return layers, ready
}
