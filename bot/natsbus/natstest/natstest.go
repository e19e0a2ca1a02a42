// Package natstest runs a real nats-server for tests, on a free loopback port, and can
// stop and restart it on the same port (to test reconnection). Tests skip with a clear
// message when no nats-server binary is on PATH (Debian: apt-get install nats-server).
package natstest

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Server is one nats-server process.
type Server struct {
	t    testing.TB
	bin  string
	port int
	mu   sync.Mutex
	cmd  *exec.Cmd
}

// Start starts a server for t; it is stopped when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		t.Skip("nats-server is not on PATH: skipping the NATS test (apt-get install nats-server)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{t: t, bin: bin, port: port}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// URL is the client URL.
func (s *Server) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.port) }

// Stop kills the server (SIGKILL: clients see the connection drop).
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// Restart starts the server again on the same port and waits until it is ready.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	for attempt := 0; attempt < 50; attempt++ {
		cmd := exec.Command(s.bin, "-a", "127.0.0.1", "-p", fmt.Sprint(s.port))
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test
		out, err := cmd.StderrPipe()
		if err != nil {
			s.t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			s.t.Fatalf("start nats-server: %v", err)
		}
		ready := make(chan bool, 1)
		go func() {
			sc := bufio.NewScanner(out)
			ok := false
			for sc.Scan() {
				if !ok && strings.Contains(sc.Text(), "Server is ready") {
					ok = true
					ready <- true
				}
			}
			if !ok {
				ready <- false
			}
		}()
		select {
		case ok := <-ready:
			if ok {
				s.cmd = cmd
				return
			}
		case <-time.After(10 * time.Second):
		}
		cmd.Process.Kill()
		cmd.Wait()
		time.Sleep(100 * time.Millisecond) // the port may still be closing
	}
	s.t.Fatalf("nats-server did not start on port %d", s.port)
}
