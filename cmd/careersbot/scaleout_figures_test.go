package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot/natsbus/natstest"
	"github.com/careersbot/careersbot/bot/pgstore/pgtest"
	"github.com/jackc/pgx/v5"
)

// procCPU is a process's CPU time (user + system) from /proc, 0 when it is gone.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ 100
}

// metricSum adds a counter's value over instances' /metrics.
func metricSum(bases []string, name string) float64 {
	total := 0.0
	for _, b := range bases {
		r, err := http.Get(b + "/metrics")
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(r.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
				f, _ := strconv.ParseFloat(v, 64)
				total += f
			}
		}
		r.Body.Close()
	}
	return total
}

// backendPIDs are the PostgreSQL backends serving the database.
func backendPIDs(t *testing.T, dsn string) []int {
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	rows, _ := c.Query(context.Background(), `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, len(pids))
	for i, p := range pids {
		out[i] = int(p)
	}
	return out
}

// TestScaleOutFigures measures throughput, p99, CPU per message and PostgreSQL round
// trips per message for 1, 2 and 3 serve processes on PostgreSQL and NATS, and one on
// SQLite, in one run. It is a measurement, not a check: it runs only with
// CAREERSBOT_SCALEOUT_FIGURES=1 (and the PostgreSQL test server), e.g.
//
//	CAREERSBOT_SCALEOUT_FIGURES=1 go test ./cmd/careersbot -run ScaleOutFigures -v
func TestScaleOutFigures(t *testing.T) {
	if os.Getenv("CAREERSBOT_SCALEOUT_FIGURES") == "" {
		t.Skip("a measurement: set CAREERSBOT_SCALEOUT_FIGURES=1 to run it")
	}
	dir := t.TempDir()
	bin := buildCareersbot(t, dir)
	nats := natstest.Start(t)
	const convs = 64
	dur := 10 * time.Second
	if v := os.Getenv("CAREERSBOT_SCALEOUT_SECONDS"); v != "" {
		n, _ := strconv.Atoi(v)
		dur = time.Duration(n) * time.Second
	}
	type run struct {
		name      string
		instances int
		postgres  bool
	}
	runs := []run{{"sqlite", 1, false}, {"postgres", 1, true}, {"postgres", 2, true}, {"postgres", 3, true}}
	var lines []string
	for _, r := range runs {
		common := `admin: {token: x}
rest: {open: true}
server:
  rate_limits: {per_ip: {rate: 100000, burst: 100000}, per_conversation: {rate: 100000, burst: 100000}}
  max_queue: 1024
log: {level: warn}
lmi: {soc_volume1: none}
`
		var dsn string
		cfg := common
		if r.postgres {
			dsn = pgtest.DSN(t)
			cfg += fmt.Sprintf("storage: {driver: postgres, dsn: %q, pool: {max_conns: 16}}\nbus: {driver: nats, url: %q}\n", dsn, nats.URL())
		}
		rdir := filepath.Join(dir, fmt.Sprintf("%s-%d", r.name, r.instances))
		os.MkdirAll(rdir, 0o755)
		c := newCluster(t, bin, rdir, r.instances, cfg)
		for i := range c.inst {
			c.mustStart(i)
		}
		var bases []string
		for i := range c.inst {
			bases = append(bases, c.base(i))
		}
		addr := strings.Join(bases, ",")
		benchRun(context.Background(), addr, convs, 1000, 2*time.Second) // warm up
		var pgPIDs []int
		if r.postgres {
			pgPIDs = backendPIDs(t, dsn)
		}
		cpu := func() time.Duration {
			var d time.Duration
			for _, in := range c.inst {
				d += procCPU(in.cmd.Process.Pid)
			}
			for _, p := range pgPIDs {
				d += procCPU(p)
			}
			return d + processCPU()
		}
		trips0 := metricSum(bases, "careersbot_postgres_round_trips_total")
		conf0 := metricSum(bases, "careersbot_conversation_conflicts_total")
		load0, _ := os.ReadFile("/proc/loadavg")
		cpu0 := cpu()
		res := benchRun(context.Background(), addr, convs, 100000, dur)
		cpuUsed := cpu() - cpu0
		trips := metricSum(bases, "careersbot_postgres_round_trips_total") - trips0
		conflicts := metricSum(bases, "careersbot_conversation_conflicts_total") - conf0
		c.stopAll()
		n := max(res.Messages, 1)
		line := fmt.Sprintf("%-8s x%d  %6.0f msg/s  p50 %7s  p99 %7s  cpu/msg %5dµs  pg round trips/msg %.2f  conflicts/msg %.2f  errors %d  (load before: %s)",
			r.name, r.instances, res.PerSecond, ms(res.P50), ms(res.P99), (cpuUsed / time.Duration(n)).Microseconds(),
			trips/float64(n), conflicts/float64(n), res.Errors, strings.Join(strings.Fields(string(load0))[:3], " "))
		t.Log(line)
		if res.Errors > 0 {
			// a figure over failed requests measures nothing (the REST channel refusing
			// them without rest.open gave 0 msg/s and thousands of errors)
			t.Errorf("%s x%d: %d requests failed", r.name, r.instances, res.Errors)
		}
		lines = append(lines, line)
	}
	if out := os.Getenv("CAREERSBOT_SCALEOUT_FIGURES_OUT"); out != "" {
		os.WriteFile(out, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	}
}
