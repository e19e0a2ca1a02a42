// Package lmiforalltest is a fake LMI for All API for tests: an httptest server that
// replays recorded response bodies from folders of files named as in
// ../shared/data/lmiforall-fixtures (soc-code_4135.json, ashe-estimatePay_soc-41_coarse-true.json,
// soc-search_q-EMPTY.status400.json ...), and that a test can switch to failing
// (503, 429, slow, truncated) or off mid-run.
package lmiforalltest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Mode is how the fake answers.
type Mode int

const (
	Replay      Mode = iota // recorded bodies; 404 for anything not recorded
	Down                    // 503 Service Unavailable
	RateLimited             // 429 with Retry-After: 1
	Slow                    // the recorded body after Delay
	Truncated               // the first half of the recorded body
	Off                     // the connection is closed without an answer
)

// Server is the fake. Its URL is the API base (".../api/v1").
type Server struct {
	*httptest.Server
	URL string

	dirs     []string
	mode     atomic.Int32
	delay    atomic.Int64
	requests atomic.Int64
	mu       sync.Mutex
	log      []string // request URIs, as recorded ("/api/v1/soc/code/4135")
}

// New starts a fake replaying the files in dirs (earlier folders win).
func New(t testing.TB, dirs ...string) *Server {
	s := &Server{dirs: dirs}
	s.delay.Store(int64(2 * time.Second))
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.Server.URL + "/api/v1"
	t.Cleanup(s.Close)
	return s
}

// SetMode switches how the fake answers from now on.
func (s *Server) SetMode(m Mode) { s.mode.Store(int32(m)) }

// SetDelay sets the Slow mode's delay (default 2s).
func (s *Server) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// Requests counts the requests served.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Log returns the request URIs served so far.
func (s *Server) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// FileName is the fixture name for a request path and query, as the fixtures'
// README names them; "" when the request has no fixture name.
func FileName(path string, q map[string][]string) string {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	p := strings.TrimPrefix(strings.TrimPrefix(path, "/api/v1"), "/")
	clean := func(s string) string { return unsafeName.ReplaceAllString(strings.ReplaceAll(s, " ", "-"), "_") }
	switch {
	case p == "soc/search":
		if strings.TrimSpace(get("q")) == "" {
			return "soc-search_q-EMPTY.status400.json"
		}
		return "soc-search_q-" + clean(get("q")) + ".json"
	case strings.HasPrefix(p, "soc/code/"):
		return "soc-code_" + clean(strings.TrimPrefix(p, "soc/code/")) + ".json"
	case p == "ashe/estimatePay" || p == "ashe/estimateHours":
		name := "ashe-" + strings.TrimPrefix(p, "ashe/") + "_soc-" + clean(get("soc"))
		if b := get("breakdown"); b != "" {
			return name + "_breakdown-" + clean(b) + ".json"
		}
		c := get("coarse")
		if c == "" {
			c = "false"
		}
		return name + "_coarse-" + clean(c) + ".json"
	case p == "ashe/filters/all":
		return "ashe-filters-all.json"
	case strings.HasPrefix(p, "hesa/courses/"):
		return "hesa-courses_" + clean(strings.TrimPrefix(p, "hesa/courses/")) + ".json"
	case strings.HasPrefix(p, "wf/predict/breakdown/"):
		return "wf-predict-breakdown-" + clean(strings.TrimPrefix(p, "wf/predict/breakdown/")) + "_soc-" + clean(get("soc")) + ".json"
	case p == "wf/predict" || p == "wf/replacement_demand" || p == "lfs/unemployment":
		return strings.ReplaceAll(p, "/", "-") + "_soc-" + clean(get("soc")) + ".json"
	case strings.HasPrefix(p, "o-net/"):
		return "o-net-" + clean(strings.ReplaceAll(strings.TrimPrefix(p, "o-net/"), "/", "_")) + ".json"
	case p == "vacancies/search":
		loc := get("postcode")
		if loc == "" {
			loc = get("location")
		}
		return "vacancies-search_postcode-" + clean(loc) + "_keywords-" + clean(get("keywords")) + ".json"
	}
	return ""
}

var statusIn = regexp.MustCompile(`\.status(\d{3})\.`)

// find returns the body and status for a fixture name (a ".PARTIAL" variant counts).
func (s *Server) find(name string) ([]byte, int, bool) {
	if name == "" {
		return nil, 0, false
	}
	for _, d := range s.dirs {
		for _, n := range []string{name, strings.TrimSuffix(name, ".json") + ".PARTIAL.json"} {
			if b, err := os.ReadFile(filepath.Join(d, n)); err == nil {
				status := http.StatusOK
				if m := statusIn.FindStringSubmatch(n); m != nil {
					status, _ = strconv.Atoi(m[1])
				}
				return b, status, true
			}
		}
	}
	return nil, 0, false
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.Lock()
	s.log = append(s.log, r.URL.RequestURI())
	s.mu.Unlock()
	switch Mode(s.mode.Load()) {
	case Down:
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	case RateLimited:
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	case Off:
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
		w.WriteHeader(http.StatusBadGateway)
		return
	case Slow:
		select {
		case <-time.After(time.Duration(s.delay.Load())):
		case <-r.Context().Done():
			return
		}
	}
	body, status, ok := s.find(FileName(r.URL.Path, r.URL.Query()))
	if !ok {
		http.NotFound(w, r)
		return
	}
	if Mode(s.mode.Load()) == Truncated {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	w.Write(body)
}

// SharedFixtures returns ../shared/data/lmiforall-fixtures as seen from a package
// depth levels below the module root, or "" (and a logged note) when it is absent.
// CAREERSBOT_SHARED overrides where shared/ is.
func SharedFixtures(t testing.TB, depth int) string {
	t.Helper()
	dir := os.Getenv("CAREERSBOT_SHARED")
	if dir == "" {
		dir = filepath.Join(append([]string{strings.Repeat("../", depth) + ".."}, "shared")...)
	}
	d := filepath.Join(dir, "data", "lmiforall-fixtures")
	if _, err := os.Stat(filepath.Join(d, "README.md")); err != nil {
		return ""
	}
	return d
}

// Recorded is one recorded request: the API path (under /api/v1), its query, the
// status and body recorded.
type Recorded struct {
	Name   string
	Path   string
	Query  url.Values
	Status int
	Body   []byte
}

var (
	reSearch   = regexp.MustCompile(`^soc-search_q-(.*?)(\.status\d{3})?\.json$`)
	reCode     = regexp.MustCompile(`^soc-code_(\d+)\.json$`)
	reEstimate = regexp.MustCompile(`^ashe-(estimatePay|estimateHours)_soc-(\d+)_coarse-(true|false)\.json$`)
)

// RecordedRequests lists the requests behind the SOC and ASHE fixture files in dir
// (the calls an LMI for All widget makes), rebuilt from their names.
func RecordedRequests(dir string) ([]Recorded, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []Recorded
	for _, e := range ents {
		n := e.Name()
		rec := Recorded{Name: n, Query: url.Values{}, Status: http.StatusOK}
		switch {
		case reSearch.MatchString(n):
			m := reSearch.FindStringSubmatch(n)
			q := m[1]
			if q == "EMPTY" {
				q = ""
			}
			rec.Path, rec.Query["q"] = "/soc/search", []string{q}
		case reCode.MatchString(n):
			rec.Path = "/soc/code/" + reCode.FindStringSubmatch(n)[1]
		case reEstimate.MatchString(n):
			m := reEstimate.FindStringSubmatch(n)
			rec.Path, rec.Query["soc"], rec.Query["coarse"] = "/ashe/"+m[1], []string{m[2]}, []string{m[3]}
		default:
			continue
		}
		if m := statusIn.FindStringSubmatch(n); m != nil {
			rec.Status, _ = strconv.Atoi(m[1])
		}
		if rec.Body, err = os.ReadFile(filepath.Join(dir, n)); err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}
