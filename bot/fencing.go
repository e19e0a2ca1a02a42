package bot

import (
	"errors"
)

// ErrConflict is what a storage shared by several instances returns from Commit when
// the conversation was changed (by another instance) since the turn's Version was
// loaded, or the turn's delivery was recorded meanwhile. Nothing of the turn was
// written; the service reloads the conversation and runs the message again.
var ErrConflict = errors.New("bot: conversation changed by another instance")

// maxConflictRetries bounds how often one job is run again after conflicts. Each retry
// follows a commit by someone else, so a conversation makes progress; the bound only
// stops a pathological loop.
const maxConflictRetries = 16

// runJob runs a job on its lane and, when another instance committed the same
// conversation first, reloads it and runs the job again: the dedup check sees a
// delivery that instance recorded, and the engine answers from the newest state.
func (s *Service) runJob(l *lane, j *job) (Result, error) {
	for attempt := 0; ; attempt++ {
		res, err := s.runJobOnce(l, j, attempt)
		if !errors.Is(err, ErrConflict) || attempt >= maxConflictRetries {
			return res, err
		}
		l.conv = nil
		s.metrics.Conflicts.Inc()
		s.log.Debug("conversation changed by another instance; running again", "conversation", l.key, "attempt", attempt+1)
	}
}

// SharedStorage is a Storage several instances use at once (PostgreSQL). The service
// then loads a conversation's state for every turn instead of trusting its lane's
// cache, which another instance may have made stale: one read instead of a refused
// commit and a second run of the engine. Commit still refuses a turn that raced.
type SharedStorage interface {
	Storage
	SharedByInstances()
}

func sharedByInstances(st Storage) bool {
	_, ok := st.(SharedStorage)
	return ok
}

// checkDeliveredFirst says whether a delivery's record is read before its turn runs. A
// shared storage refuses the commit of a delivery already recorded (ErrConflict), so
// there the first attempt saves the read (two round trips a message: load, commit) and
// a redelivery is recognised on the retry, at the cost of running the engine once for
// nothing.
func checkDeliveredFirst(st Storage, attempt int) bool {
	return attempt > 0 || !sharedByInstances(st)
}
