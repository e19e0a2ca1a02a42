package nlu

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// TestRowTable: the inference table finds every feature's row and nothing else, and
// Probs over it equals the sum over a map of the file's rows, for the committed models.
func TestRowTable(t *testing.T) {
	for _, path := range []string{"data/intents.model", "data/safeguarding.model"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := UnmarshalClassifier(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		index := fileRows(t, data)
		if c.Features() != len(index) {
			t.Fatalf("%s: %d features, the file has %d", path, c.Features(), len(index))
		}
		var feats []uint64
		for f, row := range index {
			if got := c.rows.get(f); got != row {
				t.Fatalf("%s: feature %x: row %d, want %d", path, f, got, row)
			}
			feats = append(feats, f)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < 10000; i++ {
			f := rng.Uint64()
			if _, ok := index[f]; !ok && c.rows.get(f) != -1 {
				t.Fatalf("%s: unknown feature %x found", path, f)
			}
		}
		// a message's worth of features, some unknown
		for i := 0; i+40 <= len(feats); i += 997 {
			msg := append(append([]uint64(nil), feats[i:i+40]...), rng.Uint64(), rng.Uint64())
			got := c.Probs(msg, nil)
			want := mapProbs(c, index, msg)
			for k := range want {
				if math.Abs(got[k]-want[k]) > 1e-12 {
					t.Fatalf("%s: class %d: %v, want %v", path, k, got[k], want[k])
				}
			}
		}
	}
	var empty rowTable
	if empty.get(7) != -1 {
		t.Error("empty table found a row")
	}
}

// fileRows reads a model file's feature hashes into a map (row i is the file's i-th
// feature), apart from UnmarshalClassifier.
func fileRows(t *testing.T, data []byte) map[uint64]int32 {
	t.Helper()
	le := binary.LittleEndian
	b := data[len(modelMagic):]
	str := func() { n := le.Uint32(b); b = b[4+n:] }
	str() // the data hash
	C := int(le.Uint32(b))
	b = b[4:]
	for range C {
		str()
	}
	b = b[4+2*C:] // scale, bias
	nf := int(le.Uint32(b))
	b = b[4:]
	if len(b) != nf*(8+2*C) {
		t.Fatalf("model file: %d bytes of rows, want %d", len(b), nf*(8+2*C))
	}
	index := make(map[uint64]int32, nf)
	for i := range nf {
		index[le.Uint64(b[i*(8+2*C):])] = int32(i)
	}
	return index
}

// mapProbs is Probs over the index map (the reference).
func mapProbs(c *Classifier, index map[uint64]int32, feats []uint64) []float64 {
	C := len(c.Classes)
	p := make([]float64, C)
	for k := range p {
		p[k] = float64(c.bias[k])
	}
	for _, f := range feats {
		if row, ok := index[f]; ok {
			for k := 0; k < C; k++ {
				p[k] += float64(c.weight(int(row), k))
			}
		}
	}
	softmax(p)
	return p
}
