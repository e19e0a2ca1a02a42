package lmi

import (
	"hash/maphash"
	"math/bits"
	"strings"
)

// phraseHash is an open-addressing hash index of the phrase keys, for the job-title
// scan's exact look-ups (a binary search of the sorted table compared some 16 keys a
// look-up). Slots hold a phrase id plus one (0: empty); the table is at most two
// thirds full, so a look-up compares one or two keys. firsts indexes the first words of the
// phrases of two or more words the same way (startsPhrase). It is built on first use,
// as the rest of the index is read when the scan first needs it: ~0.3 MB of int32s
// for the embedded snapshot.
type phraseHash struct {
	seed   maphash.Seed
	slots  []int32 // phrase key -> id+1
	firsts []int32 // first word of a multi-word phrase -> id+1 of its first phrase
	mask   uint64
	fmask  uint64
}

func tableSize(n int) int {
	if n < 4 {
		n = 4
	}
	return 1 << bits.Len(uint(n+n/2-1)) // at most two thirds full
}

func newPhraseHash(phrases []phrase) *phraseHash {
	h := &phraseHash{seed: maphash.MakeSeed()}
	h.slots = make([]int32, tableSize(len(phrases)))
	h.mask = uint64(len(h.slots) - 1)
	nFirst := 0
	for i := range phrases {
		// keys are sorted: a multi-word phrase whose first word differs from the
		// previous phrase's starts a new first word
		if f, ok := firstWord(phrases[i].key); ok && (i == 0 || !sameFirst(phrases[i-1].key, f)) {
			nFirst++
		}
	}
	h.firsts = make([]int32, tableSize(nFirst))
	h.fmask = uint64(len(h.firsts) - 1)
	for i := range phrases {
		k := phrases[i].key
		// the first of equal keys wins, as the binary search found it
		for s := maphash.String(h.seed, k) & h.mask; ; s = (s + 1) & h.mask {
			id := h.slots[s]
			if id == 0 {
				h.slots[s] = int32(i + 1)
				break
			}
			if phrases[id-1].key == k {
				break
			}
		}
		f, ok := firstWord(k)
		if !ok {
			continue
		}
		for s := maphash.String(h.seed, f) & h.fmask; ; s = (s + 1) & h.fmask {
			id := h.firsts[s]
			if id == 0 {
				h.firsts[s] = int32(i + 1)
				break
			}
			if sameFirst(phrases[id-1].key, f) {
				break
			}
		}
	}
	return h
}

// firstWord is the first word of a key of two or more words.
func firstWord(k string) (string, bool) {
	i := strings.IndexByte(k, ' ')
	if i < 0 {
		return "", false
	}
	return k[:i], true
}

// sameFirst reports whether key starts with the word w and a space.
func sameFirst(key, w string) bool {
	return len(key) > len(w) && key[len(w)] == ' ' && key[:len(w)] == w
}

// find is the id of the first phrase whose key is key.
func (h *phraseHash) find(phrases []phrase, key []byte) (int32, bool) {
	for s := maphash.Bytes(h.seed, key) & h.mask; ; s = (s + 1) & h.mask {
		id := h.slots[s]
		if id == 0 {
			return 0, false
		}
		if phrases[id-1].key == string(key) {
			return id - 1, true
		}
	}
}

// findString is find for a string key.
func (h *phraseHash) findString(phrases []phrase, key string) (int32, bool) {
	for s := maphash.String(h.seed, key) & h.mask; ; s = (s + 1) & h.mask {
		id := h.slots[s]
		if id == 0 {
			return 0, false
		}
		if phrases[id-1].key == key {
			return id - 1, true
		}
	}
}

// startsWith reports whether some phrase of two or more words has the first word w.
func (h *phraseHash) startsWith(phrases []phrase, w string) bool {
	for s := maphash.String(h.seed, w) & h.fmask; ; s = (s + 1) & h.fmask {
		id := h.firsts[s]
		if id == 0 {
			return false
		}
		if sameFirst(phrases[id-1].key, w) {
			return true
		}
	}
}

// hashed is the phrase hash index, built on first use.
func (idx *searchIndex) hashed() *phraseHash {
	idx.hashOnce.Do(func() { idx.hash = newPhraseHash(idx.phrases) })
	return idx.hash
}
