package lmiforall

import (
	"container/list"
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrCircuitOpen is returned without calling the API while the circuit breaker is open:
// the service failed too often just now, so callers should answer from elsewhere.
var ErrCircuitOpen = errors.New("lmiforall: circuit open: the service failed repeatedly, not calling it for a while")

// Resilience configures how the client copes with a slow or failing service.
// The zero value of a field takes the default shown.
type Resilience struct {
	// Timeout bounds one attempt (default 2s).
	Timeout time.Duration
	// Budget bounds a whole call, retries and backoff included (default 4s), so a
	// slow service costs a conversation at most this before another layer answers.
	Budget time.Duration
	// Retries is how many times a 5xx, 429, timeout or network error is retried
	// (default 2; negative for none).
	Retries int
	// Backoff is the first retry's base delay, doubled each time, with full jitter
	// (default 200ms). A Retry-After header is honoured up to MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration // default 2s; a longer Retry-After gives up at once
	// BreakerFailures consecutive failed calls open the breaker (default 5) for
	// BreakerCooldown (default 30s); then one probe call decides.
	BreakerFailures int
	BreakerCooldown time.Duration
	// CacheEntries bounds the response cache (default 4096; negative disables it).
	CacheEntries int
	// TTL per series, keyed by the first path segment ("soc", "ashe", "wf", "lfs",
	// "o-net", "hesa", "vacancies"); DefaultTTL for the rest (default 6h).
	TTL        map[string]time.Duration
	DefaultTTL time.Duration
}

// DefaultTTLs are the per-series cache lifetimes: the statistics change yearly, the
// vacancies hourly.
var defaultTTLs = map[string]time.Duration{
	"soc": 24 * time.Hour, "ashe": 12 * time.Hour, "wf": 24 * time.Hour, "lfs": 12 * time.Hour,
	"o-net": 24 * time.Hour, "hesa": 24 * time.Hour, "vacancies": 10 * time.Minute,
}

func (r Resilience) withDefaults() Resilience {
	if r.Timeout <= 0 {
		r.Timeout = 2 * time.Second
	}
	if r.Budget <= 0 {
		r.Budget = 2 * r.Timeout
	}
	if r.Retries == 0 {
		r.Retries = 2
	} else if r.Retries < 0 {
		r.Retries = 0
	}
	if r.Backoff <= 0 {
		r.Backoff = 200 * time.Millisecond
	}
	if r.MaxBackoff <= 0 {
		r.MaxBackoff = 2 * time.Second
	}
	if r.BreakerFailures <= 0 {
		r.BreakerFailures = 5
	}
	if r.BreakerCooldown <= 0 {
		r.BreakerCooldown = 30 * time.Second
	}
	if r.CacheEntries == 0 {
		r.CacheEntries = 4096
	}
	if r.DefaultTTL <= 0 {
		r.DefaultTTL = 6 * time.Hour
	}
	ttl := make(map[string]time.Duration, len(defaultTTLs)+len(r.TTL))
	for k, v := range defaultTTLs {
		ttl[k] = v
	}
	for k, v := range r.TTL {
		ttl[k] = v
	}
	r.TTL = ttl
	return r
}

// negativeTTL is how long a "no such thing" (400, 404) is remembered: a quarter of
// the series' TTL, at most an hour.
func (r Resilience) negativeTTL(path string) time.Duration {
	return min(r.ttlFor(path)/4, time.Hour)
}

func (r Resilience) ttlFor(path string) time.Duration {
	seg, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if d, ok := r.TTL[seg]; ok {
		return d
	}
	return r.DefaultTTL
}

// Stats counts what the client did, for metrics and the report.
type Stats struct {
	CacheHits    int64  `json:"cache_hits"`
	CacheMisses  int64  `json:"cache_misses"`
	Shared       int64  `json:"shared"`   // calls answered by an identical call in flight
	Requests     int64  `json:"requests"` // HTTP requests sent, retries included
	Retries      int64  `json:"retries"`
	Failures     int64  `json:"failures"`      // calls that failed after their retries
	ShortCircuit int64  `json:"short_circuit"` // calls refused by the open breaker
	Breaker      string `json:"breaker"`       // closed, open or half-open
}

type counters struct {
	hits, misses, shared, requests, retries, failures, short atomic.Int64
}

// retryable reports whether a failed attempt is worth another try, and the delay
// the server asked for (Retry-After), if any.
func retryable(err error, resp *http.Response) (bool, time.Duration) {
	if resp == nil {
		return err != nil, 0
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return true, retryAfter(resp.Header.Get("Retry-After"))
	}
	return false, 0
}

func retryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// backoff is the delay before retry n (0-based): full jitter over base*2^n.
func (r Resilience) backoff(n int) time.Duration {
	d := r.Backoff << n
	if d > r.MaxBackoff || d <= 0 {
		d = r.MaxBackoff
	}
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// breaker is a consecutive-failure circuit breaker.
type breaker struct {
	mu       sync.Mutex
	failures int
	limit    int
	cooldown time.Duration
	openedAt time.Time
	probing  bool
	now      func() time.Time
}

func (b *breaker) state() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.failures < b.limit:
		return "closed"
	case b.now().Sub(b.openedAt) >= b.cooldown:
		return "half-open"
	}
	return "open"
}

// allow says whether a call may go out; in half-open state only one probe may.
func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures < b.limit {
		return true
	}
	if b.now().Sub(b.openedAt) < b.cooldown || b.probing {
		return false
	}
	b.probing = true
	return true
}

func (b *breaker) done(ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
	if ok {
		b.failures = 0
		return
	}
	b.failures++
	if b.failures >= b.limit {
		b.openedAt = b.now()
	}
}

// cache is a size-bounded LRU of response bodies with per-entry expiry.
type cache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[string]*list.Element
	now   func() time.Time
}

type cacheEntry struct {
	key     string
	body    []byte
	status  int // 200, or the 4xx of a cached "no such thing"
	expires time.Time
}

func newCache(max int, now func() time.Time) *cache {
	if max < 0 {
		return nil
	}
	return &cache{max: max, ll: list.New(), items: map[string]*list.Element{}, now: now}
}

func (c *cache) get(key string) ([]byte, int, bool) {
	if c == nil {
		return nil, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, 0, false
	}
	ent := el.Value.(*cacheEntry)
	if c.now().After(ent.expires) {
		c.ll.Remove(el)
		delete(c.items, key)
		return nil, 0, false
	}
	c.ll.MoveToFront(el)
	return ent.body, ent.status, true
}

func (c *cache) put(key string, body []byte, status int, ttl time.Duration) {
	if c == nil || ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		ent := el.Value.(*cacheEntry)
		ent.body, ent.status, ent.expires = body, status, c.now().Add(ttl)
		c.ll.MoveToFront(el)
		return
	}
	c.items[key] = c.ll.PushFront(&cacheEntry{key: key, body: body, status: status, expires: c.now().Add(ttl)})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.items, old.Value.(*cacheEntry).key)
	}
}

func (c *cache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// flight runs one call per key at a time; identical concurrent calls share its result.
type flight struct {
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	dups int // callers waiting on this call (guarded by flight.mu)
	done chan struct{}
	body []byte
	err  error
}

// do runs fn once for concurrent callers with the same key. shared is true for the
// callers that waited for another's call. A waiter whose ctx ends stops waiting.
func (f *flight) do(ctx context.Context, key string, fn func() ([]byte, error)) (body []byte, shared bool, err error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*flightCall{}
	}
	if c, ok := f.calls[key]; ok {
		c.dups++
		f.mu.Unlock()
		select {
		case <-c.done:
			return c.body, true, c.err
		case <-ctx.Done():
			return nil, true, ctx.Err()
		}
	}
	c := &flightCall{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.body, c.err = fn()
	return c.body, false, c.err
}

func (e *APIError) temporary() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// waiting is how many callers wait on the call in flight for key.
func (f *flight) waiting(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.calls[key]; ok {
		return c.dups
	}
	return 0
}
