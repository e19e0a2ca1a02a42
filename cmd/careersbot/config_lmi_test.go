package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLMIConfig(t *testing.T) {
	for _, tc := range []struct {
		file, want string
	}{
		{"lmi_bad_backend.yaml", `lmi_bad_backend.yaml:2:12: lmi.backend "lmi4all": want embedded, lmiforall, layered`},
		{"lmi_bad_order.yaml", `lmi_bad_order.yaml:3:21: lmi.order: unknown layer "lmiforal"`},
		{"lmi_order_twice.yaml", `lmi_order_twice.yaml:3:10: lmi.order: want both layers once each`},
		{"lmi_bad_ttl.yaml", `lmi_bad_ttl.yaml:5:7: lmi.lmiforall.ttl: unknown series "payroll"`},
		{"lmi_bad_url.yaml", `lmi_bad_url.yaml:3:15: lmi.lmiforall.base_url "ftp://example.org"`},
		{"lmi_bad_timeout.yaml", `lmi_bad_timeout.yaml:3:14: bad duration "soon"`},
		{"lmi_key_no_secret.yaml", `set key_id and secret together`},
	} {
		_, err := resolveServeConfig(serveFlags{config: filepath.Join("testdata", "config", tc.file)}, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.file, err, tc.want)
		}
	}
	c, err := resolveServeConfig(serveFlags{config: filepath.Join("testdata", "config", "lmi_layered.yaml")}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	l := c.LMI
	if l.Backend != "layered" || !slices.Equal(l.Order, []string{"lmiforall", "embedded"}) || time.Duration(l.LMIForAll.Timeout) != 2*time.Second ||
		l.LMIForAll.Retries != 1 || time.Duration(l.LMIForAll.TTL["vacancies"]) != 5*time.Minute || l.API.PerIP.Rate != 5 {
		t.Errorf("decoded %+v", l)
	}
	d, err := resolveServeConfig(serveFlags{}, func(string) string { return "" })
	if err != nil || d.LMI.Backend != "embedded" || d.LMI.LMIForAll.BaseURL != "https://api.lmiforall.org.uk/api/v1" || d.LMI.API.PerIP.Rate != 20 {
		t.Errorf("defaults %+v %v", d.LMI, err)
	}
	env := map[string]string{"CAREERSBOT_LMI_BACKEND": "lmiforall", "CAREERSBOT_LMIFORALL_URL": "http://127.0.0.1:1/api/v1"}
	e, err := resolveServeConfig(serveFlags{}, func(k string) string { return env[k] })
	if err != nil || e.LMI.Backend != "lmiforall" || e.LMI.LMIForAll.BaseURL != "http://127.0.0.1:1/api/v1" {
		t.Errorf("environment %+v %v", e.LMI, err)
	}
	env["CAREERSBOT_LMI_BACKEND"] = "both"
	if _, err := resolveServeConfig(serveFlags{}, func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), `lmi.backend "both"`) {
		t.Errorf("bad backend from the environment: %v", err)
	}
}
