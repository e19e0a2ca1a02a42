package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

// bareMessages is the yardstick of `bench --compare-bare`: the REST route answered by
// a plain net/http handler with encoding/json and nothing else (no engine, no
// database), so careersbot's throughput can be read as a share of what net/http and
// the load generator alone reach on the same machine at the same moment.
func bareMessages(w http.ResponseWriter, r *http.Request) {
	var req bot.MessageRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(bot.MessageResponse{State: bot.StateBot, Replies: []bot.ReplyView{{
		Seq: 2, Text: "You said: " + req.Text, Sender: "bot",
		Buttons: []dialog.Button{}, Cards: []dialog.Card{}, Charts: []dialog.Chart{},
	}}})
}

// benchBare runs the benchmark's load against the bare handler on a loopback port of
// this process.
func benchBare(ctx context.Context, convs, msgs int, dur time.Duration) (benchResult, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return benchResult{}, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/conversations/{id}/messages", bareMessages)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	res := measuredRun(ctx, "http://"+ln.Addr().String(), convs, msgs, dur)
	srv.Close()
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return res, err
	}
	return res, nil
}
