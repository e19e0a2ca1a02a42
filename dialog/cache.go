package dialog

import (
	"context"
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
	count atomic.Int64
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
