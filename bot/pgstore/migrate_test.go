package pgstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/careersbot/careersbot/bot/pgstore"
	"github.com/careersbot/careersbot/bot/pgstore/pgtest"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMigrations(t *testing.T) {
	ms, err := pgstore.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.Version != i+1 || m.Name == "" || m.SQL == "" {
			t.Fatalf("migration %d = %d %q: want versions 1, 2, 3... with a name and SQL", i, m.Version, m.Name)
		}
	}
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	if _, err := pgstore.Open(ctx, dsn, pgstore.Options{}); err == nil || !strings.Contains(err.Error(), "careersbot db migrate") {
		t.Fatalf("opening an unmigrated database: %v, want an error telling to run `careersbot db migrate`", err)
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	st, unknown, err := pgstore.Status(ctx, pool)
	if err != nil || len(unknown) != 0 {
		t.Fatal(err, unknown)
	}
	for _, m := range st {
		if !m.Applied.IsZero() {
			t.Fatalf("migration %d applied in an empty database", m.Version)
		}
	}
	ran, err := pgstore.Migrate(ctx, pool)
	if err != nil || len(ran) != len(ms) {
		t.Fatalf("Migrate ran %d of %d: %v", len(ran), len(ms), err)
	}
	again, err := pgstore.Migrate(ctx, pool)
	if err != nil || len(again) != 0 {
		t.Fatalf("second Migrate ran %d: %v", len(again), err)
	}
	st, _, _ = pgstore.Status(ctx, pool)
	for _, m := range st {
		if m.Applied.IsZero() {
			t.Fatalf("migration %d pending after Migrate", m.Version)
		}
	}
	// A version this build does not know (a newer build migrated) is reported.
	if _, err := pool.Exec(ctx, `INSERT INTO schema_migrations(version, name) VALUES(9999, 'future')`); err != nil {
		t.Fatal(err)
	}
	if _, unknown, _ := pgstore.Status(ctx, pool); len(unknown) != 1 || unknown[0] != 9999 {
		t.Fatalf("unknown versions = %v, want [9999]", unknown)
	}
	s, err := pgstore.Open(ctx, dsn, pgstore.Options{})
	if err != nil {
		t.Fatalf("opening a migrated database: %v", err)
	}
	s.Close()
}
