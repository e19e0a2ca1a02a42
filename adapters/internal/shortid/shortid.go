// Package shortid fits quick-reply values into platforms' short button id fields
// (Telegram's 64-byte callback_data, Discord's 100-character custom_id): a value that is
// too long is sent as a hash and mapped back when the button is pressed.
package shortid

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
)

// maxRemembered bounds the table: past it, it starts afresh (old long buttons then
// come back as their hash, which the engine reads as unknown text).
const maxRemembered = 10000

const prefix = "h:"

// Table maps hashed ids back to the values they stand for. Safe for concurrent use;
// the zero value is ready to use.
type Table struct {
	mu  sync.Mutex
	ids map[string]string // "h:" + hash -> value
}

// ID returns v itself when it fits in max bytes, else a short id ("h:" and 32 hex
// digits) remembered so Value can map it back.
func (t *Table) ID(v string, max int) string {
	if len(v) <= max {
		return v
	}
	sum := sha256.Sum256([]byte(v))
	id := prefix + hex.EncodeToString(sum[:16])
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ids == nil || len(t.ids) > maxRemembered {
		t.ids = map[string]string{}
	}
	t.ids[id] = v
	return id
}

// Value returns the value an id stands for: the remembered value of a hashed id, or
// the id itself.
func (t *Table) Value(id string) string {
	if !strings.HasPrefix(id, prefix) {
		return id
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.ids[id]; ok {
		return v
	}
	return id
}
