package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/lmi"
	"github.com/careersbot/careersbot/lmi/layered"
	"github.com/careersbot/careersbot/lmi/lmiapi"
	"github.com/careersbot/careersbot/lmi/lmiforall"
	"github.com/prometheus/client_golang/prometheus"
)

// lmiBackend is the Store the service answers from, as lmi.backend chose it.
type lmiBackend struct {
	store   lmi.Store
	layered *layered.Store   // nil for the embedded backend
	live    *lmiforall.Store // nil unless LMI for All is a layer
}

const (
	layerEmbedded  = "careersbot's embedded snapshot"
	layerLMIForAll = "LMI for All"
)

// openLMIBackend builds the backend over the embedded store.
func openLMIBackend(cfg lmiConfig, emb *lmi.Embedded, log *slog.Logger) (*lmiBackend, error) {
	if cfg.Backend == "" || cfg.Backend == "embedded" {
		return &lmiBackend{store: emb}, nil
	}
	lf := cfg.LMIForAll
	ttl := map[string]time.Duration{}
	for k, v := range lf.TTL {
		ttl[k] = time.Duration(v)
	}
	opts := []lmiforall.Option{lmiforall.WithResilience(lmiforall.Resilience{
		Timeout: time.Duration(lf.Timeout), Budget: time.Duration(lf.Budget), Retries: lf.Retries, BreakerFailures: lf.BreakerFailures,
		BreakerCooldown: time.Duration(lf.BreakerCooldown), CacheEntries: lf.CacheEntries, TTL: ttl})}
	if lf.KeyID != "" {
		opts = append(opts, lmiforall.WithHMAC(lf.KeyID, lf.Secret))
	}
	c, err := lmiforall.New(lf.BaseURL, opts...)
	if err != nil {
		return nil, err
	}
	live := lmiforall.NewStore(c, emb)
	var layers []layered.Layer
	if cfg.Backend == "lmiforall" {
		layers = []layered.Layer{{Name: layerLMIForAll, Store: live}}
	} else {
		for _, name := range cfg.Order {
			switch name {
			case "embedded":
				layers = append(layers, layered.Layer{Name: layerEmbedded, Store: emb})
			case "lmiforall":
				layers = append(layers, layered.Layer{Name: layerLMIForAll, Store: live})
			}
		}
	}
	ls, err := layered.New(log.With("component", "lmi"), layers...)
	if err != nil {
		return nil, err
	}
	return &lmiBackend{store: ls, layered: ls, live: live}, nil
}

// lmiHealth is the backend part of /readyz.
type lmiHealth struct {
	Backend string                `json:"backend"`
	Ready   bool                  `json:"ready"`
	Layers  []layered.LayerHealth `json:"layers,omitempty"`
	Client  *lmiforall.Stats      `json:"lmiforall,omitempty"`
}

// health checks the backend; ready stays true while some layer can answer.
func (b *lmiBackend) health(ctx context.Context, backend string) lmiHealth {
	h := lmiHealth{Backend: backend, Ready: true}
	if b.layered == nil {
		return h
	}
	h.Layers, h.Ready = b.layered.Health(ctx)
	if b.live != nil {
		st := b.live.Client().Stats()
		h.Client = &st
	}
	return h
}

// ready is the readiness check: an error only when no layer can answer.
func (b *lmiBackend) ready(ctx context.Context, backend string) error {
	if h := b.health(ctx, backend); !h.Ready {
		return fmt.Errorf("lmi backend %s: no layer can answer", backend)
	}
	return nil
}

// mountLMIAPI serves the backend as /lmi/v1 and the LMI for All compatible routes,
// unless lmi.api.enabled is false.
func mountLMIAPI(mux *http.ServeMux, cfg serveConfig, be *lmiBackend, log *slog.Logger, noLimits bool) error {
	if en := cfg.LMI.API.Enabled; en != nil && !*en {
		return nil
	}
	o := lmiapi.Options{Logger: log.With("component", "lmiapi")}
	if !noLimits {
		lim := bot.NewLimiter(bot.RateLimit{Rate: cfg.LMI.API.PerIP.Rate, Burst: cfg.LMI.API.PerIP.Burst})
		o.Limit = func(r *http.Request) (bool, time.Duration) {
			return lim.Allow(bot.ClientIP(r, cfg.Server.TrustProxy), time.Now())
		}
	}
	a, err := lmiapi.New(be.store, o)
	if err != nil {
		return err
	}
	a.Mount(mux)
	return nil
}

// registerLMIMetrics exports the LMI for All client's counters and the layers' health
// on /metrics.
func registerLMIMetrics(reg *prometheus.Registry, be *lmiBackend) {
	if be.live == nil {
		return
	}
	c := be.live.Client()
	counter := func(name, help string, v func(lmiforall.Stats) int64) {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(v(c.Stats())) }))
	}
	counter("careersbot_lmiforall_cache_hits_total", "LMI for All calls answered from the cache", func(s lmiforall.Stats) int64 { return s.CacheHits })
	counter("careersbot_lmiforall_cache_misses_total", "LMI for All calls not in the cache", func(s lmiforall.Stats) int64 { return s.CacheMisses })
	counter("careersbot_lmiforall_requests_total", "HTTP requests sent to LMI for All, retries included", func(s lmiforall.Stats) int64 { return s.Requests })
	counter("careersbot_lmiforall_retries_total", "LMI for All requests retried", func(s lmiforall.Stats) int64 { return s.Retries })
	counter("careersbot_lmiforall_failures_total", "LMI for All calls that failed after their retries", func(s lmiforall.Stats) int64 { return s.Failures })
	counter("careersbot_lmiforall_short_circuits_total", "LMI for All calls refused by the open circuit breaker", func(s lmiforall.Stats) int64 { return s.ShortCircuit })
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "careersbot_lmiforall_breaker_open", Help: "1 while the LMI for All circuit breaker is open"},
		func() float64 {
			if c.Stats().Breaker == "open" {
				return 1
			}
			return 0
		}))
}
