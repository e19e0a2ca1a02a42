package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/careersbot/careersbot/bot"
	"gopkg.in/yaml.v3"
)

// serveConfig is the `careersbot serve` configuration: defaults, then the YAML file,
// then CAREERSBOT_* environment variables, then flags. docs/operations.md documents it.
type serveConfig struct {
	Server      serverConfig         `yaml:"server"`
	DataDir     string               `yaml:"data_dir"`
	Storage     storageConfig        `yaml:"storage"`
	Transcripts transcriptsConfig    `yaml:"transcripts"`
	Rules       rulesConfig          `yaml:"rules"`
	LMI         lmiConfig            `yaml:"lmi"`
	Admin       adminConfig          `yaml:"admin"`
	Log         logConfig            `yaml:"log"`
	Webchat     webchatConfig        `yaml:"webchat"`
	Advisers    advisersConfig       `yaml:"advisers"`
	REST        restConfig           `yaml:"rest"`
	Bus         busConfig            `yaml:"bus"`
	Channels    map[string]yaml.Node `yaml:"channels"`

	file string // where it was read from, "" for none
}

type serverConfig struct {
	Addr            string     `yaml:"addr"`
	AllowedOrigins  []string   `yaml:"allowed_origins"`
	MaxMessageBytes int        `yaml:"max_message_bytes"`
	RateLimits      rateLimits `yaml:"rate_limits"`
	TrustProxy      bool       `yaml:"trust_proxy"`
	ShutdownTimeout duration   `yaml:"shutdown_timeout"`
	ReadTimeout     duration   `yaml:"read_timeout"`
	MaxQueue        int        `yaml:"max_queue"`
}

type rateLimits struct {
	PerIP           bot.RateLimit `yaml:"per_ip"`
	PerConversation bot.RateLimit `yaml:"per_conversation"`
}

type storageConfig struct {
	Driver string `yaml:"driver"` // sqlite (default) or postgres
	Path   string `yaml:"path"`
	DSN    string `yaml:"dsn"`
	// Synchronous is SQLite's: normal (default: a committed message survives kill -9,
	// not a power cut) or full (one fsync per group commit: survives power loss).
	Synchronous string `yaml:"synchronous"`
	// Pool sizes the PostgreSQL connection pool; Migrate applies pending migrations at
	// start (PostgreSQL; default true, else run `careersbot db migrate`).
	Pool    poolConfig `yaml:"pool"`
	Migrate bool       `yaml:"migrate"`
}

type transcriptsConfig struct {
	Retention   duration `yaml:"retention"`
	DedupWindow duration `yaml:"dedup_window"`
	ExportSalt  string   `yaml:"export_salt"`
}

type rulesConfig struct {
	Dir         string   `yaml:"dir"`
	ReloadEvery duration `yaml:"reload_every"`
}

type lmiConfig struct {
	SocVolume1 string `yaml:"soc_volume1"`
	// Backend is where LMI comes from: embedded (the snapshot), lmiforall (the LMI for
	// All API, with the snapshot's classification) or layered (both, in Order).
	Backend   string          `yaml:"backend"`
	Order     []string        `yaml:"order"`
	LMIForAll lmiForAllConfig `yaml:"lmiforall"`
	API       lmiAPIConfig    `yaml:"api"`
}

type adminConfig struct {
	Token string `yaml:"token"`
}

type logConfig struct {
	Format string `yaml:"format"` // text or json
	Level  string `yaml:"level"`  // debug, info, warn, error
}

type advisersConfig struct {
	// HandoffTimeout gives a handed-off conversation back to the bot when no adviser
	// joined in time (not for safeguarding). 0: wait for ever.
	HandoffTimeout duration `yaml:"handoff_timeout"`
	// TimeZone, OfficeHours (per weekday, "09:00-17:00"; days not named are closed;
	// none at all: always open) and BankHolidays (dates) say when advisers work.
	TimeZone     string            `yaml:"time_zone"`
	OfficeHours  map[string]string `yaml:"office_hours"`
	BankHolidays []string          `yaml:"bank_holidays"`
	// Outcomes are the tags an adviser resolves a conversation with.
	Outcomes []string `yaml:"outcomes"`
	// SessionIdle logs an adviser out of the console after this long without a request.
	SessionIdle duration `yaml:"session_idle"`

	hours *bot.OfficeHours // parsed by finish
}

type restConfig struct {
	// Open lets any client use any REST conversation without an API key (local
	// development only; serve warns at start).
	Open bool `yaml:"open"`
}

type webchatConfig struct {
	Title         string `yaml:"title"`
	AgePrompt     string `yaml:"age_prompt"`
	PrimaryColour string `yaml:"primary_colour"`
	// MaxConnections caps the open web chat sockets (0: 100,000); the open-file limit
	// caps them too.
	MaxConnections int `yaml:"max_connections"`
}

// duration is a time.Duration written as "90s", "15m", "2160h" or "90d".
type duration time.Duration

func parseDuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(d, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad duration %q (want e.g. 90s, 15m, 2160h or 90d)", s)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q (want e.g. 90s, 15m, 2160h or 90d)", s)
	}
	return d, nil
}

func defaultServeConfig() serveConfig {
	c := serveConfig{DataDir: "./var"}
	c.Server.Addr = ":8080"
	c.Server.MaxMessageBytes = 2000
	c.Server.RateLimits.PerIP = bot.RateLimit{Rate: 5, Burst: 30}
	c.Server.RateLimits.PerConversation = bot.RateLimit{Rate: 1, Burst: 10}
	c.Server.ShutdownTimeout = duration(15 * time.Second)
	c.Server.ReadTimeout = duration(15 * time.Second)
	c.Server.MaxQueue = 256
	c.Storage.Driver = "sqlite"
	c.Storage.Migrate = true
	c.Bus.Driver = "memory"
	c.Bus.Prefix = "careersbot"
	c.Transcripts.Retention = duration(90 * 24 * time.Hour)
	c.Transcripts.DedupWindow = duration(7 * 24 * time.Hour)
	c.Rules.ReloadEvery = duration(5 * time.Second)
	c.LMI.SocVolume1 = "auto"
	c.Log.Format = "text"
	c.Log.Level = "info"
	c.Advisers.HandoffTimeout = duration(30 * time.Minute)
	c.Advisers.TimeZone = "Europe/London"
	c.Advisers.SessionIdle = duration(30 * time.Minute)
	c.Webchat.Title = "Careers chat"
	c.Webchat.AgePrompt = "How old are you?"
	return c
}

// configError is a configuration mistake with where it is.
type configError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *configError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// loadServeConfig reads the YAML file (when path is not "") over the defaults. Unknown
// keys, wrong types and bad values are errors naming file, line and column.
func loadServeConfig(path string, knownChannels []string) (serveConfig, error) {
	c := defaultServeConfig()
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	if err := decodeServeConfig(b, path, &c, knownChannels); err != nil {
		return c, err
	}
	c.file = path
	return c, nil
}

func decodeServeConfig(b []byte, file string, c *serveConfig, knownChannels []string) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file: the defaults
		}
		return yamlSyntaxError(file, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return &configError{file, extra.Line, extra.Column, "more than one YAML document"}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	if err := decodeStrict(file, root, reflect.ValueOf(c).Elem()); err != nil {
		return err
	}
	if err := checkLMIConfig(file, root, c); err != nil {
		return err
	}
	// Channel names must be known.
	if len(c.Channels) > 0 {
		chNode := findKey(root, "channels")
		for i := 0; chNode != nil && i+1 < len(chNode.Content); i += 2 {
			k := chNode.Content[i]
			if !contains(knownChannels, k.Value) {
				return &configError{file, k.Line, k.Column, fmt.Sprintf("unknown channel %q (known: %s)", k.Value, strings.Join(knownChannels, ", "))}
			}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func findKey(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// yamlSyntaxError turns yaml.v3's "yaml: line 3: ..." into file:line:col.
func yamlSyntaxError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ":"); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, msg = v, strings.TrimSpace(after)
			}
		}
	}
	if line == 0 {
		return &configError{File: file, Msg: "YAML: " + msg}
	}
	return &configError{file, line, 1, "YAML: " + msg}
}

var (
	durationType = reflect.TypeOf(duration(0))
	nodeType     = reflect.TypeOf(yaml.Node{})
)

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.Value)
}

// decodeStrict decodes node into v, reporting every unknown key and bad value with
// its position.
func decodeStrict(file string, n *yaml.Node, v reflect.Value) error {
	bad := func(n *yaml.Node, format string, a ...any) error {
		return &configError{file, n.Line, n.Column, fmt.Sprintf(format, a...)}
	}
	if n.Kind == yaml.AliasNode {
		return decodeStrict(file, n.Alias, v)
	}
	if v.Type() == nodeType {
		v.Set(reflect.ValueOf(*n))
		return nil
	}
	if v.Type() == durationType {
		if n.Kind != yaml.ScalarNode {
			return bad(n, "want a duration such as 90s, 15m, 2160h or 90d, got %s", kindName(n))
		}
		d, err := parseDuration(n.Value)
		if err != nil {
			return bad(n, "%v", err)
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return bad(n, "want a mapping of settings, got %s", kindName(n))
		}
		fields := map[string]int{}
		var names []string
		for i := 0; i < v.NumField(); i++ {
			tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
			if tag == "" || tag == "-" || !v.Type().Field(i).IsExported() {
				continue
			}
			fields[tag] = i
			names = append(names, tag)
		}
		sort.Strings(names)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			idx, ok := fields[k.Value]
			if !ok {
				return bad(k, "unknown setting %q (known here: %s)", k.Value, strings.Join(names, ", "))
			}
			if seen[k.Value] {
				return bad(k, "%q is set twice", k.Value)
			}
			seen[k.Value] = true
			if err := decodeStrict(file, val, v.Field(idx)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return nil
			}
			return bad(n, "want a mapping, got %s", kindName(n))
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if v.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
				return bad(k, "%q is set twice", k.Value)
			}
			ev := reflect.New(v.Type().Elem()).Elem()
			if err := decodeStrict(file, val, ev); err != nil {
				return err
			}
			v.SetMapIndex(reflect.ValueOf(k.Value), ev)
		}
		return nil
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return bad(n, "want a list, got %s", kindName(n))
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := decodeStrict(file, item, s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return bad(n, "want a single value, got %s", kindName(n))
	}
	switch v.Kind() {
	case reflect.String:
		if n.Tag == "!!null" {
			v.SetString("")
			return nil
		}
		v.SetString(n.Value)
	case reflect.Bool:
		b, err := strconv.ParseBool(n.Value)
		if err != nil || n.Tag != "!!bool" {
			return bad(n, "want true or false, got %q", n.Value)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		i, err := strconv.ParseInt(n.Value, 10, 64)
		if err != nil || i < 0 {
			return bad(n, "want a whole number (0 or more), got %q", n.Value)
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || f < 0 {
			return bad(n, "want a number (0 or more), got %q", n.Value)
		}
		v.SetFloat(f)
	default:
		return bad(n, "cannot set a %s here", v.Kind())
	}
	return nil
}

// serveEnv lists the environment overrides: name, what it sets, and how.
var serveEnv = []struct {
	name, help string
	set        func(c *serveConfig, v string) error
}{
	{"CAREERSBOT_ADDR", "server.addr", func(c *serveConfig, v string) error { c.Server.Addr = v; return nil }},
	{"CAREERSBOT_DATA_DIR", "data_dir", func(c *serveConfig, v string) error { c.DataDir = v; return nil }},
	{"CAREERSBOT_DB_PATH", "storage.path", func(c *serveConfig, v string) error { c.Storage.Path = v; return nil }},
	{"CAREERSBOT_STORAGE", "storage.driver (sqlite or postgres)", func(c *serveConfig, v string) error { c.Storage.Driver = v; return nil }},
	{"CAREERSBOT_BUS", "bus.driver (memory or nats)", func(c *serveConfig, v string) error { c.Bus.Driver = v; return nil }},
	{"CAREERSBOT_NATS_URL", "bus.url", func(c *serveConfig, v string) error { c.Bus.URL = v; return nil }},
	{"CAREERSBOT_DB_DSN", "storage.dsn", func(c *serveConfig, v string) error { c.Storage.DSN = v; return nil }},
	{"CAREERSBOT_ALLOWED_ORIGINS", "server.allowed_origins (comma separated)", func(c *serveConfig, v string) error {
		c.Server.AllowedOrigins = nil
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.Server.AllowedOrigins = append(c.Server.AllowedOrigins, o)
			}
		}
		return nil
	}},
	{"CAREERSBOT_MAX_MESSAGE_BYTES", "server.max_message_bytes", func(c *serveConfig, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("want a positive whole number, got %q", v)
		}
		c.Server.MaxMessageBytes = n
		return nil
	}},
	{"CAREERSBOT_TRUST_PROXY", "server.trust_proxy", func(c *serveConfig, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		c.Server.TrustProxy = b
		return nil
	}},
	{"CAREERSBOT_RETENTION", "transcripts.retention", func(c *serveConfig, v string) error {
		d, err := parseDuration(v)
		c.Transcripts.Retention = duration(d)
		return err
	}},
	{"CAREERSBOT_EXPORT_SALT", "transcripts.export_salt", func(c *serveConfig, v string) error { c.Transcripts.ExportSalt = v; return nil }},
	{"CAREERSBOT_RULES_DIR", "rules.dir", func(c *serveConfig, v string) error { c.Rules.Dir = v; return nil }},
	{"CAREERSBOT_SOC_VOLUME1", "lmi.soc_volume1", func(c *serveConfig, v string) error { c.LMI.SocVolume1 = v; return nil }},
	{"CAREERSBOT_LMI_BACKEND", "lmi.backend", func(c *serveConfig, v string) error { c.LMI.Backend = v; return nil }},
	{"CAREERSBOT_LMIFORALL_URL", "lmi.lmiforall.base_url", func(c *serveConfig, v string) error { c.LMI.LMIForAll.BaseURL = v; return nil }},
	{"CAREERSBOT_LMIFORALL_KEY_ID", "lmi.lmiforall.key_id", func(c *serveConfig, v string) error { c.LMI.LMIForAll.KeyID = v; return nil }},
	{"CAREERSBOT_LMIFORALL_SECRET", "lmi.lmiforall.secret", func(c *serveConfig, v string) error { c.LMI.LMIForAll.Secret = v; return nil }},
	{"CAREERSBOT_ADMIN_TOKEN", "admin.token", func(c *serveConfig, v string) error { c.Admin.Token = v; return nil }},
	{"CAREERSBOT_REST_OPEN", "rest.open", func(c *serveConfig, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		c.REST.Open = b
		return nil
	}},
	{"CAREERSBOT_LOG_FORMAT", "log.format", func(c *serveConfig, v string) error { c.Log.Format = v; return nil }},
	{"CAREERSBOT_LOG_LEVEL", "log.level", func(c *serveConfig, v string) error { c.Log.Level = v; return nil }},
}

func (c *serveConfig) applyEnv(getenv func(string) string) error {
	for _, e := range serveEnv {
		if v := getenv(e.name); v != "" {
			if err := e.set(c, v); err != nil {
				return fmt.Errorf("environment %s: %w", e.name, err)
			}
		}
	}
	return nil
}

// finish fills derived defaults and checks values that only make sense together.
func (c *serveConfig) finish() error {
	where := c.file
	if where == "" {
		where = "config"
	}
	if err := c.finishScaleOut(where); err != nil {
		return err
	}
	if c.Storage.Driver == "sqlite" && c.Storage.Path == "" && c.Storage.DSN == "" {
		c.Storage.Path = filepath.Join(c.DataDir, "careersbot.db")
	}
	if c.Storage.Driver == "sqlite" && c.Storage.DSN != "" {
		// modernc.org/sqlite DSNs are file paths or file: URIs; take the path part.
		p := strings.TrimPrefix(c.Storage.DSN, "file:")
		p, _, _ = strings.Cut(p, "?")
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		c.Storage.Path = p
	}
	switch c.Storage.Synchronous {
	case "", "normal", "full":
	default:
		return fmt.Errorf("%s: storage.synchronous %q: want normal or full", where, c.Storage.Synchronous)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return fmt.Errorf("%s: log.format %q: want text or json", where, c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("%s: log.level %q: want debug, info, warn or error", where, c.Log.Level)
	}
	if c.Webchat.MaxConnections < 0 {
		return fmt.Errorf("%s: webchat.max_connections must not be negative (0 is the default, 100000)", where)
	}
	if c.Server.MaxMessageBytes <= 0 || c.Server.MaxMessageBytes > 1<<20 {
		return fmt.Errorf("%s: server.max_message_bytes must be 1 to 1048576", where)
	}
	if c.Server.Addr == "" {
		return fmt.Errorf("%s: server.addr is empty", where)
	}
	if len(c.Advisers.OfficeHours) > 0 || len(c.Advisers.BankHolidays) > 0 {
		h, err := bot.ParseOfficeHours(c.Advisers.TimeZone, c.Advisers.OfficeHours, c.Advisers.BankHolidays)
		if err != nil {
			return fmt.Errorf("%s: advisers: %w", where, err)
		}
		c.Advisers.hours = h
	} else if _, err := time.LoadLocation(c.Advisers.TimeZone); err != nil {
		return fmt.Errorf("%s: advisers.time_zone: %w", where, err)
	}
	for _, o := range c.Advisers.Outcomes {
		if strings.TrimSpace(o) == "" || strings.ContainsAny(o, " \t,") {
			return fmt.Errorf("%s: advisers.outcomes: %q: want a tag like advice_given", where, o)
		}
	}
	return c.LMI.finish(where)
}
