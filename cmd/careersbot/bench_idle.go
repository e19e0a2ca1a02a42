package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// idleBenchOptions are the flags of `careersbot bench --ws N`.
type idleBenchOptions struct {
	addr   string // "in-process": a `careersbot serve` child process; else a running server
	conns  int
	hold   time.Duration
	serve  string // the executable to run as `careersbot serve` ("" = this one)
	asJSON bool
}

// idleResult is what `bench --ws` measured.
type idleResult struct {
	Wanted  int `json:"wanted"`
	Opened  int `json:"opened"`
	Refused int `json:"refused"`
	Failed  int `json:"failed"`
	// RefusedReason is the first refusal's close reason or HTTP status and body.
	RefusedReason string        `json:"refused_reason,omitempty"`
	FirstError    string        `json:"first_error,omitempty"`
	SourceAddrs   int           `json:"source_addresses"`
	OpenTime      time.Duration `json:"open_ns"`
	// The server process's figures (a child `careersbot serve` only).
	StartToReady time.Duration `json:"start_to_ready_ns,omitempty"`
	// StartCPU is the CPU time the server's threads used up to ready (from
	// /proc/PID/task/*/schedstat): unlike the wall clock, the machine's load moves it little.
	StartCPU time.Duration `json:"start_cpu_ns,omitempty"`
	IdleRSS  uint64        `json:"idle_rss_bytes,omitempty"`
	// IdleRSSFile is the part of IdleRSS mapped from files (the executable's own code
	// and read-only data, shared libraries); the rest is anonymous (heap, stacks).
	IdleRSSFile uint64 `json:"idle_rss_file_bytes,omitempty"`
	// SettledRSS is the RSS one second after ready, still with no traffic; PeakRSS
	// the highest RSS up to then (VmHWM).
	SettledRSS uint64 `json:"settled_rss_bytes,omitempty"`
	PeakRSS    uint64 `json:"peak_rss_bytes,omitempty"`
	// FirstTurn is the first message's round trip on a web chat socket right after
	// ready (hello, then a question naming a job and a place, until the bot's reply);
	// FirstTurnRSS is the server's RSS after it.
	FirstTurn     time.Duration `json:"first_turn_ns,omitempty"`
	FirstTurnRSS  uint64        `json:"first_turn_rss_bytes,omitempty"`
	RSS           uint64        `json:"rss_bytes,omitempty"`
	PerConnection float64       `json:"rss_per_connection_bytes,omitempty"`
	Readyz        string        `json:"readyz,omitempty"`
	// The server's goroutines (go_goroutines in /metrics) before and with the sockets.
	IdleGoroutines int    `json:"idle_goroutines,omitempty"`
	Goroutines     int    `json:"goroutines,omitempty"`
	NoFileLimit    uint64 `json:"client_nofile_limit"`
	Load           string `json:"load_average,omitempty"`
}

// runIdleBench opens many idle web chat sockets and measures what they cost the server.
// In process it starts `careersbot serve` as a child (so only the server's sockets count
// against its memory and file limit) and reads the child's RSS from /proc.
func runIdleBench(ctx context.Context, o idleBenchOptions, stdout, stderr io.Writer) error {
	// The child serve inherits the limit: try for fs.nr_open (needs CAP_SYS_RESOURCE).
	cur, hard, err := raiseHardFileLimit()
	if err != nil {
		fmt.Fprintf(stderr, "bench: open file limit stays %d (hard %d): raising the hard limit: %v\n", cur, hard, err)
	}
	res := idleResult{Wanted: o.conns, NoFileLimit: cur}
	base := o.addr
	pid := 0
	if base == "in-process" {
		child, err := startServeChild(ctx, o.serve, stderr)
		if err != nil {
			return err
		}
		defer child.stop()
		base, pid = child.base, child.cmd.Process.Pid
		res.StartToReady, res.StartCPU = child.ready, child.readyCPU
		res.IdleRSS, res.IdleRSSFile = procRSS(pid), procStatus(pid, "RssFile:")
		res.IdleGoroutines = goroutines(base)
		fmt.Fprintf(stderr, "bench: careersbot serve (pid %d) at %s, ready in %s\n", pid, base, child.ready.Round(time.Microsecond))
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
		}
		res.SettledRSS, res.PeakRSS = procRSS(pid), procStatus(pid, "VmHWM:")
		u, _ := url.Parse(base)
		if res.FirstTurn, err = firstTurn(ctx, u.Host); err != nil {
			fmt.Fprintf(stderr, "bench: first turn: %v\n", err)
		}
		res.FirstTurnRSS = procRSS(pid)
	} else if err := checkLoopback(base); err != nil {
		return usageError{err.Error()}
	}
	u, _ := url.Parse(base)
	conns, st := openIdleSockets(ctx, u.Host, o.conns)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	res.Opened, res.Refused, res.Failed = len(conns), st.refused, st.failed
	res.RefusedReason, res.FirstError, res.OpenTime, res.SourceAddrs = st.refusedReason, st.firstErr, st.elapsed, st.sources
	select {
	case <-time.After(o.hold):
	case <-ctx.Done():
	}
	res.Goroutines = goroutines(base)
	if pid != 0 {
		res.RSS = procRSS(pid)
		base := max(res.SettledRSS, res.FirstTurnRSS) // the sockets' share only
		if res.Opened > 0 && res.RSS > base {
			res.PerConnection = float64(res.RSS-base) / float64(res.Opened)
		}
	}
	if resp, err := http.Get(base + "/readyz"); err == nil {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		res.Readyz = resp.Status + " " + strings.TrimSpace(string(b))
	}
	res.Load = loadAverage()
	if o.asJSON {
		return writeJSON(stdout, res)
	}
	fmt.Fprintf(stdout, "idle web chats  %d opened of %d in %s from %d source addresses (refused %d, failed %d)\n",
		res.Opened, res.Wanted, res.OpenTime.Round(time.Millisecond), res.SourceAddrs, res.Refused, res.Failed)
	if res.RefusedReason != "" {
		fmt.Fprintf(stdout, "refused with    %s\n", res.RefusedReason)
	}
	if res.FirstError != "" {
		fmt.Fprintf(stdout, "first error     %s\n", res.FirstError)
	}
	if pid != 0 {
		fmt.Fprintf(stdout, "server          start to ready %s (%s of CPU), idle RSS %.1f MB (%.1f MB of it mapped from files)\n",
			ms(res.StartToReady), ms(res.StartCPU), float64(res.IdleRSS)/1e6, float64(res.IdleRSSFile)/1e6)
		fmt.Fprintf(stdout, "idle after 1 s  RSS %.1f MB (peak so far %.1f MB)\n", float64(res.SettledRSS)/1e6, float64(res.PeakRSS)/1e6)
		fmt.Fprintf(stdout, "first turn      %s, RSS after it %.1f MB\n", ms(res.FirstTurn), float64(res.FirstTurnRSS)/1e6)
		fmt.Fprintf(stdout, "server RSS      %.1f MB with the sockets open: %.1f KB per connection\n", float64(res.RSS)/1e6, res.PerConnection/1e3)
	}
	fmt.Fprintf(stdout, "goroutines      %d idle, %d with the sockets open\n", res.IdleGoroutines, res.Goroutines)
	fmt.Fprintf(stdout, "readyz          %s\n", res.Readyz)
	fmt.Fprintf(stdout, "load average    %s (client RLIMIT_NOFILE %d)\n", res.Load, res.NoFileLimit)
	return nil
}

// goroutines reads go_goroutines from the server's /metrics (0 when absent).
func goroutines(base string) int {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, _ := strconv.ParseFloat(v, 64)
			return int(n)
		}
	}
	return 0
}

type serveChild struct {
	cmd      *exec.Cmd
	base     string
	ready    time.Duration
	readyCPU time.Duration
	dir      string
}

// startServeChild runs exe (this executable when "") as `careersbot serve` on a
// loopback port with a fresh data directory and waits until /readyz answers 200.
func startServeChild(ctx context.Context, exe string, stderr io.Writer) (*serveChild, error) {
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, err
		}
	}
	dir, err := os.MkdirTemp("", "careersbot-bench-ws")
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, "serve", "--addr", "127.0.0.1:0", "--data-dir", dir)
	cmd.Env = append(os.Environ(), "CAREERSBOT_LOG_LEVEL=warn")
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &serveChild{cmd: cmd, dir: dir}
	line, err := bufio.NewReader(out).ReadString('\n')
	const prefix = "careersbot listening on "
	if err != nil || !strings.HasPrefix(line, prefix) {
		c.stop()
		return nil, fmt.Errorf("bench: careersbot serve did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, out)
	c.base = strings.Replace(strings.TrimSpace(strings.TrimPrefix(line, prefix)), "localhost", "127.0.0.1", 1)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(c.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(t0) > 30*time.Second {
			c.stop()
			return nil, fmt.Errorf("bench: careersbot serve not ready after 30s: %v", err)
		}
		time.Sleep(500 * time.Microsecond)
	}
	c.ready = time.Since(t0)
	c.readyCPU = schedCPU(cmd.Process.Pid)
	return c, nil
}

func (c *serveChild) stop() {
	if c.cmd.Process != nil {
		c.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { c.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			c.cmd.Process.Kill()
			<-done
		}
	}
	os.RemoveAll(c.dir)
}

// procRSS is a process's resident set size from /proc/PID/status (0 when unknown).
func procRSS(pid int) uint64 { return procStatus(pid, "VmRSS:") }

// procStatus reads one kB figure (VmRSS:, RssFile:, ...) from /proc/PID/status, in bytes.
func procStatus(pid int, field string) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// schedCPU is the CPU time all of a process's threads have used so far: the first
// field of each /proc/PID/task/TID/schedstat, in nanoseconds (0 when unknown). A
// thread that has already exited is not counted.
func schedCPU(pid int) time.Duration {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0
	}
	var total time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, t.Name()))
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) > 0 {
			ns, _ := strconv.ParseInt(f[0], 10, 64)
			total += time.Duration(ns)
		}
	}
	return total
}

// firstTurn opens a web chat socket, says hello and asks one question that needs the
// job-title search, the place index and an occupation's figures, and returns the time
// from sending it to the bot's reply.
func firstTurn(ctx context.Context, host string) (time.Duration, error) {
	conn, refusal, err := dialIdle(ctx, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, host, fmt.Sprintf("first_%x", time.Now().UnixNano()))
	if err != nil {
		return 0, err
	}
	if refusal != "" {
		return 0, errors.New(refusal)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(conn)
	t0 := time.Now()
	if err := writeClientFrame(conn, 1, []byte(`{"type":"message","id":"m1","age":16,"text":"how much do electricians earn in leeds"}`)); err != nil {
		return 0, err
	}
	for {
		op, payload, err := readServerFrame(br)
		if err != nil {
			return 0, fmt.Errorf("waiting for the reply: %w", err)
		}
		if op == 8 {
			return 0, errors.New("socket closed before the reply")
		}
		if op == 1 && strings.Contains(string(payload), `"type":"message"`) && strings.Contains(string(payload), `"sender":"bot"`) {
			return time.Since(t0), nil
		}
	}
}

type idleStats struct {
	refused, failed         int
	refusedReason, firstErr string
	elapsed                 time.Duration
	sources                 int
}

// openIdleSockets opens n web chat sockets to host (127.0.0.1:PORT), each from one of
// the loopback source addresses 127.0.0.2-127.0.0.254 in turn (so the ephemeral ports
// of one address are not the limit), says hello on a conversation of its own and waits
// for ready. The sockets are then left idle.
func openIdleSockets(ctx context.Context, host string, n int) ([]net.Conn, idleStats) {
	const sources = 253
	var (
		mu    sync.Mutex
		conns = make([]net.Conn, 0, n)
		st    = idleStats{sources: min(n, sources)}
		next  atomic.Int64
		wg    sync.WaitGroup
	)
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	start := time.Now()
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				src := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i%sources))}
				c, refusal, err := dialIdle(ctx, src, host, fmt.Sprintf("idle_%s_%d", run, i))
				mu.Lock()
				switch {
				case c != nil:
					conns = append(conns, c)
				case refusal != "":
					st.refused++
					if st.refusedReason == "" {
						st.refusedReason = refusal
					}
				default:
					st.failed++
					if st.firstErr == "" {
						st.firstErr = err.Error()
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	st.elapsed = time.Since(start)
	return conns, st
}

// dialIdle opens one socket with a minimal RFC 6455 client (no goroutine, no buffers
// kept), sends hello and reads frames until ready. refusal is the server's reason when
// it turned the socket down (an HTTP error status or a close frame).
func dialIdle(ctx context.Context, src *net.TCPAddr, host, conversation string) (c net.Conn, refusal string, err error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	d := net.Dialer{LocalAddr: src}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, "", err
	}
	defer func() {
		if c == nil {
			conn.Close()
		}
	}()
	dl, _ := ctx.Deadline()
	conn.SetDeadline(dl)
	var key [16]byte
	rand.Read(key[:])
	k := base64.StdEncoding.EncodeToString(key[:])
	fmt.Fprintf(conn, "GET /chat/ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", host, k)
	br := bufio.NewReaderSize(conn, 1024)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return nil, "", fmt.Errorf("upgrade: %w", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Sprintf("HTTP %s: %s", resp.Status, strings.TrimSpace(string(b))), nil
	}
	sum := sha1.Sum([]byte(k + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		return nil, "", errors.New("upgrade: bad Sec-WebSocket-Accept")
	}
	if err := writeClientFrame(conn, 1, []byte(`{"type":"hello","conversation":"`+conversation+`"}`)); err != nil {
		return nil, "", err
	}
	for {
		op, payload, err := readServerFrame(br)
		if err != nil {
			return nil, "", fmt.Errorf("waiting for ready: %w", err)
		}
		switch op {
		case 8: // close
			reason := "close frame"
			if len(payload) >= 2 {
				reason = fmt.Sprintf("close %d %q", binary.BigEndian.Uint16(payload), payload[2:])
			}
			return nil, reason, nil
		case 1:
			if strings.Contains(string(payload), `"type":"ready"`) {
				if br.Buffered() > 0 {
					return nil, "", errors.New("unexpected data after ready")
				}
				conn.SetDeadline(time.Time{})
				return conn, "", nil
			}
		}
	}
}

// writeClientFrame writes one masked, final frame.
func writeClientFrame(w io.Writer, op byte, payload []byte) error {
	hdr := []byte{0x80 | op, 0}
	switch n := len(payload); {
	case n < 126:
		hdr[1] = 0x80 | byte(n)
	case n < 1<<16:
		hdr[1] = 0x80 | 126
		hdr = binary.BigEndian.AppendUint16(hdr, uint16(n))
	default:
		hdr[1] = 0x80 | 127
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(n))
	}
	var mask [4]byte
	rand.Read(mask[:])
	hdr = append(hdr, mask[:]...)
	masked := make([]byte, len(payload))
	for i, b := range payload {
		masked[i] = b ^ mask[i%4]
	}
	_, err := w.Write(append(hdr, masked...))
	return err
}

// readServerFrame reads one unmasked frame (the server sends final frames only).
func readServerFrame(r *bufio.Reader) (op byte, payload []byte, err error) {
	var h [2]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, nil, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, nil, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if h[1]&0x80 != 0 || n > 1<<20 {
		return 0, nil, errors.New("bad frame from server")
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, err
	}
	return h[0] & 0x0f, payload, nil
}
