package bot

import (
	"context"
	"time"

	"github.com/careersbot/careersbot/transcripts"
)

// On a storage shared by several instances (PostgreSQL) each service's desk (the
// advisers' queue it shows its consoles and sweeps) must also hold the conversations
// other instances queued, claimed or handed back. Every handoff transition commits an
// action event, and the bus (NATS) carries every instance's events to every other: so
// an action event reloads that conversation's state into the desk. The bus is best
// effort (NATS may be down, a slow subscriber drops events), so every SweepEvery the
// whole desk is listed again from the store as well.

// deskSyncer is the store listing the desk (HandoffStore has it).
type deskSyncer interface {
	handoffLister
	StateStore
}

// syncDeskLoop follows the other instances' handoff transitions until Close.
func (s *Service) syncDeskLoop(ds deskSyncer) {
	defer s.bg.Done()
	events, cancel := s.bus.Subscribe("", 4096)
	defer cancel()
	tick := time.NewTicker(s.hopts.SweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			if e.Kind != transcripts.KindAction {
				continue
			}
			if err := s.reloadDesk(ds, e.Conversation); err != nil {
				s.log.Warn("desk: reloading a conversation another instance changed", "conversation", e.Conversation, "err", err)
			}
		case <-tick.C:
			if err := s.relistDesk(ds); err != nil {
				s.log.Warn("desk: listing the advisers' queue", "err", err)
			}
		}
	}
}

// reloadDesk reads one conversation's newest state into the desk.
func (s *Service) reloadDesk(ds deskSyncer, key string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, ok, err := ds.Conversation(ctx, key)
	if err != nil {
		return err
	}
	if !ok {
		s.desk.track(key, nil)
		return nil
	}
	s.desk.track(key, &c)
	return nil
}

// relistDesk replaces the desk with the store's listing. An entry this instance
// changed while the listing was read (a newer Updated) is kept as it is.
func (s *Service) relistDesk(ds deskSyncer) error {
	s.desk.mu.Lock()
	before := make(map[string]time.Time, len(s.desk.open))
	for k, c := range s.desk.open {
		before[k] = c.Updated
	}
	s.desk.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	convs, err := ds.HandoffConversations(ctx)
	if err != nil {
		return err
	}
	listed := make(map[string]bool, len(convs))
	for i := range convs {
		c := &convs[i]
		listed[c.Key] = true
		s.desk.mu.Lock()
		cur, had := s.desk.open[c.Key]
		s.desk.mu.Unlock()
		if had && cur.Updated.After(c.Updated) {
			continue
		}
		s.desk.track(c.Key, c)
	}
	var gone []string
	s.desk.mu.Lock()
	for k, c := range s.desk.open {
		if at, was := before[k]; was && !listed[k] && c.Updated.Equal(at) {
			gone = append(gone, k)
		}
	}
	s.desk.mu.Unlock()
	for _, k := range gone {
		s.desk.track(k, nil)
	}
	return nil
}

// startDeskSync starts following the other instances when the storage is shared.
func (s *Service) startDeskSync() {
	ds, ok := s.store.(deskSyncer)
	if !ok || !sharedByInstances(s.store) {
		return
	}
	s.bg.Add(1)
	go s.syncDeskLoop(ds)
}
