package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOutOfFilesListener runs an HTTP server in a child process whose open-file limit is
// a few files above what it has open, then holds keep-alive connections to it: once its
// files are gone, new connections get a 503 saying why (and the log says so) instead of
// hanging in the accept backlog.
func TestOutOfFilesListener(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("needs /proc/self/fd to count open files")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOutOfFilesHelper$")
	cmd.Env = append(os.Environ(), "CAREERSBOT_OUT_OF_FILES_HELPER=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, _ := cmd.StdoutPipe()
	in, _ := cmd.StdinPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { in.Close(); cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "ADDR ")
	if err != nil || !ok {
		t.Fatalf("helper: %q %v\n%s", line, err, stderr.String())
	}
	var served, refused int
	var body string
	for i := 0; i < 40 && refused < 3; i++ {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close() // held open: it keeps its file in the server
		c.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("connection %d: %v (served %d, refused %d)", i, err, served, refused)
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		switch resp.StatusCode {
		case http.StatusOK:
			if refused > 0 {
				t.Errorf("connection %d served after a refusal with every file still held", i)
			}
			served++
		case http.StatusServiceUnavailable:
			refused++
			body = string(b)
		default:
			t.Fatalf("connection %d: %s", i, resp.Status)
		}
	}
	if served == 0 || refused < 3 {
		t.Fatalf("served %d, refused %d; want some of each", served, refused)
	}
	if !strings.Contains(body, "out of open files") {
		t.Errorf("refusal body %q", body)
	}
	in.Close()
	cmd.Wait()
	if !strings.Contains(stderr.String(), "out of open files: refusing new connections") {
		t.Errorf("not logged:\n%s", stderr.String())
	}
}

// TestOutOfFilesHelper is the server half of TestOutOfFilesListener.
func TestOutOfFilesHelper(t *testing.T) {
	if os.Getenv("CAREERSBOT_OUT_OF_FILES_HELPER") == "" {
		t.Skip("the server half of TestOutOfFilesListener")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	l := newOutOfFilesListener(ln, log)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}),
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go srv.Serve(l)
	fds, _ := os.ReadDir("/proc/self/fd")
	lim := syscall.Rlimit{Cur: uint64(len(fds) + 8), Max: uint64(len(fds) + 8)}
	var old syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old)
	lim.Max = old.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	fmt.Println("ADDR", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}
