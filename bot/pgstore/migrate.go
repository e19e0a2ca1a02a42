package pgstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one versioned schema change: migrations/NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
	// Applied is when it was applied; zero while pending.
	Applied time.Time
}

// migrationLock is the advisory lock key that lets one instance at a time migrate
// (several starting together wait for the first).
const migrationLock = 0x63617265657273 // "careers"

// Migrations lists the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "migrations/"), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("pgstore: migration file %s: want NNNN_name.sql", n)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("pgstore: two migrations numbered %d", out[i].Version)
		}
	}
	return out, nil
}

const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations(
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied TIMESTAMPTZ NOT NULL DEFAULT now())`

// Migrate applies the pending migrations, each in its own transaction, under an
// advisory lock. It returns the ones it applied.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]Migration, error) {
	all, err := Migrations()
	if err != nil {
		return nil, err
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("pgstore: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return nil, fmt.Errorf("pgstore: migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	if _, err := conn.Exec(ctx, migrationsTable); err != nil {
		return nil, fmt.Errorf("pgstore: migrate: %w", err)
	}
	done, err := applied(ctx, conn.Conn())
	if err != nil {
		return nil, err
	}
	var ran []Migration
	for _, m := range all {
		if _, ok := done[m.Version]; ok {
			continue
		}
		err := pgx.BeginFunc(ctx, conn.Conn(), func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations(version, name) VALUES($1, $2)`, m.Version, m.Name)
			return err
		})
		if err != nil {
			return ran, fmt.Errorf("pgstore: migration %04d_%s: %w", m.Version, m.Name, err)
		}
		m.Applied = time.Now()
		ran = append(ran, m)
	}
	return ran, nil
}

// Status lists every known migration with when it was applied (zero: pending), and
// the versions applied in the database that this build does not know (a newer build
// migrated it).
func Status(ctx context.Context, pool *pgxpool.Pool) (ms []Migration, unknown []int, err error) {
	all, err := Migrations()
	if err != nil {
		return nil, nil, err
	}
	var exists bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, nil, fmt.Errorf("pgstore: status: %w", err)
	}
	done := map[int]time.Time{}
	if exists {
		conn, err := pool.Acquire(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("pgstore: status: %w", err)
		}
		defer conn.Release()
		if done, err = applied(ctx, conn.Conn()); err != nil {
			return nil, nil, err
		}
	}
	known := map[int]bool{}
	for i := range all {
		all[i].Applied = done[all[i].Version]
		known[all[i].Version] = true
	}
	for v := range done {
		if !known[v] {
			unknown = append(unknown, v)
		}
	}
	sort.Ints(unknown)
	return all, unknown, nil
}

func applied(ctx context.Context, conn *pgx.Conn) (map[int]time.Time, error) {
	rows, err := conn.Query(ctx, `SELECT version, applied FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("pgstore: read migrations: %w", err)
	}
	done := map[int]time.Time{}
	for rows.Next() {
		var v int
		var t time.Time
		if err := rows.Scan(&v, &t); err != nil {
			return nil, fmt.Errorf("pgstore: read migrations: %w", err)
		}
		done[v] = t
	}
	return done, rows.Err()
}
