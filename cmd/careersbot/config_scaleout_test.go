package main

import (
	"strings"
	"testing"
	"time"
)

func TestScaleOutConfig(t *testing.T) {
	tests := []struct {
		name, yaml, want string // want: "" for valid, else part of the error
	}{
		{"defaults", ``, ""},
		{"postgres and nats", "storage:\n  driver: postgres\n  dsn: postgres://cb@db/cb\n  pool: {max_conns: 32, min_conns: 4, max_conn_lifetime: 30m, outbox_lease: 20s}\nbus:\n  driver: nats\n  url: nats://nats:4222\n", ""},
		{"unknown driver", "storage:\n  driver: mysql\n", `storage.driver "mysql": want sqlite or postgres`},
		{"postgres without dsn", "storage:\n  driver: postgres\n", "storage.dsn is required"},
		{"postgres with a path", "storage:\n  driver: postgres\n  dsn: postgres://x/y\n  path: /tmp/x.db\n", "storage.path is for sqlite"},
		{"not a dsn", "storage:\n  driver: postgres\n  dsn: careersbot\n", "want a postgres:// URL"},
		{"pool upside down", "storage:\n  driver: postgres\n  dsn: postgres://x/y\n  pool: {max_conns: 2, min_conns: 5}\n", "min_conns 5 is above max_conns 2"},
		{"short lease", "storage:\n  driver: postgres\n  dsn: postgres://x/y\n  pool: {outbox_lease: 10ms}\n", "outbox_lease must be at least 1s"},
		{"unknown pool key", "storage:\n  pool: {max_conn: 2}\n", `test.yaml:2:10: unknown setting "max_conn"`},
		{"nats without url", "storage: {driver: postgres, dsn: \"postgres://x/y\"}\nbus: {driver: nats}\n", "bus.url is required"},
		{"nats on sqlite", "bus: {driver: nats, url: \"nats://n:4222\"}\n", "need storage.driver postgres"},
		{"unknown bus", "bus: {driver: kafka}\n", `bus.driver "kafka": want memory or nats`},
		{"bad prefix", "bus: {subject_prefix: \"a.b\"}\n", "one NATS subject token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := defaultServeConfig()
			c.file = "test.yaml"
			err := decodeServeConfig([]byte(tc.yaml), "test.yaml", &c, nil)
			if err == nil {
				err = c.finish()
			}
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
	// The environment selects PostgreSQL and NATS, and --data-dir keeps the DSN.
	env := map[string]string{"CAREERSBOT_STORAGE": "postgres", "CAREERSBOT_DB_DSN": "postgres://cb:pw@db/cb",
		"CAREERSBOT_BUS": "nats", "CAREERSBOT_NATS_URL": "nats://n:4222"}
	c, err := resolveServeConfig(serveFlags{dataDir: "/srv/x"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Storage.Driver != "postgres" || c.Storage.DSN != "postgres://cb:pw@db/cb" || c.Bus.Driver != "nats" || c.Bus.URL != "nats://n:4222" || !c.Storage.Migrate {
		t.Fatalf("from the environment: %+v %+v", c.Storage, c.Bus)
	}
	if got := storageName(c); strings.Contains(got, "pw") {
		t.Fatalf("storageName shows the password: %s", got)
	}
	c2 := defaultServeConfig()
	if err := decodeServeConfig([]byte("storage: {pool: {outbox_lease: 20s}}\n"), "t.yaml", &c2, nil); err != nil || time.Duration(c2.Storage.Pool.OutboxLease) != 20*time.Second {
		t.Fatalf("outbox_lease: %v %v", c2.Storage.Pool.OutboxLease, err)
	}
}
