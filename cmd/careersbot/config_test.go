package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
)

func TestServeConfigErrors(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"unknown_key.yaml", `unknown_key.yaml:3:3: unknown setting "allowed_orgins"`},
		{"bad_duration.yaml", `bad_duration.yaml:2:14: bad duration "90 days"`},
		{"bad_int.yaml", `bad_int.yaml:2:22: want a whole number`},
		{"bad_bool.yaml", `bad_bool.yaml:2:16: want true or false`},
		{"unknown_channel.yaml", `unknown_channel.yaml:2:3: unknown channel "myspace"`},
		{"syntax.yaml", `syntax.yaml:3:1: YAML:`},
		{"wrong_shape.yaml", `wrong_shape.yaml:1:9: want a mapping of settings, got a list`},
		{"bad_log.yaml", `bad_log.yaml: log.format "xml": want text or json`},
		{"bad_synchronous.yaml", `bad_synchronous.yaml: storage.synchronous "off": want normal or full`},
		{"twice.yaml", `twice.yaml:3:3: "addr" is set twice`},
	}
	for _, tc := range tests {
		_, err := resolveServeConfig(serveFlags{config: filepath.Join("testdata", "config", tc.file)}, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.file, err, tc.want)
		}
	}
}

// knownChannelsForTest makes "telegram" known even before any channel is registered.
func TestServeConfigLayers(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	file := filepath.Join("testdata", "config", "full.yaml")

	c, err := loadServeConfig(file, []string{"telegram"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.finish(); err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != "127.0.0.1:9090" || len(c.Server.AllowedOrigins) != 2 || c.Server.MaxMessageBytes != 1500 ||
		c.Server.RateLimits.PerConversation != (bot.RateLimit{Rate: 0.5, Burst: 5}) || !c.Server.TrustProxy ||
		time.Duration(c.Transcripts.Retention) != 90*24*time.Hour || time.Duration(c.Transcripts.DedupWindow) != 72*time.Hour ||
		c.Storage.Path != "/srv/careersbot/db/careersbot.db" || c.Admin.Token != "s3cret" || c.Log.Format != "json" ||
		c.Webchat.AgePrompt != "" || c.LMI.SocVolume1 != "none" || time.Duration(c.Rules.ReloadEvery) != 10*time.Second ||
		time.Duration(c.Advisers.HandoffTimeout) != time.Hour {
		t.Errorf("full.yaml decoded as %+v", c)
	}

	// Defaults, then file, then environment, then flags.
	c, err = resolveServeConfig(serveFlags{config: filepath.Join("testdata", "config", "empty.yaml")}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != ":8080" || c.Storage.Path != filepath.Join("var", "careersbot.db") || c.Webchat.AgePrompt == "" {
		t.Errorf("defaults %+v", c)
	}
	env["CAREERSBOT_ADDR"] = ":7000"
	env["CAREERSBOT_DATA_DIR"] = "/data"
	env["CAREERSBOT_ALLOWED_ORIGINS"] = "https://a.example, https://b.example"
	env["CAREERSBOT_RETENTION"] = "30d"
	c, err = resolveServeConfig(serveFlags{config: file}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != ":7000" || c.DataDir != "/data" || len(c.Server.AllowedOrigins) != 2 ||
		c.Server.AllowedOrigins[1] != "https://b.example" || time.Duration(c.Transcripts.Retention) != 30*24*time.Hour {
		t.Errorf("env over file: %+v", c)
	}
	c, err = resolveServeConfig(serveFlags{config: file, addr: ":6000", dataDir: "/flag"}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != ":6000" || c.Storage.Path != filepath.Join("/flag", "careersbot.db") {
		t.Errorf("flags over env: %+v", c)
	}
	env["CAREERSBOT_RETENTION"] = "forever"
	if _, err := resolveServeConfig(serveFlags{}, getenv); err == nil || !strings.Contains(err.Error(), "CAREERSBOT_RETENTION") {
		t.Errorf("bad env value: %v", err)
	}
}

// TestOperationsDocCoversConfig keeps docs/operations.md true to the code: every
// environment variable and every setting is documented.
func TestOperationsDocCoversConfig(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range serveEnv {
		if !strings.Contains(string(doc), e.name) {
			t.Errorf("docs/operations.md does not mention %s", e.name)
		}
	}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if tag == "" || tag == "-" || !f.IsExported() {
				continue
			}
			if !strings.Contains(string(doc), tag+":") {
				t.Errorf("docs/operations.md does not document %s%s", prefix, tag)
			}
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(bot.RateLimit{}) {
				walk(prefix+tag+".", f.Type)
			}
		}
	}
	walk("", reflect.TypeOf(serveConfig{}))
}
