package lmiapi

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/lmi"
)

func newMux(t testing.TB, o Options) *http.ServeMux {
	t.Helper()
	st, err := lmi.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(st, o)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Mount(mux)
	return mux
}

func get(mux http.Handler, path string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	return rec
}

// lookup follows a dotted path ("results.[0].title") through decoded JSON.
func lookup(v any, path string) (any, bool) {
	for _, p := range strings.Split(path, ".") {
		if strings.HasPrefix(p, "[") {
			i, _ := strconv.Atoi(strings.Trim(p, "[]"))
			l, ok := v.([]any)
			if !ok || i >= len(l) {
				return nil, false
			}
			v = l[i]
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[p]; !ok {
			return nil, false
		}
	}
	return v, true
}

func TestRoutes(t *testing.T) {
	mux := newMux(t, Options{})
	f, err := os.Open("testdata/routes.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if sc.Text() == "" || strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		path, want := cols[0], cols[1]
		rec := get(mux, strings.ReplaceAll(path, " ", "%20"))
		if strconv.Itoa(rec.Code) != want {
			t.Errorf("routes.tsv:%d: %s: status %d, want %s: %s", line, path, rec.Code, want, rec.Body)
			continue
		}
		var body any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Errorf("routes.tsv:%d: %s: %v", line, path, err)
			continue
		}
		for _, field := range strings.Fields(cols[2]) {
			if _, ok := lookup(body, field); !ok {
				t.Errorf("routes.tsv:%d: %s: no %s in %.300s", line, path, field, rec.Body)
			}
		}
		if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("routes.tsv:%d: %s: no CORS header", line, path)
		}
	}
}

// TestEveryFigureLabelled walks the pay and outlook answers: every figure that is not
// missing has a source, a year and a source entry in the response.
func TestEveryFigureLabelled(t *testing.T) {
	mux := newMux(t, Options{})
	for _, p := range []string{"/lmi/v1/occupations/2231/pay", "/lmi/v1/occupations/6135/outlook?place=Leeds", "/lmi/v1/occupations/9223/adverts?place=Bristol", "/lmi/v1/occupations/2134"} {
		rec := get(mux, p)
		var body map[string]any
		json.Unmarshal(rec.Body.Bytes(), &body)
		srcs, _ := body["sources"].(map[string]any)
		n := 0
		var walk func(x any)
		walk = func(x any) {
			switch v := x.(type) {
			case map[string]any:
				if _, isFig := v["value"]; isFig {
					if v["missing"] != true {
						n++
						id, _ := v["source"].(string)
						if id == "" || v["year"] == "" || v["year"] == nil || srcs[id] == nil {
							t.Errorf("%s: unlabelled figure %v", p, v)
						}
					}
				}
				for _, c := range v {
					walk(c)
				}
			case []any:
				for _, c := range v {
					walk(c)
				}
			}
		}
		walk(body)
		if n == 0 {
			t.Errorf("%s: no figures: %s", p, rec.Body)
		}
	}
}

func TestETagAndCORS(t *testing.T) {
	mux := newMux(t, Options{})
	rec := get(mux, "/lmi/v1/occupations/5241/pay")
	etag := rec.Header().Get("ETag")
	if rec.Code != 200 || etag == "" || !strings.Contains(rec.Header().Get("Cache-Control"), "max-age=3600") {
		t.Fatalf("first: %d etag %q cache %q", rec.Code, etag, rec.Header().Get("Cache-Control"))
	}
	if again := get(mux, "/lmi/v1/occupations/5241/pay"); again.Header().Get("ETag") != etag {
		t.Error("ETag differs between identical answers")
	}
	for _, inm := range []string{etag, `W/` + etag, `"x", ` + etag, "*"} {
		if r := get(mux, "/lmi/v1/occupations/5241/pay", "If-None-Match", inm); r.Code != http.StatusNotModified || r.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: %d", inm, r.Code)
		}
	}
	if r := get(mux, "/lmi/v1/occupations/5241/pay", "If-None-Match", `"stale"`); r.Code != 200 {
		t.Errorf("stale tag: %d", r.Code)
	}
	if r := get(mux, "/lmi/v1/occupations/2231/pay"); r.Header().Get("ETag") == etag {
		t.Error("two occupations share an ETag")
	}
	req := httptest.NewRequest("OPTIONS", "/api/v1/soc/search", nil)
	req.Header.Set("Origin", "https://widget.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	pre := httptest.NewRecorder()
	mux.ServeHTTP(pre, req)
	if pre.Code != http.StatusNoContent || pre.Header().Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(pre.Header().Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight %d %v", pre.Code, pre.Header())
	}
	if r := httptest.NewRecorder(); true {
		mux.ServeHTTP(r, httptest.NewRequest("POST", "/lmi/v1/occupations/5241", nil))
		if r.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST: %d", r.Code)
		}
	}
}

func TestRateLimit(t *testing.T) {
	n := 0
	mux := newMux(t, Options{Limit: func(r *http.Request) (bool, time.Duration) {
		n++
		return n <= 2, 1500 * time.Millisecond
	}})
	for i := 0; i < 2; i++ {
		if r := get(mux, "/lmi/v1/regions"); r.Code != 200 {
			t.Fatalf("request %d: %d", i, r.Code)
		}
	}
	r := get(mux, "/lmi/v1/regions")
	if r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") != "2" || !strings.Contains(r.Body.String(), "error") {
		t.Errorf("over the limit: %d %v %s", r.Code, r.Header(), r.Body)
	}
}

func TestOpenAPIDocumentsRoutes(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(bot.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, p := range Paths() {
		if doc.Paths[p]["get"] == nil {
			t.Errorf("bot/openapi.json does not document GET %s", p)
		}
	}
}

// TestAmbiguousPlaceError: a town that is several places is refused with the
// places it can be and their postcode districts, so the caller can ask which.
func TestAmbiguousPlaceError(t *testing.T) {
	mux := newMux(t, Options{})
	for _, tc := range []struct{ path, want string }{
		{"/lmi/v1/occupations/5241/adverts?place=Kingston", "Kingston upon Thames (KT"},
		{"/lmi/v1/occupations/5241/outlook?place=Richmond", "Richmond, North Yorkshire (DL"},
		{"/lmi/v1/occupations/5241/outlook?place=up%20north", "several regions"},
	} {
		rec := get(mux, tc.path)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s: %d %s, want 400 naming %q", tc.path, rec.Code, rec.Body, tc.want)
		}
	}
}
