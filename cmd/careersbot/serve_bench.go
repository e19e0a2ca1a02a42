package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/transcripts"
)

// benchScript is what each simulated conversation says, in turn, round and round.
var benchScript = []string{
	"what does an electrician do?",
	"how much do they earn?",
	"how do I become a nurse?",
	"what are the hours like?",
	"I'm 15 and I like animals, what jobs could I do?",
	"what pays best in Leeds?",
	"thanks",
}

type benchResult struct {
	Messages  int           `json:"messages"`
	Errors    int           `json:"errors"`
	Elapsed   time.Duration `json:"elapsed_ns"`
	PerSecond float64       `json:"messages_per_second"`
	P50       time.Duration `json:"p50_ns"`
	P95       time.Duration `json:"p95_ns"`
	P99       time.Duration `json:"p99_ns"`
	Max       time.Duration `json:"max_ns"`
	// CPUPerMessage is this process's CPU time (user+system) per message: with the
	// in-process server it covers server, engine, database and load generator.
	CPUPerMessage time.Duration `json:"cpu_per_message_ns"`
	// AllocsPerMessage is this process's heap allocations per message (same scope as
	// CPUPerMessage).
	AllocsPerMessage float64 `json:"allocs_per_message"`
	// AllocBytesPerMessage is the heap bytes allocated per message (same scope): with
	// the live heap, what sets how often the collector runs.
	AllocBytesPerMessage float64 `json:"alloc_bytes_per_message"`
	FirstError           string  `json:"first_error,omitempty"`
	// Bare is the same load against a bare net/http JSON handler in the same run
	// (--compare-bare), and BareRatio this run's throughput over the bare one's.
	Bare      *benchResult `json:"bare,omitempty"`
	BareRatio float64      `json:"bare_ratio,omitempty"`
	// Load is the machine's load average at the end of the run.
	Load string `json:"load_average,omitempty"`
	// Writer is the in-process SQLite store's group commit over the run: transactions
	// committed and the write requests they carried.
	Writer *transcripts.WriterStats `json:"sqlite_writer,omitempty"`
}

func runBench(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "in-process", "base URL of a running careersbot on this machine (loopback only; several instances: comma separated, each message goes to the next), or in-process")
	convs := fs.Int("conversations", 64, "conversations talking at once")
	msgs := fs.Int("messages", 200, "messages per conversation (at most)")
	dur := fs.Duration("duration", 20*time.Second, "stop after this long (at most)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	engine := fs.String("engine", "real", "in-process only: real (the dialogue engine) or echo (a trivial responder, to measure the service alone)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run (in-process server and load) to this file")
	memProfile := fs.String("memprofile", "", "write an allocation profile of the whole run (in-process server and load) to this file")
	synchronous := fs.String("synchronous", "normal", "in-process only: SQLite's synchronous setting, normal or full (one fsync per group commit)")
	compareBare := fs.Bool("compare-bare", false, "first run the same load against a bare net/http JSON handler in this process and print careersbot's share of its throughput")
	ws := fs.Int("ws", 0, "instead of REST load, open this many idle web chat connections (hello, ready, then idle) from 127.0.0.x source addresses and report the server's memory per connection")
	wsHold := fs.Duration("ws-hold", 2*time.Second, "with --ws: how long the connections stay open after the last one is ready, before measuring")
	warmup := fs.Int("warmup", len(benchScript), "messages one conversation sends before the measured run (0: none), so indexes the engine builds on first use and the server's first connections are not counted against the run")
	wsServe := fs.String("ws-serve", "", "with --ws: the careersbot executable to start as the server (default this one), to compare builds with the same measurement")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *convs < 1 || *convs > 10000 || *msgs < 1 || *dur <= 0 || *dur > 10*time.Minute || *warmup < 0 {
		return usageError{"bench: --conversations 1-10000, --messages 1 or more, --duration up to 10m, --warmup 0 or more"}
	}
	if *ws > 0 {
		return runIdleBench(ctx, idleBenchOptions{addr: *addr, conns: *ws, hold: *wsHold, serve: *wsServe, asJSON: *asJSON}, stdout, stderr)
	}
	if *memProfile != "" {
		runtime.MemProfileRate = 64 << 10
		defer func() {
			f, err := os.Create(*memProfile)
			if err != nil {
				fmt.Fprintf(stderr, "bench: %v\n", err)
				return
			}
			defer f.Close()
			// The profile is as of the last completed collection: with the engine's data
			// loaded a short run may not have had one.
			runtime.GC()
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				fmt.Fprintf(stderr, "bench: allocation profile: %v\n", err)
			}
		}()
	}
	var bare *benchResult
	if *compareBare {
		r, err := benchBare(ctx, *convs, *msgs, *dur)
		if err != nil {
			return err
		}
		bare = &r
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	base := *addr
	var srv *server
	if base == "in-process" {
		dir, err := os.MkdirTemp("", "careersbot-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg := defaultServeConfig()
		cfg.DataDir = dir
		cfg.LMI.SocVolume1 = "none"
		cfg.Server.MaxQueue = 1024
		cfg.REST.Open = true // the load generator is the only client
		cfg.Storage.Synchronous = *synchronous
		if err := cfg.finish(); err != nil {
			return err
		}
		log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		tw := serverTweaks{noRateLimits: true, noChannels: true}
		switch *engine {
		case "real":
		case "echo":
			tw.responder = echoResponder{}
		default:
			return usageError{"bench: --engine real or echo"}
		}
		s, err := newServer(ctx, cfg, func(string) string { return "" }, log, stderr, tw)
		if err != nil {
			return err
		}
		srv = s
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.closeStorage()
			return err
		}
		sctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- s.run(sctx, ln) }()
		defer func() { stop(); <-done }()
		base = "http://" + ln.Addr().String()
		fmt.Fprintf(stderr, "bench: in-process server at %s, database in %s\n", base, dir)
	} else if *engine != "real" {
		return usageError{"bench: --engine applies to the in-process server only"}
	} else {
		for _, b := range strings.Split(base, ",") {
			if err := checkLoopback(b); err != nil {
				return usageError{err.Error()}
			}
		}
	}
	if err := benchWarmup(ctx, base, *warmup); err != nil {
		// the run itself counts and reports its errors
		fmt.Fprintf(stderr, "bench: warm-up: %v (measuring anyway)\n", err)
	}
	var ws0 transcripts.WriterStats
	writerStats := func() (transcripts.WriterStats, bool) { return transcripts.WriterStats{}, false }
	if srv != nil {
		if st, ok := srv.store.(interface {
			WriterStats() transcripts.WriterStats
		}); ok {
			writerStats = func() (transcripts.WriterStats, bool) { return st.WriterStats(), true }
		}
		ws0, _ = writerStats()
	}
	res := measuredRun(ctx, base, *convs, *msgs, *dur)
	if ws1, ok := writerStats(); ok {
		res.Writer = &transcripts.WriterStats{Transactions: ws1.Transactions - ws0.Transactions, Requests: ws1.Requests - ws0.Requests}
	}
	if bare != nil && bare.PerSecond > 0 {
		res.Bare = bare
		res.BareRatio = res.PerSecond / bare.PerSecond
	}
	res.Load = loadAverage()
	if *asJSON {
		return writeJSON(stdout, res)
	}
	inProcess := *addr == "in-process"
	if bare != nil {
		printBench(stdout, "bare net/http JSON handler", *convs, *bare, true)
		fmt.Fprintln(stdout)
		printBench(stdout, "careersbot", *convs, res, inProcess)
		fmt.Fprintf(stdout, "ratio         %.3f of the bare handler's throughput\n", res.BareRatio)
	} else {
		printBench(stdout, "", *convs, res, inProcess)
	}
	if w := res.Writer; w != nil && w.Transactions > 0 {
		fmt.Fprintf(stdout, "sqlite writer %d transactions, %.1f writes each\n", w.Transactions, float64(w.Requests)/float64(w.Transactions))
	}
	if res.Load != "" {
		fmt.Fprintf(stdout, "load average  %s\n", res.Load)
	}
	return nil
}

// measuredRun is benchRun with this process's CPU time and heap allocations per message.
func measuredRun(ctx context.Context, base string, convs, msgs int, dur time.Duration) benchResult {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	cpu0 := processCPU()
	res := benchRun(ctx, base, convs, msgs, dur)
	cpu1 := processCPU()
	runtime.ReadMemStats(&m1)
	if res.Messages > 0 {
		res.CPUPerMessage = (cpu1 - cpu0) / time.Duration(res.Messages)
		res.AllocsPerMessage = float64(m1.Mallocs-m0.Mallocs) / float64(res.Messages)
		res.AllocBytesPerMessage = float64(m1.TotalAlloc-m0.TotalAlloc) / float64(res.Messages)
	}
	return res
}

func printBench(w io.Writer, title string, convs int, res benchResult, inProcess bool) {
	if title != "" {
		fmt.Fprintf(w, "%s\n", title)
	}
	fmt.Fprintf(w, "conversations %d, messages %d, errors %d, elapsed %s\n", convs, res.Messages, res.Errors, res.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "throughput    %.0f messages/s\n", res.PerSecond)
	fmt.Fprintf(w, "latency       p50 %s  p95 %s  p99 %s  max %s\n", ms(res.P50), ms(res.P95), ms(res.P99), ms(res.Max))
	fmt.Fprintf(w, "cpu/message   %s (this process: %s)\n", res.CPUPerMessage.Round(time.Microsecond), map[bool]string{true: "server and load generator", false: "load generator only"}[inProcess])
	fmt.Fprintf(w, "allocs/msg    %.0f, %.1f KB (same)\n", res.AllocsPerMessage, res.AllocBytesPerMessage/1024)
	if res.FirstError != "" {
		fmt.Fprintf(w, "first error   %s\n", res.FirstError)
	}
}

// loadAverage is /proc/loadavg's first three fields: benchmarks on a shared machine
// say how busy it was.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// checkLoopback refuses to load-test anything but this machine.
func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("bench: --addr %q: want http://127.0.0.1:PORT", base)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("bench: --addr %q: only loopback addresses (127.0.0.0/8, ::1, localhost) may be load-tested", base)
	}
	return nil
}

func benchRun(ctx context.Context, base string, convs, msgs int, dur time.Duration) benchResult {
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConns: convs, MaxIdleConnsPerHost: convs, IdleConnTimeout: time.Minute},
	}
	ctx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	bases := strings.Split(base, ",")
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	lat := make([][]time.Duration, convs)
	var errs atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	bodies := make([][]byte, len(benchScript))
	for i, text := range benchScript {
		bodies[i], _ = json.Marshal(bot.MessageRequest{Text: text})
	}
	for c := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Not msgs long: --messages 1000000 at 64 conversations would be 512 MB of
			// heap, which put the collector's goal past any run (no collection at all
			// while measuring, for careersbot and the bare handler alike).
			lat[c] = make([]time.Duration, 0, min(msgs, 1024))
			var answer []byte
			// Several instances: each message to the next, as a load balancer without
			// sticky sessions would spread them.
			urls := make([]string, len(bases))
			for b := range bases {
				urls[b] = fmt.Sprintf("%s/v1/conversations/bench-%s-%d/messages", bases[b], run, c)
			}
			for i := 0; i < msgs && ctx.Err() == nil; i++ {
				t0 := time.Now()
				err := benchPost(ctx, client, urls[(c+i)%len(urls)], bodies[(c+i)%len(bodies)], i%fullCheckEvery == 0, &answer)
				if ctx.Err() != nil {
					return // the run's time is up: this one does not count
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	res := benchResult{Messages: len(all), Errors: int(errs.Load()), Elapsed: elapsed}
	if v := firstErr.Load(); v != nil {
		res.FirstError = v.(string)
	}
	if len(all) > 0 {
		pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
		res.P50, res.P95, res.P99, res.Max = pct(0.50), pct(0.95), pct(0.99), all[len(all)-1]
		res.PerSecond = float64(len(all)) / elapsed.Seconds()
	}
	return res
}

// benchWarmup sends n messages of benchScript, one after the other, in a conversation
// of its own (to each instance of a comma-separated base in turn), before the measured
// run. The dialogue engine builds some indexes on first use (the place and unit indexes,
// the suggestion index: ~130 ms of CPU), which a server pays once, not per message;
// without a warm-up a 5 s run at 2,000 messages/s counted ~12 µs of it per message.
func benchWarmup(ctx context.Context, base string, n int) error {
	if n == 0 {
		return nil
	}
	client := &http.Client{Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	bases := strings.Split(base, ",")
	conv := fmt.Sprintf("bench-warmup-%x", time.Now().UnixNano())
	for i := range n {
		url := fmt.Sprintf("%s/v1/conversations/%s/messages", bases[i%len(bases)], conv)
		body, _ := json.Marshal(bot.MessageRequest{Text: benchScript[i%len(benchScript)]})
		var answer []byte
		if err := benchPost(ctx, client, url, body, true, &answer); err != nil {
			return err
		}
	}
	return nil
}

// fullCheckEvery: the load generator decodes every this-many-th answer of a
// conversation in full (the first included); the others are checked cheaply
// (replyPrefixSeq). Decoding every answer cost the load generator ~16 µs of a
// careersbot reply with cards and charts (~3 KB) against ~1 µs of the bare handler's,
// which is client work, not the server's.
const fullCheckEvery = 16

// benchPost sends one message and checks its answer, read into *buf (each simulated
// conversation keeps its own buffer: the load generator's io.ReadAll of a 2-4 KB answer
// was ~2.7 KB of garbage a message, collected in the same process as the server's).
func benchPost(ctx context.Context, client *http.Client, url string, body []byte, full bool, buf *[]byte) error {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := readInto(buf, resp.Body, resp.ContentLength)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(b))
	}
	return checkReplyBody(b, full)
}

// readInto reads r to its end into *buf (grown as needed) and returns the bytes read.
func readInto(buf *[]byte, r io.Reader, size int64) ([]byte, error) {
	b := (*buf)[:0]
	if size > 0 && int64(cap(b)) < size+1 {
		b = make([]byte, 0, size+1) // +1: the read that finds the end needs room
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			*buf = b
			return b, nil
		}
		if err != nil {
			*buf = b
			return b, err
		}
	}
}

// checkReplyBody checks an answer to a message: it must start with a numbered reply
// and, when full, be one valid JSON object with a numbered first reply (the cards and
// charts are not decoded into values: that would be the load generator's cost, and it
// is the same check for the bare handler).
func checkReplyBody(b []byte, full bool) error {
	if !full {
		if replyPrefixSeq(b) <= 0 {
			return fmt.Errorf("no numbered reply: %.80q", b)
		}
		return nil
	}
	var r struct {
		Replies []struct {
			Seq int64 `json:"seq"`
		} `json:"replies"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return err
	}
	if len(r.Replies) == 0 || r.Replies[0].Seq <= 0 {
		return errors.New("no reply")
	}
	return nil
}

// replyPrefixSeq is the first reply's seq of a body that begins as both careersbot and
// the bare handler begin theirs (`{"replies":[{"seq":N,`), or 0.
func replyPrefixSeq(b []byte) int64 {
	const prefix = `{"replies":[{"seq":`
	if !bytes.HasPrefix(b, []byte(prefix)) {
		return 0
	}
	var n int64
	i := len(prefix)
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9' && i < len(prefix)+18; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	if i == len(prefix) || i >= len(b) || b[i] != ',' {
		return 0
	}
	return n
}

// echoResponder answers every message with its text: the service without the engine.
type echoResponder struct{}

func (echoResponder) Respond(ctx context.Context, st dialog.State, in dialog.Input) (dialog.Reply, dialog.State, error) {
	st.Turns++
	return dialog.Reply{Intent: dialog.IntentUnknown, Depth: dialog.DepthTeen, Text: "You said: " + in.Text, Rule: "echo"}, st, nil
}

// processCPU is the CPU time this process has used (user + system).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
