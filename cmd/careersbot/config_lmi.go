package main

import (
	"fmt"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"
)

// lmiForAllConfig configures the LMI for All client (lmi.backend lmiforall or layered).
type lmiForAllConfig struct {
	BaseURL string `yaml:"base_url"` // default https://api.lmiforall.org.uk/api/v1
	// KeyID and Secret sign requests (HMAC) for registered clients; both or neither.
	KeyID           string              `yaml:"key_id"`
	Secret          string              `yaml:"secret"`
	Timeout         duration            `yaml:"timeout"`          // per attempt, default 2s
	Budget          duration            `yaml:"budget"`           // per call with retries, default 4s
	Retries         int                 `yaml:"retries"`          // default 2
	BreakerFailures int                 `yaml:"breaker_failures"` // default 5
	BreakerCooldown duration            `yaml:"breaker_cooldown"` // default 30s
	CacheEntries    int                 `yaml:"cache_entries"`    // default 4096
	TTL             map[string]duration `yaml:"ttl"`              // per series: soc, ashe, wf, lfs, o-net, hesa, vacancies
}

// lmiAPIConfig configures careersbot's own LMI API (/lmi/v1 and the LMI for All
// compatible routes).
type lmiAPIConfig struct {
	Enabled *bool         `yaml:"enabled"` // default true
	PerIP   lmiRateConfig `yaml:"per_ip"`  // default 20/s, burst 60
}

type lmiRateConfig struct {
	Rate  float64 `yaml:"rate"`
	Burst int     `yaml:"burst"`
}

var (
	lmiBackends   = []string{"embedded", "lmiforall", "layered"}
	lmiLayerNames = []string{"embedded", "lmiforall"}
	lmiTTLSeries  = []string{"soc", "ashe", "wf", "lfs", "o-net", "hesa", "vacancies"}
)

// checkLMIConfig checks the lmi section's values against the YAML, so a mistake
// names its file, line and column.
func checkLMIConfig(file string, root *yaml.Node, c *serveConfig) error {
	sec := findKey(root, "lmi")
	if sec == nil {
		return nil
	}
	if n := findKey(sec, "backend"); n != nil && !contains(lmiBackends, c.LMI.Backend) {
		return &configError{file, n.Line, n.Column, fmt.Sprintf("lmi.backend %q: want %s", c.LMI.Backend, strings.Join(lmiBackends, ", "))}
	}
	if n := findKey(sec, "order"); n != nil {
		for i, item := range n.Content {
			if !contains(lmiLayerNames, c.LMI.Order[i]) {
				return &configError{file, item.Line, item.Column, fmt.Sprintf("lmi.order: unknown layer %q (want embedded and lmiforall)", item.Value)}
			}
		}
		if err := checkOrder(c.LMI.Order); err != "" {
			return &configError{file, n.Line, n.Column, "lmi.order: " + err}
		}
	}
	if lf := findKey(sec, "lmiforall"); lf != nil {
		if n := findKey(lf, "base_url"); n != nil && badBaseURL(c.LMI.LMIForAll.BaseURL) {
			return &configError{file, n.Line, n.Column, fmt.Sprintf("lmi.lmiforall.base_url %q: want an http or https URL", c.LMI.LMIForAll.BaseURL)}
		}
		if n := findKey(lf, "ttl"); n != nil {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := n.Content[i]; !contains(lmiTTLSeries, k.Value) {
					return &configError{file, k.Line, k.Column, fmt.Sprintf("lmi.lmiforall.ttl: unknown series %q (known: %s)", k.Value, strings.Join(lmiTTLSeries, ", "))}
				}
			}
		}
	}
	return nil
}

func checkOrder(order []string) string {
	if len(order) != 2 || order[0] == order[1] {
		return "want both layers once each, e.g. [embedded, lmiforall]"
	}
	return ""
}

func badBaseURL(s string) bool {
	u, err := url.Parse(s)
	return err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == ""
}

// finish fills the lmi section's defaults and checks what environment variables set.
func (l *lmiConfig) finish(where string) error {
	if l.Backend == "" {
		l.Backend = "embedded"
	}
	if !contains(lmiBackends, l.Backend) {
		return fmt.Errorf("%s: lmi.backend %q: want %s", where, l.Backend, strings.Join(lmiBackends, ", "))
	}
	if len(l.Order) == 0 {
		l.Order = []string{"embedded", "lmiforall"}
	}
	for _, o := range l.Order {
		if !contains(lmiLayerNames, o) {
			return fmt.Errorf("%s: lmi.order: unknown layer %q", where, o)
		}
	}
	if e := checkOrder(l.Order); e != "" {
		return fmt.Errorf("%s: lmi.order: %s", where, e)
	}
	if l.LMIForAll.BaseURL == "" {
		l.LMIForAll.BaseURL = "https://api.lmiforall.org.uk/api/v1"
	}
	if badBaseURL(l.LMIForAll.BaseURL) {
		return fmt.Errorf("%s: lmi.lmiforall.base_url %q: want an http or https URL", where, l.LMIForAll.BaseURL)
	}
	if (l.LMIForAll.KeyID == "") != (l.LMIForAll.Secret == "") {
		return fmt.Errorf("%s: lmi.lmiforall: set key_id and secret together (or neither)", where)
	}
	if l.API.PerIP.Rate == 0 && l.API.PerIP.Burst == 0 {
		l.API.PerIP = lmiRateConfig{Rate: 20, Burst: 60}
	}
	return nil
}
