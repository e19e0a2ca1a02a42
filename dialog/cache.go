package dialog

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/careersbot/careersbot/lmi"
)

// lmiCache keeps answers of the (immutable) LMI store that are costly to compute:
// occupations by code, best-paid lists and suggestions. It is bounded.
type lmiCache struct {
	occ   sync.Map // soc2020 -> *lmi.Occupation
	best  sync.Map // key -> []lmi.RankedOccupation
	sugg  sync.Map // key -> []lmi.Suggestion
	ads   sync.Map // key -> *lmi.AdvertCounts (nil: none)
	local sync.Map // key -> *lmi.Outlook (nil: none)
	place sync.Map // profile district or place -> *lmi.PlaceMatch (nil: none)
	cards sync.Map // soc2020|depth[|c] -> *cardEntry

	openOnce sync.Once
	open     []lmi.Match            // jobs needing no set qualifications, most advertised first
	groups   map[string][]lmi.Match // sub-major group -> its jobs, most advertised first
	count    atomic.Int64
}

// openJobs lists jobs whose entry facts say no set qualifications are needed, most
// advertised (England) first, computed once from the store (with the jobs of each
// sub-major group, for groupJobs).
func (e *Engine) openJobs(ctx context.Context) []lmi.Match {
	e.cache.openOnce.Do(func() {
		occs, err := e.store.Occupations(ctx)
		if err != nil {
			return
		}
		type row struct {
			m     lmi.Match
			ads   float64
			open  bool
			group string
		}
		var rows []row
		for _, o := range occs {
			r := row{m: lmi.Match{SOC2020: o.SOC2020, Title: o.Title, Score: 1}, group: o.SubMajorGroup,
				open: slices.Contains(o.Entry.Qualifications, "none_required") && !o.Entry.DegreeUsual && !strings.HasPrefix(o.SOC2020, "1")}
			if len(o.SOC2010) > 0 {
				r.m.SOC2010 = o.SOC2010[0]
			}
			if o.Demand != nil && !o.Demand.Adverts3mAvg.Missing {
				r.ads = o.Demand.Adverts3mAvg.Value
			}
			rows = append(rows, r)
		}
		slices.SortStableFunc(rows, func(a, b row) int {
			switch {
			case a.ads > b.ads:
				return -1
			case a.ads < b.ads:
				return 1
			}
			return 0
		})
		e.cache.groups = map[string][]lmi.Match{}
		for _, r := range rows {
			if r.open {
				e.cache.open = append(e.cache.open, r.m)
			}
			e.cache.groups[r.group] = append(e.cache.groups[r.group], r.m)
		}
	})
	return e.cache.open
}

// groupJobs lists the jobs in a sub-major group, most advertised first.
func (e *Engine) groupJobs(ctx context.Context, subMajor string) []lmi.Match {
	e.openJobs(ctx)
	return e.cache.groups[subMajor]
}

const maxCached = 4096

func (c *lmiCache) full() bool { return c.count.Load() >= maxCached }

func (e *Engine) occupation(ctx context.Context, code string) (*lmi.Occupation, error) {
	if v, ok := e.cache.occ.Load(code); ok {
		return v.(*lmi.Occupation), nil
	}
	o, err := e.store.Occupation(ctx, code)
	if err != nil || o == nil {
		return o, err
	}
	if !e.cache.full() {
		e.cache.occ.Store(code, o)
		e.cache.count.Add(1)
	}
	return o, nil
}

func (e *Engine) bestPaid(ctx context.Context, q lmi.BestPaidQuery) ([]lmi.RankedOccupation, error) {
	key := q.Region + "|" + strconv.FormatBool(q.NoDegree) + "|" + strconv.Itoa(q.Limit)
	if v, ok := e.cache.best.Load(key); ok {
		return v.([]lmi.RankedOccupation), nil
	}
	rows, err := e.store.BestPaid(ctx, q)
	if err == nil && !e.cache.full() {
		e.cache.best.Store(key, rows)
		e.cache.count.Add(1)
	}
	return rows, err
}

func (e *Engine) suggest(ctx context.Context, q lmi.SuggestQuery) ([]lmi.Suggestion, error) {
	norm := func(xs []string) string {
		s := slices.Clone(xs)
		slices.Sort(s)
		return strings.Join(s, ",")
	}
	key := norm(q.Interests) + "|" + norm(q.Subjects) + "|" + norm(q.Skills) + "|" +
		strconv.FormatBool(q.NoDegree) + "|" + strconv.Itoa(q.Limit)
	if v, ok := e.cache.sugg.Load(key); ok {
		return v.([]lmi.Suggestion), nil
	}
	rows, err := e.store.Suggest(ctx, q)
	if err == nil && !e.cache.full() {
		e.cache.sugg.Store(key, rows)
		e.cache.count.Add(1)
	}
	return rows, err
}

func placeKey(code string, pm lmi.PlaceMatch) string {
	return code + "|" + pm.Region.Name + "|" + pm.Area + "|" + pm.LSIP + "|" + pm.District
}

// adverts returns cached local job advert counts (nil when the store has none).
func (e *Engine) adverts(ctx context.Context, code string, pm lmi.PlaceMatch) *lmi.AdvertCounts {
	as, ok := e.store.(advertsStore)
	if !ok {
		return nil
	}
	key := placeKey(code, pm)
	if v, ok := e.cache.ads.Load(key); ok {
		return v.(*lmi.AdvertCounts)
	}
	ac, err := as.Adverts(ctx, code, pm)
	if err != nil {
		ac = nil
	}
	if !e.cache.full() {
		e.cache.ads.Store(key, ac)
		e.cache.count.Add(1)
	}
	return ac
}

// localOutlook returns the cached projection for a place's local area (nil: none).
func (e *Engine) localOutlook(ctx context.Context, code string, pm lmi.PlaceMatch) *lmi.Outlook {
	ps, ok := e.store.(placeOutlookStore)
	if !ok {
		return nil
	}
	key := placeKey(code, pm)
	if v, ok := e.cache.local.Load(key); ok {
		return v.(*lmi.Outlook)
	}
	lo, err := ps.OutlookForPlace(ctx, code, pm)
	if err != nil {
		lo = nil
	}
	if !e.cache.full() {
		e.cache.local.Store(key, lo)
		e.cache.count.Add(1)
	}
	return lo
}

// resolvePlace resolves a profile's district or place name (cached; nil when none).
func (e *Engine) resolvePlace(ctx context.Context, q string) *lmi.PlaceMatch {
	if v, ok := e.cache.place.Load(q); ok {
		return v.(*lmi.PlaceMatch)
	}
	var out *lmi.PlaceMatch
	if pm, err := e.store.ResolvePlace(ctx, q); err == nil && !pm.Ambiguous {
		out = &pm
	}
	if !e.cache.full() {
		e.cache.place.Store(q, out)
		e.cache.count.Add(1)
	}
	return out
}

// memo keeps strings built from immutable data (source labels, button values), so a
// turn does not build them again. Reads are lock-free and allocate nothing; a miss
// copies the map (the keys are few and fixed by the data), up to maxMemo entries.
type memo[K comparable] struct {
	m atomic.Pointer[map[K]string]
}

const maxMemo = 4096

// get returns the string for k, built once by build.
func (c *memo[K]) get(k K, build func() string) string {
	cur := c.m.Load()
	if cur != nil {
		if s, ok := (*cur)[k]; ok {
			return s
		}
	}
	s := build()
	for cur == nil || len(*cur) < maxMemo {
		next := make(map[K]string, 1)
		if cur != nil {
			next = maps.Clone(*cur)
		}
		next[k] = s
		if c.m.CompareAndSwap(cur, &next) {
			break
		}
		cur = c.m.Load()
	}
	return s
}

// socSubtitle is a suggestion card's subtitle, "SOC 2020 " + code, memoised (with the
// button values: no intent starts with a space).
func (e *Engine) socSubtitle(code string) string {
	return e.values.get([2]string{" subtitle", code}, func() string { return "SOC 2020 " + code })
}

// buttonValue is intent + ":" + code ("pay:2231"), memoised.
func (e *Engine) buttonValue(intent, code string) string {
	return e.values.get([2]string{intent, code}, func() string { return intent + ":" + code })
}
