package layered_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/dialog"
	"github.com/careersbot/careersbot/lmi"
	"github.com/careersbot/careersbot/lmi/layered"
	"github.com/careersbot/careersbot/lmi/lmiforall"
	"github.com/careersbot/careersbot/lmi/lmiforall/lmiforalltest"
)

// benchCodes are unit groups whose SOC 2010 group has bodies in the committed testdata
// or the recorded fixtures.
var benchCodes = []string{"5241", "2253", "4135", "2471", "8211", "9223", "2434", "1259"}

func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	slices.Sort(ds)
	return ds[len(ds)*50/100], ds[min(len(ds)-1, len(ds)*99/100)]
}

// BenchmarkLayeredOccupation measures an Occupation through the layered store (LMI for
// All first, the snapshot second) against the fake over loopback HTTP: uncached (the
// client's cache off, every call goes to the fake) and cached. It reports p50 and p99.
func BenchmarkLayeredOccupation(b *testing.B) {
	for _, tc := range []struct {
		name    string
		entries int
	}{{"uncached", -1}, {"cached", 4096}} {
		b.Run(tc.name, func(b *testing.B) {
			dirs := []string{"../lmiforall/testdata/bodies"}
			if d := lmiforalltest.SharedFixtures(b, 2); d != "" {
				dirs = append(dirs, d)
			}
			fake := lmiforalltest.New(b, dirs...)
			c, err := lmiforall.New(fake.URL, lmiforall.WithResilience(lmiforall.Resilience{CacheEntries: tc.entries}))
			if err != nil {
				b.Fatal(err)
			}
			emb, _ := lmi.LoadEmbedded()
			s, _ := layered.New(nil, layered.Layer{Name: "LMI for All", Store: lmiforall.NewStore(c, emb)}, layered.Layer{Name: "snapshot", Store: emb})
			ctx := context.Background()
			for _, code := range benchCodes { // warm the snapshot (and the cache, when on)
				if _, err := s.Occupation(ctx, code); err != nil {
					b.Fatal(err)
				}
			}
			ds := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := s.Occupation(ctx, benchCodes[i%len(benchCodes)]); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(t0))
			}
			b.StopTimer()
			p50, p99 := percentiles(ds)
			b.ReportMetric(float64(p50.Microseconds()), "p50-µs")
			b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
			b.ReportMetric(float64(fake.Requests())/float64(b.N+len(benchCodes)), "fake-requests/op")
		})
	}
}

// replayConversations sends the user turns of the conversation test files through
// the dialogue engine, a new engine per file (so the engine's own occupation cache
// does not hide repeats across conversations from the store) and a new conversation
// at each age: line. It returns how many replies came and how many were empty.
func replayConversations(t testing.TB, s lmi.Store) (replies, empty int) {
	files, _ := filepath.Glob("../../dialog/testdata/conversations/*.conv")
	if len(files) == 0 {
		t.Skip("no conversation files")
	}
	ctx := context.Background()
	for _, f := range files {
		eng, err := dialog.New(s, dialog.Options{})
		if err != nil {
			t.Fatal(err)
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		var st dialog.State
		age := 0
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if !ok {
				continue
			}
			v = strings.TrimSpace(v)
			switch k {
			case "age":
				age, _ = strconv.Atoi(v)
				st = dialog.State{}
			case "user":
				r, next, err := eng.Respond(ctx, st, dialog.Input{Text: v, Age: age})
				if err != nil {
					t.Fatalf("%s: %q: %v", f, v, err)
				}
				st = next
				replies++
				if strings.TrimSpace(r.Text) == "" {
					empty++
				}
			}
		}
		fh.Close()
	}
	return replies, empty
}

// TestCacheHitRateOverConversations replays the conversation set over the layered
// store, LMI for All first, and reports the client's cache hit rate; a second replay
// must then be answered from the cache alone.
func TestCacheHitRateOverConversations(t *testing.T) {
	f := setup(t)
	s := f.store(t, true)
	n, empty := replayConversations(t, s)
	if empty > 0 {
		t.Errorf("%d of %d replies empty", empty, n)
	}
	first := f.live.Client().Stats()
	calls := first.CacheHits + first.CacheMisses
	if calls == 0 {
		t.Fatal("the replay never asked LMI for All")
	}
	t.Logf("first replay: %d replies; LMI for All client: %d calls, %d cache hits (%.1f%%), %d requests to the fake",
		n, calls, first.CacheHits, float64(first.CacheHits)/float64(calls)*100, first.Requests)
	replayConversations(t, s)
	second := f.live.Client().Stats()
	calls2 := second.CacheHits + second.CacheMisses - calls
	t.Logf("second replay: %d calls, %d cache hits (%.1f%%), %d requests to the fake",
		calls2, second.CacheHits-first.CacheHits, float64(second.CacheHits-first.CacheHits)/float64(calls2)*100, second.Requests-first.Requests)
	if second.Requests != first.Requests {
		t.Errorf("the second replay went to the fake %d times; the cache should answer it all", second.Requests-first.Requests)
	}
}
