package bot_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/storagetest"
)

// TestSQLiteConformance runs the storage conformance suite on SQLite (the cross-instance
// tests skip: one process owns a SQLite file).
func TestSQLiteConformance(t *testing.T) {
	storagetest.Run(t, storagetest.Opener{Open: func(t *testing.T) bot.Storage {
		s, err := bot.OpenSQLiteStorage(context.Background(), filepath.Join(t.TempDir(), "c.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}})
}
