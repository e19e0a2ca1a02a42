package bot

import (
	"context"
	"errors"
	"sync"
	"time"
)

// deliverLoop sends outbox items through their adapters until Close. A conversation's
// items go one at a time in order; different conversations in parallel, so a slow
// platform never holds up another conversation or channel.
func (s *Service) deliverLoop() {
	defer s.bg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.stop
		cancel()
	}()
	d := &deliverer{s: s, inflight: map[string]bool{}, finished: map[string]uint64{}, sem: make(chan struct{}, maxDeliveries)}
	defer func() {
		cancel()
		d.wg.Wait()
	}()
	tick := time.NewTicker(s.opts.PollEvery)
	defer tick.Stop()
	for {
		if err := d.startDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("outbox", "err", err)
		}
		select {
		case <-s.stop:
			return
		case <-s.kick:
		case <-tick.C:
		}
	}
}

const (
	deliverBatch  = 512
	maxDeliveries = 64 // conversations being delivered at once
)

type deliverer struct {
	s        *Service
	mu       sync.Mutex
	inflight map[string]bool // conversations with a delivery running
	// version counts finished deliveries; finished says when each conversation's last
	// one finished, so a query that may predate its results is not trusted for it.
	version  uint64
	finished map[string]uint64
	sem      chan struct{}
	wg       sync.WaitGroup
}

// startDue starts a delivery for every conversation with due items and none running.
func (d *deliverer) startDue(ctx context.Context) error {
	d.mu.Lock()
	start := d.version
	d.mu.Unlock()
	items, err := d.s.store.DueOutbox(ctx, d.s.opts.Now(), deliverBatch)
	d.mu.Lock()
	// Deliveries that finished before the query began are in its results; forget them.
	for k, v := range d.finished {
		if v <= start {
			delete(d.finished, k)
		}
	}
	d.mu.Unlock()
	if err != nil || len(items) == 0 {
		return err
	}
	byConv := map[string][]OutboxItem{}
	var order []string
	var skipped []int64
	d.mu.Lock()
	for _, it := range items {
		k := it.Message.Key()
		if d.inflight[k] || d.finished[k] > start {
			// Running, or finished after the query's snapshot may have been taken (its
			// items may be sent already): next round.
			skipped = append(skipped, it.ID)
			continue
		}
		if _, ok := byConv[k]; !ok {
			order = append(order, k)
		}
		byConv[k] = append(byConv[k], it)
	}
	for _, k := range order {
		d.inflight[k] = true
	}
	d.mu.Unlock()
	d.release(ctx, skipped)
	for _, k := range order {
		select {
		case d.sem <- struct{}{}:
		case <-ctx.Done():
			d.mu.Lock()
			for _, k := range order {
				delete(d.inflight, k)
			}
			d.mu.Unlock()
			return nil
		}
		d.wg.Add(1)
		go d.conversation(ctx, k, byConv[k])
		order = order[1:]
	}
	return nil
}

// OutboxReleaser is an Outbox whose DueOutbox claims the items it returns (one shared
// by several instances): ReleaseOutbox gives back items this instance will not send now,
// so they are due again at once instead of after the claim's lease.
type OutboxReleaser interface {
	ReleaseOutbox(ctx context.Context, ids []int64) error
}

func (d *deliverer) release(ctx context.Context, ids []int64) {
	r, ok := d.s.store.(OutboxReleaser)
	if !ok || len(ids) == 0 {
		return
	}
	if err := r.ReleaseOutbox(context.WithoutCancel(ctx), ids); err != nil {
		d.s.log.Error("outbox release", "err", err)
	}
	// No kick: the delivery that made them wait kicks when it finishes.
}

// conversation delivers one conversation's due items in order, stopping at the first
// that fails (the rest wait for it), and records the results.
func (d *deliverer) conversation(ctx context.Context, key string, its []OutboxItem) {
	defer d.wg.Done()
	var results []OutboxResult
	for _, it := range its {
		r := d.s.deliver(ctx, it)
		results = append(results, r)
		if !r.Sent {
			break
		}
	}
	// Record results even when shutting down, so nothing sent is sent again.
	if err := d.s.store.MarkOutbox(context.WithoutCancel(ctx), results); err != nil {
		d.s.log.Error("outbox", "conversation", key, "err", err)
	}
	d.mu.Lock()
	delete(d.inflight, key)
	d.version++
	d.finished[key] = d.version
	d.mu.Unlock()
	<-d.sem
	d.s.Kick() // more may be waiting behind these (or skipped while this ran)
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
