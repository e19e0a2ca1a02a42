package pgstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/bot/pgstore"
	"github.com/careersbot/careersbot/bot/pgstore/pgtest"
	"github.com/careersbot/careersbot/dialog"
)

// The handoff side on SQLite and PostgreSQL in one run: claim latency, the cost of
// listing the advisers' desk, and (PostgreSQL) round trips per handoff transition.
//
//	CAREERSBOT_TEST_POSTGRES=... go test ./bot/pgstore -run '^$' -bench Handoff -benchtime 2s

type benchStore struct {
	name string
	open func(b *testing.B) bot.Storage
}

func benchStores() []benchStore {
	return []benchStore{
		{"sqlite", func(b *testing.B) bot.Storage {
			s, err := bot.OpenSQLiteStorage(context.Background(), filepath.Join(b.TempDir(), "c.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		}},
		{"postgres", func(b *testing.B) bot.Storage {
			s, err := pgstore.Open(context.Background(), pgtest.DSN(b), pgstore.Options{Migrate: true, MaxConns: 8})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		}},
	}
}

func trips(st bot.Storage) int64 {
	if rt, ok := st.(interface{ RoundTrips() int64 }); ok {
		return rt.RoundTrips()
	}
	return 0
}

// putState commits a conversation in a state, as a service's transition would.
func putState(b *testing.B, st bot.Storage, key string, edit func(c *bot.Conversation)) {
	ctx := context.Background()
	c, ok, err := st.Conversation(ctx, key)
	if err != nil {
		b.Fatal(err)
	}
	if !ok {
		c = bot.Conversation{Key: key, Channel: "test", State: bot.StateBot, Version: c.Version}
	}
	edit(&c)
	if err := st.Commit(ctx, &bot.Turn{Key: key, Channel: "test", Version: c.Version, Conversation: &c}); err != nil {
		b.Fatal(err)
	}
}

func benchService(b *testing.B, st bot.Storage) *bot.Service {
	svc := bot.New(st, handoffEngine{}, bot.Options{Check: func(string) *dialog.SafeguardingFlag { return nil },
		Handoff: bot.HandoffOptions{SweepEvery: time.Hour}})
	svc.Register(&recorder{sent: map[string]int{}})
	svc.Start()
	b.Cleanup(func() { svc.Close(context.Background()) })
	return svc
}

// BenchmarkHandoffClaim: one adviser's claim of a queued conversation (load, fence,
// commit the claim and the hello).
func BenchmarkHandoffClaim(b *testing.B) {
	for _, bs := range benchStores() {
		b.Run(bs.name, func(b *testing.B) {
			st := bs.open(b)
			svc := benchService(b, st)
			for i := range b.N {
				putState(b, st, fmt.Sprintf("test:claim%d", i), func(c *bot.Conversation) { c.State, c.QueuedAt = bot.StateQueued, time.Now() })
			}
			ctx := context.Background()
			before := trips(st)
			b.ResetTimer()
			for i := range b.N {
				if _, err := svc.Claim(ctx, fmt.Sprintf("test:claim%d", i), "ann", "Ann"); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if bs.name == "postgres" {
				b.ReportMetric(float64(trips(st)-before)/float64(b.N), "trips/claim")
			}
		})
	}
}

// BenchmarkHandoffQueueListing: listing the desk (what a restart and, on PostgreSQL,
// each instance's periodic resync read) among many conversations with the bot.
func BenchmarkHandoffQueueListing(b *testing.B) {
	const total, onDesk = 5000, 50
	for _, bs := range benchStores() {
		b.Run(fmt.Sprintf("%s/%d-of-%d", bs.name, onDesk, total), func(b *testing.B) {
			st := bs.open(b)
			hs := st.(bot.HandoffStore)
			for i := range total {
				putState(b, st, fmt.Sprintf("test:l%d", i), func(c *bot.Conversation) {
					c.Dialog.Turns = 3
					if i%(total/onDesk) == 0 {
						c.State, c.QueuedAt = bot.StateQueued, time.Now()
					}
				})
			}
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				convs, err := hs.HandoffConversations(ctx)
				if err != nil || len(convs) != onDesk {
					b.Fatalf("%d on the desk, %v", len(convs), err)
				}
			}
		})
	}
}

// BenchmarkHandoffCycle: a young person asks for an adviser (queued), the adviser
// claims, replies and resolves: four transitions an op. On PostgreSQL trips/transition
// counts every round trip in the meantime, the asynchronous ones too (the outbox
// delivering the messages, the desk following its own action events).
func BenchmarkHandoffCycle(b *testing.B) {
	for _, bs := range benchStores() {
		b.Run(bs.name, func(b *testing.B) {
			st := bs.open(b)
			svc := benchService(b, st)
			ctx := context.Background()
			before := trips(st)
			b.ResetTimer()
			for i := range b.N {
				conv := fmt.Sprint("cycle", i)
				key := "test:" + conv
				if res, err := svc.Process(ctx, bot.Message{ID: conv, Channel: "test", Conversation: conv, Text: "an adviser please"}); err != nil || res.State != bot.StateQueued {
					b.Fatalf("%+v %v", res, err)
				}
				if _, err := svc.Claim(ctx, key, "ann", "Ann"); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.Reply(ctx, key, "ann", "Hello, I'm Ann."); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.Resolve(ctx, key, "ann", "advice_given"); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if bs.name == "postgres" {
				time.Sleep(200 * time.Millisecond) // let the outbox and the desk finish
				b.ReportMetric(float64(trips(st)-before)/float64(4*b.N), "trips/transition")
			}
		})
	}
}
