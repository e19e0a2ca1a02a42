package bot

import (
	"math"
	"sync"
	"time"
)

// RateLimit is a token bucket's shape: Rate tokens a second, up to Burst. A zero Rate
// means no limit.
type RateLimit struct {
	Rate  float64 `yaml:"rate" json:"rate"`
	Burst int     `yaml:"burst" json:"burst"`
}

// Limiter keeps one token bucket per key (an IP address, a conversation). Buckets idle
// long enough to be full again are forgotten. Safe for concurrent use.
type Limiter struct {
	limit RateLimit
	mu    sync.Mutex
	b     map[string]*bucket
	swept time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter returns a limiter; a zero rate allows everything.
func NewLimiter(l RateLimit) *Limiter {
	if l.Burst <= 0 {
		l.Burst = int(math.Max(1, math.Ceil(l.Rate)))
	}
	return &Limiter{limit: l, b: map[string]*bucket{}}
}

// Allow takes a token for key at now. When none is left it returns false and how long
// until one is.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil || l.limit.Rate <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	full := time.Duration(float64(l.limit.Burst) / l.limit.Rate * float64(time.Second))
	if now.Sub(l.swept) > full && len(l.b) > 1024 {
		for k, b := range l.b {
			if now.Sub(b.last) > full {
				delete(l.b, k)
			}
		}
		l.swept = now
	}
	b := l.b[key]
	if b == nil {
		b = &bucket{tokens: float64(l.limit.Burst), last: now}
		l.b[key] = b
	}
	b.tokens = math.Min(float64(l.limit.Burst), b.tokens+now.Sub(b.last).Seconds()*l.limit.Rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.limit.Rate * float64(time.Second))
	return false, wait
}
