package pgstore_test

import (
	"context"
	"testing"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/pgstore"
	"github.com/careersbot/careersbot/bot/pgstore/pgtest"
	"github.com/careersbot/careersbot/bot/storagetest"
)

func open(t *testing.T, dsn string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(context.Background(), dsn, pgstore.Options{Migrate: true, MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestConformance runs the storage conformance suite on PostgreSQL, with the
// cross-instance tests on two pools over one database.
func TestConformance(t *testing.T) {
	var dsn string
	storagetest.Run(t, storagetest.Opener{
		Open: func(t *testing.T) bot.Storage {
			dsn = pgtest.DSN(t)
			return open(t, dsn)
		},
		Shared: func(t *testing.T) bot.Storage { return open(t, dsn) },
	})
}
