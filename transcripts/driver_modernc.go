//go:build !sqlite_cgo

package transcripts

import _ "modernc.org/sqlite" // the SQLite driver, pure Go

// driverName is the database/sql driver the store opens: modernc.org/sqlite, pure Go,
// unless built with -tags sqlite_cgo (driver_cgo.go).
const driverName = "sqlite"
