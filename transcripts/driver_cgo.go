//go:build sqlite_cgo

package transcripts

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strings"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Built with -tags sqlite_cgo, the store runs on mattn/go-sqlite3 (SQLite in C, through
// cgo) instead of modernc.org/sqlite, to measure one against the other (see
// docs/performance.md). The default build stays pure Go.
const driverName = "sqlite-cgo"

func init() { sql.Register(driverName, cgoDriver{}) }

// cgoDriver takes the modernc-style DSN the store builds (file:PATH?_pragma=...&mode=ro
// &_txlock=immediate) and opens mattn/go-sqlite3 with the same settings: the pragmas
// run in the order given once the connection is open.
type cgoDriver struct{}

func (cgoDriver) Open(dsn string) (driver.Conn, error) {
	path, query, _ := strings.Cut(dsn, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("transcripts: dsn: %w", err)
	}
	out := url.Values{}
	if v := q.Get("mode"); v != "" {
		out.Set("mode", v)
	}
	if v := q.Get("_txlock"); v != "" {
		out.Set("_txlock", v)
	}
	name := path
	if len(out) > 0 {
		name += "?" + out.Encode()
	}
	c, err := (&sqlite3.SQLiteDriver{}).Open(name)
	if err != nil {
		return nil, err
	}
	for _, p := range q["_pragma"] {
		if _, err := c.(driver.ExecerContext).ExecContext(context.Background(), "PRAGMA "+p, nil); err != nil {
			c.Close()
			return nil, fmt.Errorf("transcripts: PRAGMA %s: %w", p, err)
		}
	}
	return c, nil
}
