package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"maps"
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
//
// Advisers' presence is shared through the store too (PresenceStore): every
// presenceEvery, and at once when it changes, an instance writes the presence of the
// advisers whose consoles it serves, valid for three periods, and reads the others'.
// So "no adviser online" and the wait estimate count advisers on every instance, and an
// adviser whose console moved to another instance is not taken offline (their
// conversations handed back to the queue) by the instance they left.

// PresenceStore shares advisers' presence between instances (pgstore.Store).
type PresenceStore interface {
	// SharePresence replaces instance's presence rows with local (adviser -> online or
	// away), valid until until, and returns the best presence of each adviser on the
	// other instances whose rows are valid at now.
	SharePresence(ctx context.Context, instance string, local map[string]string, until, now time.Time) (others map[string]string, err error)
}

// presenceEvery is how often an instance shares its advisers' presence.
const presenceEvery = 2 * time.Second

// allPresenceLocked is this instance's presence merged with the others' (online
// beats away). The caller holds d.mu.
func (d *desk) allPresenceLocked() map[string]string {
	out := make(map[string]string, len(d.presence)+len(d.remote))
	for k, v := range d.remote {
		out[k] = v
	}
	for k, v := range d.presence {
		if out[k] != PresenceOnline {
			out[k] = v
		}
	}
	return out
}

// kickPresence asks for the presence to be shared now.
func (d *desk) kickPresence() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// sharePresence writes this instance's presence and reads the others'.
func (s *Service) sharePresence(ps PresenceStore, instance string, local map[string]string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	now := time.Now()
	others, err := ps.SharePresence(ctx, instance, local, now.Add(3*presenceEvery), now)
	if err != nil {
		return err
	}
	s.desk.mu.Lock()
	s.desk.remote = others
	s.desk.mu.Unlock()
	return nil
}

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
	ps, sharing := ds.(PresenceStore)
	var presence <-chan time.Time
	instance := ""
	if sharing {
		instance = randomInstanceID()
		pt := time.NewTicker(presenceEvery)
		defer pt.Stop()
		presence = pt.C
		defer s.sharePresence(ps, instance, nil) // leaving: this instance's rows go
	}
	for {
		select {
		case <-s.stop:
			return
		case <-presence:
			s.shareLocalPresence(ps, instance)
		case <-s.desk.kick:
			if sharing {
				s.shareLocalPresence(ps, instance)
			}
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

func (s *Service) shareLocalPresence(ps PresenceStore, instance string) {
	s.desk.mu.Lock()
	local := maps.Clone(s.desk.presence)
	s.desk.mu.Unlock()
	if err := s.sharePresence(ps, instance, local); err != nil {
		s.log.Warn("desk: sharing advisers' presence", "err", err)
	}
}

// randomInstanceID names this process's presence rows.
func randomInstanceID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
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
