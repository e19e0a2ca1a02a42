// Package lmiapi serves careersbot's LMI store as a read-only JSON API, so careers
// services and app builders can use its curated SOC 2020 data directly: /lmi/v1/
// (occupation search and detail, pay and hours with percentiles and regional
// estimates, outlook, adverts, entry facts, places, regions, sources), and, under
// /api/v1/, the LMI for All calls the Careerometer-style widgets make (soc/search,
// soc/code, ashe/estimatePay, ashe/estimateHours, ashe/filters) keyed by SOC 2010 and
// in LMI for All's shapes, so such an app can point at careersbot by changing only
// the host. Every figure carries its source, year and caveats; responses carry an
// ETag (If-None-Match gives 304), CORS headers for any origin, and a per-client
// rate limit.
package lmiapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/careersbot/careersbot/lmi"
)

// Store is what the API serves from: the lmi.Store, plus lmi.LocalLMI and
// lmi.SOCMapper when the store implements them (adverts, local outlook and regional
// pay need the first; the SOC 2010 routes the second).
type Store interface {
	lmi.Store
}

// Options configure the API.
type Options struct {
	// Limit is asked before each request (a per-client token bucket); nil: no limit.
	// It returns false and the wait when the client must slow down.
	Limit func(r *http.Request) (ok bool, retryAfter time.Duration)
	// MaxAge is the Cache-Control max-age (default 1h): the data change with releases.
	MaxAge time.Duration
	// Logger receives store errors; nil means slog.Default().
	Logger *slog.Logger
}

// API is the handler set.
type API struct {
	st   Store
	o    Options
	log  *slog.Logger
	srcs map[string]lmi.Source
}

// New returns the API over a store.
func New(st Store, o Options) (*API, error) {
	if st == nil {
		return nil, errors.New("lmiapi: nil store")
	}
	if o.MaxAge <= 0 {
		o.MaxAge = time.Hour
	}
	a := &API{st: st, o: o, log: o.Logger, srcs: map[string]lmi.Source{}}
	if a.log == nil {
		a.log = slog.Default()
	}
	srcs, err := st.Sources(context.Background())
	if err != nil {
		return nil, err
	}
	for _, s := range srcs {
		a.srcs[s.ID] = s
	}
	return a, nil
}

// Mount adds the routes to mux.
func (a *API) Mount(mux *http.ServeMux) {
	for path, h := range a.routes() {
		mux.Handle("GET "+path, a.handler(h))
		mux.Handle("OPTIONS "+path, a.handler(nil))
	}
}

// Paths lists the routes Mount adds (for documentation checks).
func Paths() []string {
	var out []string
	for p := range (&API{}).routes() {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (a *API) routes() map[string]func(r *http.Request) (any, error) {
	return map[string]func(r *http.Request) (any, error){
		"/lmi/v1/occupations":                a.search,
		"/lmi/v1/occupations/{code}":         a.occupation,
		"/lmi/v1/occupations/{code}/pay":     a.pay,
		"/lmi/v1/occupations/{code}/outlook": a.outlook,
		"/lmi/v1/occupations/{code}/adverts": a.adverts,
		"/lmi/v1/occupations/{code}/entry":   a.entry,
		"/lmi/v1/occupations/{code}/soc2010": a.soc2010,
		"/lmi/v1/places":                     a.places,
		"/lmi/v1/regions":                    a.regions,
		"/lmi/v1/sources":                    a.sources,
		"/api/v1/soc/search":                 a.compatSearch,
		"/api/v1/soc/code/{code}":            a.compatCode,
		"/api/v1/ashe/estimatePay":           a.compatPay,
		"/api/v1/ashe/estimateHours":         a.compatHours,
		"/api/v1/ashe/filters/all":           a.compatFilters,
	}
}

// apiError is an error with its HTTP status; the body is {"error": Message}, as LMI
// for All's own errors are.
type apiError struct {
	Status  int
	Message string
}

func (e *apiError) Error() string { return e.Message }

func badRequest(msg string) error { return &apiError{http.StatusBadRequest, msg} }
func notFound(msg string) error   { return &apiError{http.StatusNotFound, msg} }

func (a *API) handler(h func(r *http.Request) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", "*")
		hd.Set("Access-Control-Allow-Methods", "GET, OPTIONS")
		hd.Set("Access-Control-Allow-Headers", "If-None-Match, Accept")
		hd.Set("Access-Control-Expose-Headers", "ETag, Retry-After")
		hd.Set("X-Content-Type-Options", "nosniff")
		if r.Method == http.MethodOptions {
			hd.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if a.o.Limit != nil {
			if ok, wait := a.o.Limit(r); !ok {
				hd.Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
				writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too many requests: slow down"})
				return
			}
		}
		v, err := h(r)
		if err != nil {
			var ae *apiError
			switch {
			case errors.As(err, &ae):
				writeJSON(w, ae.Status, map[string]string{"error": ae.Message})
			case errors.Is(err, lmi.ErrNotFound):
				writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
			case errors.Is(err, context.Canceled):
			default:
				a.log.Error("lmiapi: store error", "path", r.URL.Path, "err", err)
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the LMI store could not answer; try again"})
			}
			return
		}
		body, err := json.Marshal(v)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "encoding failed"})
			return
		}
		sum := sha256.Sum256(body)
		etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
		hd.Set("ETag", etag)
		hd.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(a.o.MaxAge/time.Second)))
		hd.Set("Vary", "Accept-Encoding")
		if etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		hd.Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write(body)
		w.Write([]byte("\n"))
	})
}

// etagMatch implements If-None-Match's weak comparison over a list or "*".
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// sourcesOf lists the sources the figures in v cite, for a response's "sources".
func (a *API) sourcesOf(ids ...string) map[string]lmi.Source {
	out := map[string]lmi.Source{}
	for _, id := range ids {
		if id == "" {
			continue
		}
		if s, ok := a.srcs[id]; ok {
			out[id] = s
		} else {
			out[id] = lmi.Source{ID: id, Name: id}
		}
	}
	return out
}

// figureSources collects the source IDs of every figure in v (any JSON-able value).
func figureSources(v any) []string {
	b, _ := json.Marshal(v)
	var walk func(x any)
	seen := map[string]bool{}
	var out []string
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			if id, ok := t["source"].(string); ok && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
			for _, v := range t {
				walk(v)
			}
		case []any:
			for _, v := range t {
				walk(v)
			}
		}
	}
	var x any
	json.Unmarshal(b, &x)
	walk(x)
	return out
}

func validCode(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isNotFound(err error) bool { return errors.Is(err, lmi.ErrNotFound) }
