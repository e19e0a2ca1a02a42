package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/console"
	"github.com/careersbot/careersbot/adapters/webchat"
	"github.com/careersbot/careersbot/adapters/webchat/webchattest"
	"github.com/careersbot/careersbot/bot"
)

// BenchmarkHandoffLatency: 200 young people on the web chat (WebSocket), each held by
// one of 10 advisers on the console (REST + server-sent events), all over loopback
// through the real service and SQLite. It reports the claim latency (POST claim ->
// 200), the relay young person -> console (message frame sent -> the event on the
// adviser's SSE stream) and console -> young person (POST reply -> the frame in the
// widget's socket), p50 and p99. Each iteration is one exchange both ways in every
// conversation at once.
func BenchmarkHandoffLatency(b *testing.B) {
	const convs, advisers = 200, 10
	r := newRig(b, false, func(co *console.Options, wo *webchat.Options) {
		wo.RatePerMinute = 1 << 30
		co.LoginLimit = bot.RateLimit{Rate: 1000, Burst: 1000}
	})
	ctx := context.Background()
	for i := range advisers {
		h, _ := console.HashPassword(fmt.Sprintf("adviser-%d-password", i))
		if err := r.store.AddAdviser(ctx, botAdviser(fmt.Sprint("adv", i)), h); err != nil {
			b.Fatal(err)
		}
	}
	clients := make([]*client, advisers)
	// Each adviser's stream: events routed to whoever waits for a token.
	var wmu sync.Mutex
	waiters := map[string]chan time.Time{}
	for i := range advisers {
		c := r.client()
		if got := c.login(fmt.Sprint("adv", i), fmt.Sprintf("adviser-%d-password", i)); got.status != 200 {
			b.Fatal(got.body)
		}
		clients[i] = c
		s := c.stream(b)
		go func() {
			for ev := range s.ch {
				if ev[0] != "event" {
					continue
				}
				var e struct {
					Kind, Text string
				}
				json.Unmarshal([]byte(ev[1]), &e)
				if e.Kind != "user" {
					continue
				}
				wmu.Lock()
				ch := waiters[e.Text]
				delete(waiters, e.Text)
				wmu.Unlock()
				if ch != nil {
					ch <- time.Now()
				}
			}
		}()
	}
	yps := make([]*webchattest.Session, convs)
	var wg sync.WaitGroup
	errs := make(chan error, convs)
	for i := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &webchattest.Session{URL: webchattest.WSURL(r.srv.URL), Conversation: fmt.Sprintf("bench-young-person-%03d", i)}
			if err := s.Connect(ctx); err != nil {
				errs <- err
				return
			}
			s.Say(ctx, fmt.Sprint("ask-", i), "can I talk to an adviser", "")
			if err := s.Read(ctx, func(f webchattest.Frame) bool { return strings.Contains(f.Text, "in the queue") }); err != nil {
				errs <- err
				return
			}
			yps[i] = s
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	defer func() {
		for _, s := range yps {
			s.Close()
		}
	}()
	// Claims: all at once, each adviser claiming its share.
	claim := make([]time.Duration, convs)
	for i := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			got := clients[i%advisers].do("POST", fmt.Sprintf("/v1/adviser/conversations/webchat:bench-young-person-%03d/claim", i), "")
			claim[i] = time.Since(t0)
			if got.status != 200 {
				b.Errorf("claim %d: %d %s", i, got.status, got.body)
			}
		}()
	}
	wg.Wait()
	var up, down []time.Duration
	var mu sync.Mutex
	b.ResetTimer()
	for n := 0; b.Loop(); n++ {
		for i := range convs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				yp := yps[i]
				token := fmt.Sprintf("question %d from %d", n, i)
				ch := make(chan time.Time, 1)
				wmu.Lock()
				waiters[token] = ch
				wmu.Unlock()
				t0 := time.Now()
				yp.Say(ctx, fmt.Sprintf("q%d-%d", n, i), token, "")
				var t1 time.Time
				select {
				case t1 = <-ch:
				case <-time.After(30 * time.Second):
					b.Errorf("conversation %d: the console never saw %q", i, token)
					return
				}
				answer := fmt.Sprintf("answer %d to %d", n, i)
				t2 := time.Now()
				body, _ := json.Marshal(map[string]string{"text": answer})
				if got := clients[i%advisers].do("POST", fmt.Sprintf("/v1/adviser/conversations/webchat:bench-young-person-%03d/reply", i), string(body)); got.status != 200 {
					b.Errorf("reply: %d %s", got.status, got.body)
					return
				}
				rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
				defer cancel()
				if err := yp.Read(rctx, func(f webchattest.Frame) bool { return f.Sender == "adviser" && f.Text == answer }); err != nil {
					b.Errorf("conversation %d: the widget never got the answer: %v", i, err)
					return
				}
				t3 := time.Now()
				mu.Lock()
				up = append(up, t1.Sub(t0))
				down = append(down, t3.Sub(t2))
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	b.StopTimer()
	report := func(name string, d []time.Duration) {
		if len(d) == 0 {
			return
		}
		slices.Sort(d)
		b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, name+"_p50_ms")
		b.ReportMetric(float64(d[min(len(d)-1, len(d)*99/100)].Microseconds())/1000, name+"_p99_ms")
	}
	report("claim", claim)
	report("yp_to_console", up)
	report("console_to_yp", down)
}

func botAdviser(name string) bot.Adviser {
	return bot.Adviser{Name: name, Display: name, Role: bot.RoleAdviser}
}
