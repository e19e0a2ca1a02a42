package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/lmi/lmiforall/lmiforalltest"
)

// lmiServer builds the service over an LMI backend pointed at a fake LMI for All.
func lmiServer(t *testing.T, backend string, order ...string) (*server, *lmiforalltest.Server) {
	t.Helper()
	fake := lmiforalltest.New(t, "../../lmi/lmiforall/testdata/bodies")
	s := testServer(t, context.Background(), func(cfg *serveConfig) {
		cfg.LMI.Backend = backend
		cfg.LMI.Order = order
		cfg.LMI.LMIForAll.BaseURL = fake.URL
		cfg.LMI.LMIForAll.Timeout = duration(200 * time.Millisecond)
		cfg.LMI.LMIForAll.Retries = -1
		cfg.LMI.LMIForAll.BreakerFailures = 2
	})
	t.Cleanup(func() { s.store.Close() })
	return s, fake
}

func readyz(t *testing.T, s *server) (int, lmiHealth) {
	t.Helper()
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	var body struct {
		Status string    `json:"status"`
		LMI    lmiHealth `json:"lmi"`
	}
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("readyz body %q: %v", rec.Body, err)
		}
	}
	return rec.Code, body.LMI
}

func TestReadyzReportsLMIBackend(t *testing.T) {
	s, fake := lmiServer(t, "layered", "lmiforall", "embedded")
	code, h := readyz(t, s)
	if code != 200 || h.Backend != "layered" || len(h.Layers) != 2 || !h.Layers[0].OK || h.Layers[0].Name != layerLMIForAll {
		t.Fatalf("up: %d %+v", code, h)
	}
	fake.SetMode(lmiforalltest.Down)
	for _, code := range []string{"2136", "2231", "9223"} { // real traffic opens the breaker
		if _, err := s.lmi.store.Occupation(context.Background(), code); err != nil {
			t.Fatalf("%s with LMI for All down: %v", code, err)
		}
	}
	mrec := httptest.NewRecorder()
	s.mux.ServeHTTP(mrec, httptest.NewRequest("GET", "/metrics", nil))
	for _, m := range []string{"careersbot_lmiforall_breaker_open 1", "careersbot_lmiforall_failures_total", "careersbot_lmiforall_cache_hits_total"} {
		if !strings.Contains(mrec.Body.String(), m) {
			t.Errorf("/metrics lacks %q", m)
		}
	}
	code, h = readyz(t, s)
	if code != 200 || h.Ready != true || h.Layers[0].OK || h.Layers[0].Error == "" || !h.Layers[1].OK || h.Client == nil || h.Client.Breaker != "open" {
		t.Errorf("LMI for All down, snapshot there: %d %+v", code, h)
	}

	only, fake2 := lmiServer(t, "lmiforall")
	fake2.SetMode(lmiforalltest.Down)
	if code, _ := readyz(t, only); code != http.StatusServiceUnavailable {
		t.Errorf("LMI for All alone and down: readyz %d", code)
	}
	emb, _ := lmiServer(t, "embedded")
	if code, h := readyz(t, emb); code != 200 || h.Backend != "embedded" || !h.Ready {
		t.Errorf("embedded: %d %+v", code, h)
	}
}

func TestServeMountsLMIAPI(t *testing.T) {
	s, fake := lmiServer(t, "layered", "lmiforall", "embedded")
	pay := func() (int, string) {
		rec := httptest.NewRecorder()
		s.mux.ServeHTTP(rec, httptest.NewRequest("GET", "/lmi/v1/occupations/2253/pay", nil))
		var body struct {
			Pay struct {
				Annual struct {
					Median struct {
						Source string `json:"source"`
					} `json:"median"`
				} `json:"annual_full_time"`
			} `json:"pay"`
		}
		json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body.Pay.Annual.Median.Source
	}
	if code, src := pay(); code != 200 || src != "lmiforall_ashe" {
		t.Errorf("live: %d %q", code, src)
	}
	fake.SetMode(lmiforalltest.Down)
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, httptest.NewRequest("GET", "/lmi/v1/occupations/2134/pay", nil))
	if rec.Code != 200 || !json.Valid(rec.Body.Bytes()) {
		t.Errorf("LMI for All down: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	s.mux.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/soc/code/5241", nil))
	if rec.Code != 200 || rec.Header().Get("ETag") == "" {
		t.Errorf("compat route: %d %v", rec.Code, rec.Header())
	}
	off := false
	cfg := defaultServeConfig()
	cfg.LMI.API.Enabled = &off
	mux := http.NewServeMux()
	if err := mountLMIAPI(mux, cfg, s.lmi, slog.New(slog.NewTextHandler(io.Discard, nil)), true); err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/lmi/v1/regions", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("api disabled: %d", rec.Code)
	}
}
