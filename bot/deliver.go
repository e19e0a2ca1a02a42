package bot

import (
	"context"
	"errors"
	"sync"
	"time"
)

// deliverLoop sends outbox items through their adapters until Close. A conversation's
// items go one at a time in order; different conversations in parallel.
func (s *Service) deliverLoop() {
	defer s.bg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-s.stop
		cancel()
	}()
	tick := time.NewTicker(s.opts.PollEvery)
	defer tick.Stop()
	for {
		more, err := s.deliverOnce(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("outbox", "err", err)
		}
		if more && err == nil {
			continue
		}
		select {
		case <-s.stop:
			return
		case <-s.kick:
		case <-tick.C:
		}
	}
}

const deliverBatch = 256

// deliverOnce tries every due item once. more says a full batch was found.
func (s *Service) deliverOnce(ctx context.Context) (more bool, err error) {
	items, err := s.store.DueOutbox(ctx, s.opts.Now(), deliverBatch)
	if err != nil || len(items) == 0 {
		return false, err
	}
	byConv := map[string][]OutboxItem{}
	var order []string
	for _, it := range items {
		k := it.Message.Key()
		if _, ok := byConv[k]; !ok {
			order = append(order, k)
		}
		byConv[k] = append(byConv[k], it)
	}
	var mu sync.Mutex
	var results []OutboxResult
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for _, k := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func(its []OutboxItem) {
			defer func() { <-sem; wg.Done() }()
			for _, it := range its {
				r := s.deliver(ctx, it)
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				if !r.Sent {
					return // later items of this conversation wait for this one
				}
			}
		}(byConv[k])
	}
	wg.Wait()
	// Record results even when shutting down, so nothing sent is sent again.
	if err := s.store.MarkOutbox(context.WithoutCancel(ctx), results); err != nil {
		return false, err
	}
	sent := 0
	for _, r := range results {
		if r.Sent {
			sent++
		}
	}
	return len(items) == deliverBatch && sent > 0, nil
}

func (s *Service) deliver(ctx context.Context, it OutboxItem) OutboxResult {
	r := OutboxResult{ID: it.ID, Attempts: it.Attempts + 1}
	ch := it.Message.Channel
	a := s.adapter(ch)
	if a == nil {
		// The channel is not running now (not configured this time): keep the item.
		r.Error = "no adapter for channel " + ch
		r.NextAt = s.opts.Now().Add(s.backoff(it.Attempts, 0))
		s.metrics.Sent.WithLabelValues(ch, "retry").Inc()
		return r
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := a.Send(sctx, it.Message)
	cancel()
	if err == nil {
		r.Sent = true
		s.metrics.Sent.WithLabelValues(ch, "sent").Inc()
		return r
	}
	r.Error = err.Error()
	var se *SendError
	if (errors.As(err, &se) && se.Retry) || ctx.Err() != nil {
		var after time.Duration
		if se != nil {
			after = se.After
		}
		r.NextAt = s.opts.Now().Add(s.backoff(it.Attempts, after))
		s.metrics.Sent.WithLabelValues(ch, "retry").Inc()
		s.log.Warn("send failed, will retry", "channel", ch, "conversation", it.Message.Key(), "attempt", r.Attempts, "next", r.NextAt, "err", err)
		return r
	}
	r.Failed = true
	s.metrics.Sent.WithLabelValues(ch, "failed").Inc()
	s.log.Error("send failed permanently", "channel", ch, "conversation", it.Message.Key(), "attempt", r.Attempts, "err", err)
	return r
}

// backoff is base*2^attempts capped at max, or the platform's wait when longer.
func (s *Service) backoff(attempts int, after time.Duration) time.Duration {
	d := s.opts.RetryBase
	for i := 0; i < attempts && d < s.opts.RetryMax; i++ {
		d *= 2
	}
	d = min(d, s.opts.RetryMax)
	return max(d, after)
}

// pruneLoop applies retention until Close.
func (s *Service) pruneLoop() {
	defer s.bg.Done()
	t := time.NewTicker(s.opts.PruneEvery)
	defer t.Stop()
	for {
		s.PruneNow(context.Background())
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// PruneNow applies retention once: old transcripts and state (when a retention is
// set) and old delivery records.
func (s *Service) PruneNow(ctx context.Context) {
	now := s.opts.Now()
	var cutoff time.Time // zero: keep transcripts for ever
	if s.opts.Retention > 0 {
		cutoff = now.Add(-s.opts.Retention)
	}
	n, err := s.store.Prune(ctx, cutoff, now.Add(-s.opts.DedupWindow))
	if err != nil {
		s.log.Error("retention", "err", err)
		return
	}
	if n > 0 {
		s.log.Info("retention deleted old events", "events", n, "older_than", s.opts.Retention)
	}
}
