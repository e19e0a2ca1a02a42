package lmiforall

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// scripted answers each request with the next step of a script (the last repeats).
type step struct {
	status     int
	body       string
	retryAfter string
	delay      time.Duration
}

func scriptedServer(t *testing.T, steps ...step) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(steps) {
			i = len(steps) - 1
		}
		s := steps[i]
		if s.delay > 0 {
			select {
			case <-time.After(s.delay):
			case <-r.Context().Done():
				return
			}
		}
		if s.retryAfter != "" {
			w.Header().Set("Retry-After", s.retryAfter)
		}
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(s.status)
		w.Write([]byte(s.body))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

var fastRes = Resilience{Timeout: 100 * time.Millisecond, Budget: time.Second, Retries: 2, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, BreakerFailures: 3, BreakerCooldown: time.Minute}

const okSOC = `{"soc":5241,"title":"Electricians and electrical fitters","description":"d","qualifications":"q","tasks":" a;\n b","add_titles":["Electrician"]}`

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		steps    []step
		wantErr  error  // errors.Is target, nil for success
		wantText string // substring of the error
		requests int64
	}{
		{"ok", []step{{status: 200, body: okSOC}}, nil, "", 1},
		{"503 then ok", []step{{status: 503}, {status: 503}, {status: 200, body: okSOC}}, nil, "", 3},
		{"429 retry-after 0 then ok", []step{{status: 429, retryAfter: "0"}, {status: 200, body: okSOC}}, nil, "", 2},
		{"503 always", []step{{status: 503}}, ErrRateLimited, "HTTP 503", 3},
		{"429 retry-after too long", []step{{status: 429, retryAfter: "120"}}, ErrRateLimited, "HTTP 429", 1},
		{"400 not retried", []step{{status: 400, body: `{"error":"Please give a code"}`}}, ErrNotFound, "", 1},
		{"404 not retried", []step{{status: 404}}, ErrNotFound, "", 1},
		{"500 then ok", []step{{status: 500}, {status: 200, body: okSOC}}, nil, "", 2},
		{"slow", []step{{status: 200, body: okSOC, delay: time.Second}}, context.DeadlineExceeded, "", 3},
		{"slow once", []step{{status: 200, body: okSOC, delay: time.Second}, {status: 200, body: okSOC}}, nil, "", 2},
		{"truncated", []step{{status: 200, body: okSOC[:30]}}, nil, "bad JSON", 3},
		{"malformed", []step{{status: 200, body: `{"soc":5241,,}`}}, nil, "bad JSON", 3},
		{"wrong types", []step{{status: 200, body: `{"soc":"5241","title":7}`}}, nil, "bad JSON", 1},
		{"html error page", []step{{status: 502, body: `<html>bad gateway</html>`}}, nil, "HTTP 502", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, n := scriptedServer(t, tc.steps...)
			c, err := New(srv.URL, WithResilience(fastRes))
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.SOCCode(context.Background(), "5241")
			switch {
			case tc.wantErr == nil && tc.wantText == "":
				if err != nil || s.Title != "Electricians and electrical fitters" {
					t.Fatalf("got %+v, %v", s, err)
				}
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			case tc.wantText != "" && (err == nil || !strings.Contains(err.Error(), tc.wantText)):
				t.Fatalf("error %v, want it to say %q", err, tc.wantText)
			}
			if got := n.Load(); got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
		})
	}
}

func TestBreaker(t *testing.T) {
	srv, n := scriptedServer(t, step{status: 503})
	res := fastRes
	res.Retries = -1
	c, _ := New(srv.URL, WithResilience(res))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.SOCCode(ctx, "5241"); !errors.Is(err, ErrRateLimited) {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if st := c.Stats(); st.Breaker != "open" || st.Failures != 3 {
		t.Fatalf("after 3 failures: %+v", st)
	}
	if _, err := c.SOCCode(ctx, "5241"); !errors.Is(err, ErrCircuitOpen) || n.Load() != 3 {
		t.Fatalf("open breaker called out (%d requests): %v", n.Load(), err)
	}
	now = now.Add(2 * time.Minute)
	if c.Stats().Breaker != "half-open" {
		t.Fatalf("after cooldown: %s", c.Stats().Breaker)
	}
	if _, err := c.SOCCode(ctx, "5241"); !errors.Is(err, ErrRateLimited) || n.Load() != 4 {
		t.Fatalf("probe: %d requests, %v", n.Load(), err)
	}
	if c.Stats().Breaker != "open" {
		t.Fatalf("failed probe left it %s", c.Stats().Breaker)
	}
	// the service recovers: the next probe closes the breaker
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(okSOC)) })
	now = now.Add(2 * time.Minute)
	if _, err := c.SOCCode(ctx, "5241"); err != nil || c.Stats().Breaker != "closed" {
		t.Fatalf("recovery: %v, breaker %s", err, c.Stats().Breaker)
	}
}

func TestCache(t *testing.T) {
	srv, n := scriptedServer(t, step{status: 200, body: okSOC})
	res := fastRes
	res.CacheEntries = 2
	res.TTL = map[string]time.Duration{"soc": time.Hour}
	c, _ := New(srv.URL, WithResilience(res))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.SOCCode(ctx, "5241"); err != nil {
			t.Fatal(err)
		}
	}
	if n.Load() != 1 || c.Stats().CacheHits != 2 {
		t.Fatalf("repeat calls: %d requests, %+v", n.Load(), c.Stats())
	}
	now = now.Add(61 * time.Minute) // past the soc TTL
	c.SOCCode(ctx, "5241")
	if n.Load() != 2 {
		t.Fatalf("expired entry not refetched: %d requests", n.Load())
	}
	c.SOCCode(ctx, "5242")
	c.SOCCode(ctx, "5243")
	if l := c.cache.len(); l != 2 {
		t.Errorf("cache holds %d entries, bound 2", l)
	}
	c.SOCCode(ctx, "5241") // evicted (least recently used)
	if n.Load() != 5 {
		t.Errorf("LRU: %d requests, want 5", n.Load())
	}
	// a 404 is remembered (for a quarter of the TTL); a 503 is not
	srv2, n2 := scriptedServer(t, step{status: 404})
	c2, _ := New(srv2.URL, WithResilience(res))
	c2.now = func() time.Time { return now }
	for i := 0; i < 2; i++ {
		if _, err := c2.SOCCode(ctx, "5241"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("cached 404: %v", err)
		}
	}
	if n2.Load() != 1 {
		t.Errorf("404 not cached: %d requests", n2.Load())
	}
	now = now.Add(16 * time.Minute)
	c2.SOCCode(ctx, "5241")
	if n2.Load() != 2 {
		t.Errorf("negative entry outlived a quarter of the TTL: %d requests", n2.Load())
	}
	srv3, n3 := scriptedServer(t, step{status: 503})
	res3 := res
	res3.Retries = -1
	c3, _ := New(srv3.URL, WithResilience(res3))
	c3.SOCCode(ctx, "5241")
	c3.SOCCode(ctx, "5241")
	if n3.Load() != 2 {
		t.Errorf("503 was cached: %d requests", n3.Load())
	}
}

func TestSingleflight(t *testing.T) {
	release := make(chan struct{})
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		<-release
		w.Write([]byte(okSOC))
	}))
	defer srv.Close()
	res := fastRes
	res.Timeout = 5 * time.Second
	c, _ := New(srv.URL, WithResilience(res))
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.SOCCode(context.Background(), "5241")
			errs <- err
		}()
	}
	for c.flight.waiting(srv.URL+"/soc/code/5241") < 9 { // every other caller waits on the first
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n.Load() != 1 || c.Stats().Shared != 9 {
		t.Errorf("%d requests for 10 identical calls, %d shared", n.Load(), c.Stats().Shared)
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		h    string
		want time.Duration
	}{{"", 0}, {"3", 3 * time.Second}, {"x", 0}, {"-1", 0}} {
		if got := retryAfter(tc.h); got != tc.want {
			t.Errorf("%q: %v", tc.h, got)
		}
	}
	if d := retryAfter(time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)); d < 59*time.Minute {
		t.Errorf("http-date: %v", d)
	}
}

// TestBudget: a slow service costs a call at most the budget, however many retries.
func TestBudget(t *testing.T) {
	srv, n := scriptedServer(t, step{status: 200, body: okSOC, delay: time.Second})
	res := fastRes
	res.Retries, res.Budget = 10, 250*time.Millisecond
	c, _ := New(srv.URL, WithResilience(res))
	_, err := c.SOCCode(context.Background(), "5241")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v", err)
	}
	if got := n.Load(); got >= 11 { // without the budget: 1 + 10 retries
		t.Errorf("%d attempts: the budget did not stop the retries", got)
	}
	if st := c.Stats(); st.Failures != 1 {
		t.Errorf("stats %+v", st)
	}
}
