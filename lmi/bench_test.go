package lmi

import (
	"context"
	"runtime"
	"sort"
	"testing"
	"time"
)

// BenchmarkColdSearch measures what one CLI run pays: load the snapshot, build the
// title index and answer one query.
func BenchmarkColdSearch(b *testing.B) {
	for i := 0; i < b.N; i++ {
		st, err := LoadEmbedded()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.SearchOccupations(context.Background(), "electrician", 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadEmbedded measures opening the embedded snapshot and decoding the
// occupation table, and reports the heap it holds afterwards.
func BenchmarkLoadEmbedded(b *testing.B) {
	var st *Embedded
	for i := 0; i < b.N; i++ {
		var err error
		st, err = LoadEmbedded()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Occupation(context.Background(), "5241"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportHeap(b, func() *Embedded {
		s, _ := LoadEmbedded()
		s.Occupation(context.Background(), "5241")
		s.index()
		s.places()
		return s
	})
	_ = st
}

// BenchmarkPlaceIndex is the place index a service builds at start (the snapshot's
// place table decoded and indexed, on a fresh store each time).
func BenchmarkPlaceIndex(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		st, err := LoadEmbedded()
		if err != nil {
			b.Fatal(err)
		}
		if regs, err := st.Regions(context.Background()); err != nil || len(regs) == 0 {
			b.Fatal(regs, err)
		}
	}
	b.StopTimer()
	reportHeap(b, func() *Embedded {
		s, _ := LoadEmbedded()
		s.places()
		return s
	})
}

func reportHeap(b *testing.B, load func() *Embedded) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	st := load()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "heap-bytes")
	runtime.KeepAlive(st)
}

var benchQueries = []string{"electrician", "nurse", "software developer", "hgv driver", "enginner", "physiotherapy",
	"primary school teacher", "dog groomer", "senior marketing assistant", "nursery nurse", "data analyst", "chefs",
	"forklift driver", "quantity surveyor", "barista", "web designer", "care assistant", "electrican", "police officer", "sparky"}

// BenchmarkSearch times warm searches and reports p50/p99 latency per query.
func BenchmarkSearch(b *testing.B) {
	st, err := LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st.SearchOccupations(ctx, "warm up", 5)
	timeEach(b, benchQueries, func(q string) {
		if _, err := st.SearchOccupations(ctx, q, 5); err != nil {
			b.Fatal(err)
		}
	})
}

// timeEach calls f b.N times on inputs in turn (the timer reset first) and reports the
// p50 and p99 latency of one call.
func timeEach(b *testing.B, inputs []string, f func(string)) {
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := inputs[i%len(inputs)]
		t0 := time.Now()
		f(in)
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

var benchMessages = []string{"how much do nurses earn a year", "what a levels for physiotherapy", "which pays more solicitor or accountant",
	"are there any care jobs available", "i have no idea what career to choose", "will lorry drivers be replaced by self driving trucks",
	"how do i get into coding as a job", "what's the capital of france"}

// BenchmarkFindOccupations times scanning whole messages.
func BenchmarkFindOccupations(b *testing.B) {
	st, err := LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st.FindOccupations(ctx, "warm up")
	timeEach(b, benchMessages, func(m string) { st.FindOccupations(ctx, m) })
}

var benchPlaces = []string{"chef wages in scotland", "architect pay in manchester", "top paying jobs in nottingham", "jobs near M1 1AE",
	"best paid jobs in glasgow", "salary london", "how do i become a plumber", "i live in ls6", "roofer pay LS6", "jobs in birmingam", "jobs near pompey"}

// BenchmarkFindPlace times scanning whole messages for places.
func BenchmarkFindPlace(b *testing.B) {
	st, err := LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st.FindPlace(ctx, "warm up")
	timeEach(b, benchPlaces, func(m string) { st.FindPlace(ctx, m) })
}

var benchTypoWords = []string{"electrician", "plumber", "hairdresser", "paramedic", "receptionist", "veterinary", "accountant",
	"physiotherapist", "mechanic", "carpenter", "bricklayer", "solicitor", "architect", "pharmacist", "firefighter", "journalist"}

// BenchmarkFindOccupationsUnseen times messages whose misspelt words the store has
// never seen (no cached corrections): each iteration misspells a job name afresh.
func BenchmarkFindOccupationsUnseen(b *testing.B) {
	st, err := LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st.FindOccupations(ctx, "how much do electricans earn")
	msgs := make([]string, b.N)
	for i := range msgs {
		w := []byte(benchTypoWords[i%len(benchTypoWords)])
		// a different slip each time: change one letter, and add a made-up word
		p := 1 + (i/len(benchTypoWords))%(len(w)-1)
		w[p] = byte('a' + (i*7)%26)
		msgs[i] = "how much do " + string(w) + "s earn in " + string(rune('a'+i%26)) + string(rune('a'+(i/26)%26)) + "ville wibble" + string(rune('a'+(i/676)%26))
	}
	timeEach(b, msgs, func(m string) { st.FindOccupations(ctx, m) }) // msgs has b.N: each is new
}
