package webchat_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
)

// TestIdleConnections measures what an idle widget costs the server: it opens N sockets
// (env CAREERSBOT_IDLE_CONNS, e.g. 20000), each after hello on its own conversation, and
// reports heap, goroutine stack and RSS per connection. Skipped unless the variable is
// set. The clients run in child processes (this test binary re-run as
// TestIdleClientHelper) so that only the server's file descriptors count against this
// process's RLIMIT_NOFILE, which is raised to its hard limit here.
func TestIdleConnections(t *testing.T) {
	want, _ := strconv.Atoi(os.Getenv("CAREERSBOT_IDLE_CONNS"))
	if want <= 0 {
		t.Skip("set CAREERSBOT_IDLE_CONNS=20000 to measure idle connections")
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	raised := lim
	raised.Cur = raised.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err != nil {
		t.Logf("raising RLIMIT_NOFILE: %v", err)
	}
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	n := want
	if max := int(lim.Cur) - 64; n > max {
		t.Logf("RLIMIT_NOFILE is %d (hard %d): measuring %d connections, not %d", lim.Cur, lim.Max, max, want)
		n = max
	}

	a, err := webchat.New(webchat.Options{IdleTimeout: time.Hour, MaxSocketsPerConversation: 4}, newMemStore())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Mount(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, &recorder{}) }()
	defer func() { cancel(); <-done }()

	before := measure()
	start := time.Now()
	const perChild = 8000
	var children []*exec.Cmd
	var stdins []io.WriteCloser
	for off := 0; off < n; off += perChild {
		count := min(perChild, n-off)
		cmd := exec.Command(os.Args[0], "-test.run=^TestIdleClientHelper$", "-test.v=false")
		cmd.Env = append(os.Environ(),
			"CAREERSBOT_IDLE_CLIENT="+fmt.Sprintf("%s,%d,%d", webchattest.WSURL("http://"+ln.Addr().String()), count, off))
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		children = append(children, cmd)
		stdins = append(stdins, in)
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || !strings.HasPrefix(line, "READY") {
			t.Fatalf("client process: %q, %v", line, err)
		}
	}
	defer func() {
		for i, c := range children {
			stdins[i].Close()
			c.Wait()
		}
	}()
	for a.Connections() < n {
		if time.Since(start) > 5*time.Minute {
			t.Fatalf("only %d of %d connections after 5 minutes", a.Connections(), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	opened := time.Since(start)
	after := measure()
	per := func(x, y uint64) float64 { return float64(int64(y)-int64(x)) / float64(n) }
	t.Logf("%d idle sockets opened in %v", n, opened.Round(time.Millisecond))
	t.Logf("per connection: heap %.0f B, goroutine stacks %.0f B, heap+stacks %.0f B, RSS %.0f B, goroutines %.2f",
		per(before.heap, after.heap), per(before.stack, after.stack),
		per(before.heap+before.stack, after.heap+after.stack), per(before.rss, after.rss),
		float64(after.goroutines-before.goroutines)/float64(n))
	t.Logf("server process total: heap+stacks %.1f MB, RSS %.1f MB, Go Sys %.1f MB",
		float64(after.heap+after.stack)/1e6, float64(after.rss)/1e6, float64(after.sys)/1e6)
	// The target: 100,000 idle chats in 1.5 GB, so at most 15 KB each; with the
	// epoll poller no goroutine per socket.
	if hs := per(before.heap+before.stack, after.heap+after.stack); hs > 15<<10 {
		t.Errorf("heap and stacks %.0f B per idle connection: over 15 KB", hs)
	}
	if g := float64(after.goroutines-before.goroutines) / float64(n); runtime.GOOS == "linux" && g > 0.05 {
		t.Errorf("%.2f goroutines per idle connection, want none (the poller watches them)", g)
	}
	if rss := after.rss; rss > 1<<30 {
		t.Errorf("RSS %d MB for %d connections: over 1 GB", rss>>20, n)
	}
}

type memFigures struct {
	heap, stack, rss, sys uint64
	goroutines            int
}

func measure() memFigures {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memFigures{heap: ms.HeapInuse, stack: ms.StackInuse, rss: rss(), sys: ms.Sys, goroutines: runtime.NumGoroutine()}
}

// rss reads VmRSS from /proc/self/status (Linux); 0 elsewhere.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// TestIdleClientHelper is the client side of TestIdleConnections, run in a child
// process: it opens the sockets, says hello on each, prints READY and waits for its
// standard input to close.
func TestIdleClientHelper(t *testing.T) {
	spec := os.Getenv("CAREERSBOT_IDLE_CLIENT")
	if spec == "" {
		t.Skip("the client half of TestIdleConnections")
	}
	parts := strings.Split(spec, ",")
	url := parts[0]
	count, _ := strconv.Atoi(parts[1])
	off, _ := strconv.Atoi(parts[2])
	var lim syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	lim.Cur = lim.Max
	syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)

	clients := make([]*webchattest.Client, count)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < count; i += 8 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				// From 127.0.0.2-254 in turn: one address's ephemeral ports are not enough.
				src := net.IPv4(127, 0, 0, byte(2+(off+i)%253))
				c, _, err := webchattest.DialFrom(ctx, url, "", src)
				if err == nil {
					err = c.Hello(ctx, fmt.Sprintf("idle_%010d", off+i), 0, 0)
				}
				if err == nil {
					_, _, err = c.Until(ctx, func(f webchattest.Frame) bool { return f.Type == "ready" })
				}
				cancel()
				if err != nil {
					errs <- fmt.Errorf("connection %d: %w", off+i, err)
					return
				}
				clients[i] = c
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	default:
	}
	fmt.Println("READY", count)
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}
