package fakepeer

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestScript(t *testing.T) {
	type add struct {
		method string
		skip   int
		code   int
	}
	tests := []struct {
		name  string
		adds  []add
		calls []string
		want  []int // the code each call gets, 0 for none
	}{
		{"nothing scripted", nil, []string{"a", "a"}, []int{0, 0}},
		{"in order, once each", []add{{"a", 0, 429}, {"a", 0, 500}}, []string{"a", "a", "a"}, []int{429, 500, 0}},
		{"skip lets calls through first", []add{{"a", 2, 500}}, []string{"a", "a", "a", "a"}, []int{0, 0, 500, 0}},
		{"per method", []add{{"a", 0, 429}, {"b", 1, 500}}, []string{"b", "a", "b", "a"}, []int{0, 429, 500, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Script[int]
			for _, a := range tt.adds {
				s.Add(a.method, a.skip, a.code)
			}
			for i, m := range tt.calls {
				got, ok := s.Next(m)
				if ok != (tt.want[i] != 0) || got != tt.want[i] {
					t.Errorf("call %d of %s: %d %v, want %d", i, m, got, ok, tt.want[i])
				}
			}
		})
	}
}

func TestWait(t *testing.T) {
	tests := []struct {
		name    string
		poll    time.Duration
		signal  bool
		wantErr bool
	}{
		{"woken by a signal", 0, true, false},
		{"found by polling", 5 * time.Millisecond, false, false},
		{"neither: ctx ends", 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Changes
			var n atomic.Int64
			go func() {
				time.Sleep(20 * time.Millisecond)
				n.Store(3)
				if tt.signal {
					c.Signal()
				}
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			got, err := Wait(ctx, &c, tt.poll, "three", func() (int64, bool) { v := n.Load(); return v, v == 3 })
			if tt.wantErr {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("err %v, want the deadline", err)
				}
				return
			}
			if err != nil || got != 3 {
				t.Fatalf("%d %v", got, err)
			}
		})
	}
}

func TestDropAndWriteJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/drop" {
			Drop(w)
		}
		WriteJSON(w, 429, map[string]any{"ok": false})
	}))
	defer srv.Close()
	if _, err := http.Get(srv.URL + "/drop"); err == nil {
		t.Error("a dropped request got an answer")
	}
	r, err := http.Get(srv.URL + "/json")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 429 || r.Header.Get("Content-Type") != "application/json" || string(b) != "{\"ok\":false}\n" {
		t.Errorf("%d %q %q", r.StatusCode, r.Header.Get("Content-Type"), b)
	}
}
