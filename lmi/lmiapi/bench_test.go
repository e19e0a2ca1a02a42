package lmiapi

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

var benchPaths = []string{
	"/lmi/v1/occupations/5241/pay", "/lmi/v1/occupations?q=electrician", "/lmi/v1/occupations/2231",
	"/lmi/v1/occupations/6135/outlook?place=Leeds", "/lmi/v1/occupations/9223/adverts?place=LS6",
	"/api/v1/soc/search?q=plumber", "/api/v1/ashe/estimatePay?soc=5241", "/api/v1/soc/code/4135",
}

// BenchmarkV1Throughput serves a mix of /lmi/v1 and compatible routes over loopback
// HTTP from parallel clients (embedded store); req/s is the throughput.
func BenchmarkV1Throughput(b *testing.B) {
	srv := httptest.NewServer(newMux(b, Options{}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var i atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p := benchPaths[int(i.Add(1))%len(benchPaths)]
			resp, err := client.Get(srv.URL + p)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("%s: %d", p, resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkV1NotModified is the same mix answered 304 from If-None-Match.
func BenchmarkV1NotModified(b *testing.B) {
	mux := newMux(b, Options{})
	tags := map[string]string{}
	for _, p := range benchPaths {
		tags[p] = get(mux, p).Header().Get("ETag")
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var i atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p := benchPaths[int(i.Add(1))%len(benchPaths)]
			req, _ := http.NewRequest("GET", srv.URL+p, nil)
			req.Header.Set("If-None-Match", tags[p])
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotModified {
				b.Errorf("%s: %d", p, resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
