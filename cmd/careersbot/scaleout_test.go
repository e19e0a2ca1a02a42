package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/telegram/telegramtest"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/bot/natsbus/natstest"
	"github.com/careersbot/careersbot/bot/pgstore"
	"github.com/careersbot/careersbot/bot/pgstore/pgtest"
	"github.com/careersbot/careersbot/transcripts"
)

// cluster is several `careersbot serve` processes on one configuration.
type cluster struct {
	t    *testing.T
	bin  string
	cfg  string
	dir  string
	mu   sync.Mutex
	inst []*instance
}

type instance struct {
	n    int
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port; "" while down
	done chan struct{}
}

// scaleoutConfig is the configuration the scale-out tests share: PostgreSQL at dsn, NATS
// at natsURL, rate limits out of the way, warnings only, no SOC Volume 1.
func scaleoutConfig(dsn, natsURL string) string {
	return fmt.Sprintf(`storage:
  driver: postgres
  dsn: %q
  pool:
    max_conns: 8
    outbox_lease: 3s
bus:
  driver: nats
  url: %q
server:
  rate_limits:
    per_ip: {rate: 10000, burst: 10000}
    per_conversation: {rate: 10000, burst: 10000}
  shutdown_timeout: 5s
log:
  level: warn
lmi:
  soc_volume1: none
`, dsn, natsURL)
}

// newCluster writes cfg as dir/careersbot.yaml and returns n instances of bin on it, none
// started yet. When the test ends they are stopped, and if it failed the tail of each
// instance's log is shown.
func newCluster(t *testing.T, bin, dir string, n int, cfg string) *cluster {
	t.Helper()
	cfgPath := filepath.Join(dir, "careersbot.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, bin: bin, cfg: cfgPath, dir: dir, inst: make([]*instance, n)}
	t.Cleanup(func() {
		c.stopAll()
		if t.Failed() {
			for i := range c.inst {
				b, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("instance%d.log", i)))
				t.Logf("instance %d log (tail):\n%s", i, tail(string(b), 3000))
			}
		}
	})
	return c
}

// start starts instance i and waits until it is ready. It may run on any goroutine.
func (c *cluster) start(i int) error {
	logf, err := os.OpenFile(filepath.Join(c.dir, fmt.Sprintf("instance%d.log", i)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(c.bin, "serve", "--config", c.cfg, "--addr", "127.0.0.1:0", "--data-dir", c.dir)
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return err
	}
	inst := &instance{n: i, cmd: cmd, done: make(chan struct{})}
	addr := listening(out)
	go func() { cmd.Wait(); logf.Close(); close(inst.done) }()
	select {
	case inst.base = <-addr:
	case <-inst.done:
		return fmt.Errorf("instance %d exited at start (see %s)", i, logf.Name())
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		return fmt.Errorf("instance %d did not start", i)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		r, err := http.Get(inst.base + "/readyz")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			return fmt.Errorf("instance %d not ready", i)
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.mu.Lock()
	c.inst[i] = inst
	c.mu.Unlock()
	return nil
}

func (c *cluster) mustStart(i int) {
	c.t.Helper()
	if err := c.start(i); err != nil {
		c.t.Fatal(err)
	}
}

// kill SIGKILLs instance i: nothing is flushed, its connections drop.
func (c *cluster) kill(i int) {
	c.mu.Lock()
	inst := c.inst[i]
	c.inst[i] = nil
	c.mu.Unlock()
	if inst != nil {
		inst.cmd.Process.Signal(syscall.SIGKILL)
		<-inst.done
	}
}

func (c *cluster) stopAll() {
	for i := range c.inst {
		c.mu.Lock()
		inst := c.inst[i]
		c.inst[i] = nil
		c.mu.Unlock()
		if inst != nil {
			inst.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-inst.done:
			case <-time.After(20 * time.Second):
				inst.cmd.Process.Kill()
				<-inst.done
			}
		}
	}
}

// pick returns a live instance's base URL, preferring not avoid.
func (c *cluster) pick(avoid string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var live []string
	for _, in := range c.inst {
		if in != nil && in.base != avoid {
			live = append(live, in.base)
		}
	}
	if len(live) == 0 {
		for _, in := range c.inst {
			if in != nil {
				live = append(live, in.base)
			}
		}
	}
	if len(live) == 0 {
		return ""
	}
	return live[rand.IntN(len(live))]
}

func (c *cluster) base(i int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inst[i] == nil {
		return ""
	}
	return c.inst[i].base
}

// The questions the load asks: each answered by the engine in one Telegram message.
var scaleoutQuestions = []string{"hi", "what does a paramedic do?", "how much do electricians earn?", "thanks", "what jobs are there in Leeds?", "what does a nurse do?"}

// TestScaleOutKillAndNATSRestart runs three `careersbot serve` processes against one
// PostgreSQL and one NATS, with a fake Telegram delivering webhook updates to random
// instances (redelivering to another when one fails or at random after success), and
// SIGKILLs and restarts instances during the load. Then every acknowledged update has
// exactly one user event followed by its replies, sequence numbers are contiguous,
// Telegram got every reply exactly once, the state counted every turn, an adviser on
// one instance reaches a person delivered to another, and a web chat tab on one
// instance gets replies sent from another across a NATS restart.
func TestScaleOutKillAndNATSRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts several serve processes; skipped with -short")
	}
	dsn := pgtest.DSN(t)
	nats := natstest.Start(t)
	dir := t.TempDir()
	bin := buildCareersbot(t, dir)
	const token = "123456:scaleout"
	tg := telegramtest.NewServer(token)
	t.Cleanup(tg.Close) // after the instances stop
	const secret = "webhook-secret-for-the-test"
	c := newCluster(t, bin, dir, 3, scaleoutConfig(dsn, nats.URL())+fmt.Sprintf(`admin:
  token: admin-secret
channels:
  telegram:
    token: %q
    api_endpoint: %q
    webhook_url: https://careersbot.example/telegram/webhook
    webhook_secret: %q
    per_chat_interval: 1ms
`, token, tg.Endpoint(), secret))
	// Three at once: they migrate the empty database under one advisory lock.
	var wg sync.WaitGroup
	startErrs := make(chan error, len(c.inst))
	for i := range c.inst {
		wg.Add(1)
		go func() { defer wg.Done(); startErrs <- c.start(i) }()
	}
	wg.Wait()
	close(startErrs)
	for err := range startErrs {
		if err != nil {
			t.Fatal(err)
		}
	}

	convs, perConv := 200, 5
	if os.Getenv("CAREERSBOT_SCALEOUT_CONVS") != "" {
		fmt.Sscan(os.Getenv("CAREERSBOT_SCALEOUT_CONVS"), &convs)
	}
	var nextUpdate atomic.Int64
	post := func(ctx context.Context, base string, body []byte) error {
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/telegram/webhook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		r.Body.Close()
		if r.StatusCode != 200 {
			return fmt.Errorf("status %d", r.StatusCode)
		}
		return nil
	}
	// deliver is Telegram's webhook delivery: to some instance until one answers 200.
	var acked, redelivered atomic.Int64
	deliver := func(chat int64, text string) (int64, error) {
		id := nextUpdate.Add(1)
		body, _ := json.Marshal(map[string]any{"update_id": id, "message": map[string]any{
			"message_id": id, "date": time.Now().Unix(), "text": text,
			"chat": map[string]any{"id": chat, "type": "private"},
			"from": map[string]any{"id": chat, "is_bot": false, "first_name": "Sam"}}})
		last := ""
		deadline := time.Now().Add(90 * time.Second)
		for {
			base := c.pick(last)
			if base != "" {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				err := post(ctx, base, body)
				cancel()
				if err == nil {
					break
				}
				redelivered.Add(1)
			}
			if time.Now().After(deadline) {
				return id, fmt.Errorf("update %d never acknowledged", id)
			}
			last = base
			time.Sleep(30 * time.Millisecond)
		}
		acked.Add(1)
		// Now and then Telegram repeats an acknowledged update (its ack was lost):
		// to another instance, which must recognise it.
		if rand.IntN(8) == 0 {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			if base := c.pick(""); base != "" && post(ctx, base, body) == nil {
				redelivered.Add(1)
			}
			cancel()
		}
		return id, nil
	}

	// The killer: SIGKILL a random instance, restart it shortly after.
	stopKill := make(chan struct{})
	var kills atomic.Int64
	killDone := make(chan struct{})
	var killErr error
	go func() {
		defer close(killDone)
		for {
			select {
			case <-stopKill:
				return
			case <-time.After(time.Duration(300+rand.IntN(600)) * time.Millisecond):
			}
			i := rand.IntN(len(c.inst))
			c.kill(i)
			kills.Add(1)
			time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)
			if killErr = c.start(i); killErr != nil {
				return
			}
		}
	}()

	// NATS goes away for a while during the load (and instances restart meanwhile):
	// storage and answers carry on.
	natsDone := make(chan struct{})
	go func() {
		defer close(natsDone)
		time.Sleep(3 * time.Second)
		nats.Stop()
		time.Sleep(1500 * time.Millisecond)
		nats.Restart()
	}()

	type sent struct {
		chat   int64
		update int64
		text   string
	}
	var mu sync.Mutex
	var all []sent
	sem := make(chan struct{}, 24)
	errs := make(chan error, convs)
	start := time.Now()
	for k := 0; k < convs; k++ {
		wg.Add(1)
		go func(chat int64) {
			defer wg.Done()
			for m := 0; m < perConv; m++ {
				sem <- struct{}{}
				text := scaleoutQuestions[(int(chat)+m)%len(scaleoutQuestions)]
				id, err := deliver(chat, text)
				<-sem
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				all = append(all, sent{chat, id, text})
				mu.Unlock()
				// The person reads the reply and types the next message.
				time.Sleep(time.Duration(800+rand.IntN(1200)) * time.Millisecond)
			}
		}(int64(5000 + k))
	}
	wg.Wait()
	close(stopKill)
	<-killDone
	<-natsDone
	if killErr != nil {
		t.Fatalf("restarting an instance: %v", killErr)
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("load: %d updates acknowledged in %v, %d redeliveries, %d instances killed", acked.Load(), time.Since(start).Round(time.Millisecond), redelivered.Load(), kills.Load())
	for i := range c.inst {
		if c.base(i) == "" {
			c.mustStart(i)
		}
	}

	st, err := pgstore.Open(context.Background(), dsn, pgstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	waitOutbox := func() {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			n, err := st.OutboxDepth(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("outbox still holds %d items", n)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// adviser sends text to conversation key through the admin API of instance i.
	adviser := func(i int, key, text string) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"text": text})
		req, _ := http.NewRequest("POST", c.base(i)+"/v1/admin/conversations/"+key+"/messages", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer admin-secret")
		req.Header.Set("Content-Type", "application/json")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 {
			t.Fatalf("adviser message to %s: status %d", key, r.StatusCode)
		}
	}
	// An adviser on one instance writes to people whose updates other instances took.
	for k := 0; k < 10; k++ {
		adviser(k%3, fmt.Sprintf("telegram:%d", 5000+k), fmt.Sprintf("Adviser here, note %d", k))
	}
	waitOutbox()
	time.Sleep(200 * time.Millisecond)

	// Every acknowledged update: one delivery record, exactly one user event with its
	// text, followed by its replies.
	byChat := map[int64][]sent{}
	for _, s := range all {
		byChat[s.chat] = append(byChat[s.chat], s)
	}
	sentCalls := map[string][]string{}
	for _, call := range tg.Sent() {
		sentCalls[call.Params["chat_id"]] = append(sentCalls[call.Params["chat_id"]], call.Params["text"])
	}
	duplicates := 0
	for chat, msgs := range byChat {
		key := fmt.Sprintf("telegram:%d", chat)
		evs, err := st.EventsAfter(ctx, key, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range evs {
			if e.Seq != int64(i+1) {
				t.Fatalf("%s: seq %d at position %d: not contiguous", key, e.Seq, i)
			}
		}
		users := 0
		var replies []transcripts.Event
		for _, e := range evs {
			if e.Kind == transcripts.KindUser {
				users++
			} else {
				replies = append(replies, e)
			}
		}
		if users != len(msgs) {
			t.Fatalf("%s: %d user events for %d acknowledged updates", key, users, len(msgs))
		}
		for _, m := range msgs {
			d, ok, err := st.Delivered(ctx, "telegram", fmt.Sprint(m.update))
			if err != nil || !ok {
				t.Fatalf("update %d: no delivery record (%v)", m.update, err)
			}
			if d.Conversation != key || d.LastSeq <= d.FirstSeq {
				t.Fatalf("update %d: delivery %+v, want its user event and at least one reply in %s", m.update, d, key)
			}
			u := evs[d.FirstSeq-1]
			if u.Kind != transcripts.KindUser || u.Text != m.text {
				t.Fatalf("update %d: first event %+v, want the user's %q", m.update, u, m.text)
			}
			for _, e := range evs[d.FirstSeq:d.LastSeq] {
				if e.Kind == transcripts.KindUser {
					t.Fatalf("update %d: its events hold another user message", m.update)
				}
			}
		}
		// Telegram got each reply once, in order.
		got := sentCalls[fmt.Sprint(chat)]
		if len(got) < len(replies) {
			t.Fatalf("%s: Telegram got %d messages for %d replies", key, len(got), len(replies))
		}
		// A repeat can only be the same outbox item sent again at once (an instance
		// killed between Telegram taking it and recording it): collapsed, what Telegram
		// got is one message per reply. (The load never asks one question twice in a row,
		// so no two consecutive replies are the same.)
		collapsed := 0
		for i := range got {
			if i == 0 || got[i] != got[i-1] {
				collapsed++
			}
		}
		if collapsed != len(replies) {
			t.Fatalf("%s: %d replies, Telegram got %d distinct in a row: %q", key, len(replies), collapsed, got)
		}
		duplicates += len(got) - collapsed
		// Context kept: the engine's state counted every turn.
		conv, ok, err := st.Conversation(ctx, key)
		if err != nil || !ok {
			t.Fatalf("%s: no state (%v)", key, err)
		}
		if conv.Dialog.Turns != users {
			t.Fatalf("%s: state counts %d turns for %d messages (an update was lost)", key, conv.Dialog.Turns, users)
		}
	}
	for k := 0; k < 10; k++ {
		want := fmt.Sprintf("Adviser here, note %d", k)
		n := 0
		for _, text := range sentCalls[fmt.Sprint(5000+k)] {
			if strings.Contains(text, want) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("adviser note %d reached Telegram %d times, want once", k, n)
		}
	}
	// Telegram has no idempotency key, so a kill repeats the sends it caught in flight:
	// at most the 64 conversations an instance delivers to at once.
	t.Logf("telegram duplicates: %d after %d kills", duplicates, kills.Load())
	if duplicates > 64*int(kills.Load()) {
		t.Fatalf("%d replies sent twice after %d kills", duplicates, kills.Load())
	}

	// A web chat tab on instance 0; adviser messages sent through instances 1 and 2 reach
	// it through NATS, also across a NATS restart.
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	ws, _, err := webchattest.Dial(wctx, webchattest.WSURL(c.base(0)), c.base(0))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	const wid = "scaleouttab0001"
	if err := ws.Hello(wctx, wid, 0, 15); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ws.Until(wctx, func(f webchattest.Frame) bool { return f.Type == "ready" }); err != nil {
		t.Fatal(err)
	}
	await := func(text string) {
		t.Helper()
		if _, _, err := ws.Until(wctx, func(f webchattest.Frame) bool { return f.Type == "message" && f.Text == text }); err != nil {
			t.Fatalf("web chat tab on instance 0 never got %q: %v", text, err)
		}
	}
	adviser(1, "webchat:"+wid, "first live message")
	await("first live message")
	nats.Stop()
	adviser(2, "webchat:"+wid, "sent while NATS is down")
	if _, err := deliver(5000, "thanks"); err != nil { // storage carries on without NATS
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	nats.Restart()
	await("sent while NATS is down")
	adviser(1, "webchat:"+wid, "after the restart")
	await("after the restart")
	evs, _ := st.EventsAfter(ctx, "webchat:"+wid, 0, 0)
	if len(evs) != 3 {
		t.Fatalf("web chat transcript has %d events, want the 3 adviser messages", len(evs))
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
