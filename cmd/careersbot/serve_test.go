package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/internal/syncbuf"
)

type serveProc struct {
	cmd    *exec.Cmd
	base   string
	stderr *syncbuf.Buffer
	done   chan error
}

// startServe runs `careersbot serve` on a free loopback port with dataDir.
func startServe(t *testing.T, bin, dataDir string, extraEnv ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	cmd.Env = append(os.Environ(), "CAREERSBOT_SOC_VOLUME1=none", "CAREERSBOT_LOG_FORMAT=json", "CAREERSBOT_CONFIG=", "CAREERSBOT_REST_OPEN=true")
	cmd.Env = append(cmd.Env, extraEnv...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, stderr: &syncbuf.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.done
		}
	})
	lines := listening(stdout)
	go func() { p.done <- cmd.Wait() }()
	select {
	case p.base = <-lines:
	case err := <-p.done:
		p.done <- err
		t.Fatalf("serve exited: %v\n%s", err, p.logs())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start\n%s", p.logs())
	}
	return p
}

func (p *serveProc) logs() string { return p.stderr.String() }

func (p *serveProc) post(t *testing.T, conv, text string, header ...string) bot.MessageResponse {
	t.Helper()
	body, _ := json.Marshal(bot.MessageRequest{Text: text})
	req, _ := http.NewRequest("POST", p.base+"/v1/conversations/"+conv+"/messages", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("POST %q: %d %s", text, resp.StatusCode, b)
	}
	var r bot.MessageResponse
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func (p *serveProc) events(t *testing.T, conv string) []bot.EventView {
	t.Helper()
	resp, err := http.Get(p.base + "/v1/conversations/" + conv + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r bot.EventsResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r.Events
}

func TestServeSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	bin := buildCareersbot(t, t.TempDir())
	data := t.TempDir()
	p := startServe(t, bin, data)
	r := p.post(t, "restart-1", "what does an electrician do?")
	if len(r.Replies) == 0 || !strings.Contains(strings.ToLower(r.Replies[0].Text), "electric") {
		t.Fatalf("first reply: %+v", r)
	}
	p.post(t, "restart-1", "hello", "Idempotency-Key", "k1")
	before := p.events(t, "restart-1")

	// Kill it hard mid-conversation: no shutdown, no flush.
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done

	p = startServe(t, bin, data)
	after := p.events(t, "restart-1")
	if len(after) != len(before) {
		t.Fatalf("transcript after restart has %d events, want %d", len(after), len(before))
	}
	for i := range before {
		if after[i].Seq != before[i].Seq || after[i].Text != before[i].Text || after[i].Kind != before[i].Kind {
			t.Errorf("event %d changed: %+v -> %+v", i, before[i], after[i])
		}
	}
	// The retried delivery is answered from the dedup record, not again.
	if d := p.post(t, "restart-1", "hello", "Idempotency-Key", "k1"); !d.Duplicate {
		t.Errorf("retry after restart not deduplicated: %+v", d)
	}
	// The follow-up resolves from the persisted state.
	r = p.post(t, "restart-1", "how much do they earn?")
	if len(r.Replies) == 0 || !strings.Contains(r.Replies[0].Text, "£") {
		t.Fatalf("follow-up after restart: %+v", r)
	}
	evs := p.events(t, "restart-1")
	last := evs[len(evs)-2]
	if last.Kind != "user" || last.Intent != "pay" || last.Seq != before[len(before)-1].Seq+1 {
		t.Errorf("follow-up event %+v", last)
	}
	if !strings.Contains(evs[len(evs)-1].Text, "£") || len(evs[len(evs)-1].Sources) == 0 {
		t.Errorf("pay reply without figure or sources: %+v", evs[len(evs)-1])
	}

	// SIGTERM shuts down cleanly.
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM\n%s", err, p.logs())
		}
	case <-time.After(20 * time.Second):
		t.Error("serve did not stop after SIGTERM")
	}
}

func TestServeRejectsBadConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	bin := buildCareersbot(t, t.TempDir())
	cmd := exec.Command(bin, "serve", "--config", filepath.Join("testdata", "config", "unknown_key.yaml"))
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), `unknown_key.yaml:3:3: unknown setting "allowed_orgins"`) {
		t.Errorf("bad config: %v\n%s", err, out)
	}
}
