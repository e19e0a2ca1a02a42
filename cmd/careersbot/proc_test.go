package main

import (
	"bufio"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildCareersbot builds the careersbot binary into dir for the tests that run it as a
// process, and returns its path.
func buildCareersbot(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "careersbot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// listening reads a `careersbot serve` process's standard output to its end and sends
// the base URL of the line it prints once it listens ("careersbot listening on URL"),
// with localhost as 127.0.0.1.
func listening(stdout io.Reader) <-chan string {
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "careersbot listening on "); ok && !sent {
				base <- strings.Replace(u, "localhost", "127.0.0.1", 1)
				sent = true
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	return base
}

func TestListening(t *testing.T) {
	tests := []struct {
		name, out, want string
	}{
		{"after other lines", "starting\ncareersbot listening on http://localhost:8123\nmore\n", "http://127.0.0.1:8123"},
		{"the first of two", "careersbot listening on http://127.0.0.1:1\ncareersbot listening on http://127.0.0.1:2\n", "http://127.0.0.1:1"},
		{"never", "starting\nstopped\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			ch := listening(pr)
			go func() { io.WriteString(pw, tt.out); pw.Close() }()
			wait := 8 * time.Second
			if tt.want == "" {
				wait = 200 * time.Millisecond // for nothing to come
			}
			got := ""
			select {
			case got = <-ch:
			case <-time.After(wait):
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
