package dialog

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSlotFeatureCharGrams checks every character 4-gram feature's hash against the
// hash of its name ("chars:" and the four bytes), for words short enough for the
// stack buffer and longer.
func TestSlotFeatureCharGrams(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 3))
	tests := []struct {
		name     string
		min, max int
	}{{"short", 4, 38}, {"at the buffer", 38, 39}, {"long", 39, 70}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			grams := 0
			for range 300 {
				var b strings.Builder
				for range tc.min + rng.IntN(tc.max-tc.min+1) {
					b.WriteByte(byte('a' + rng.IntN(26)))
				}
				names := map[uint64]string{}
				feats := ucSlotFeatures([]ucToken{{s: b.String()}}, 0, nil, nil, names)
				for _, h := range feats {
					name := names[h]
					g, ok := strings.CutPrefix(name, "chars:")
					if !ok {
						continue
					}
					grams++
					if want := fnvString(fnvByte(fnvOffset, ufChar), g); h != want {
						t.Fatalf("%q: feature %q hashed %x, want %x", b.String(), name, h, want)
					}
				}
			}
			if grams == 0 {
				t.Fatal("no character features")
			}
		})
	}
}
