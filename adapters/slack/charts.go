package slack

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
)

// chartCache keeps the most recent chart pictures for Slack to fetch. Names are the
// hash of the picture, so they cannot be guessed and the same chart is stored once.
// Charts carry public labour-market figures only, never anything about a person.
type chartCache struct {
	mu    sync.Mutex
	size  int
	order []string
	pics  map[string][]byte
}

func newChartCache(n int) *chartCache { return &chartCache{size: n, pics: map[string][]byte{}} }

func (c *chartCache) put(png []byte) string {
	sum := sha256.Sum256(png)
	name := hex.EncodeToString(sum[:16]) + ".png"
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.pics[name]; ok {
		return name
	}
	c.pics[name] = png
	c.order = append(c.order, name)
	if len(c.order) > c.size {
		delete(c.pics, c.order[0])
		c.order = c.order[1:]
	}
	return name
}

func (c *chartCache) get(name string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.pics[name]
	return p, ok
}

func (a *Adapter) serveChart(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	png, ok := a.charts.get(name)
	if !ok || strings.ContainsAny(name, "/\\") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(png)
}
