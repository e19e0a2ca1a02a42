package nlu

import (
	"math"
	"testing"
)

// TestAverage: the averaged classifier's scores are the members' mean scores (before
// the softmax), so on a feature only one member knows it is halfway between.
func TestAverage(t *testing.T) {
	classes := []string{"a", "b"}
	mk := func(seed uint64, feats ...uint64) *Classifier {
		var s []Sample
		for i, f := range feats {
			s = append(s, Sample{Feats: []uint64{f, 100}, Class: i % 2})
		}
		return Train(classes, s, nil, TrainOptions{Seed: seed})
	}
	c1, c2 := mk(1, 1, 2), mk(2, 1, 3)
	avg := Average([]*Classifier{c1, c2})
	if avg.Features() != 4 {
		t.Fatalf("%d features, want the union (4)", avg.Features())
	}
	logit := func(c *Classifier, f uint64) float64 {
		p := c.Probs([]uint64{f}, nil)
		return math.Log(p[0] / p[1])
	}
	for _, f := range []uint64{1, 2, 3, 100} {
		want := (logit(c1, f) + logit(c2, f)) / 2
		if got := logit(avg, f); math.Abs(got-want) > 1e-3 {
			t.Errorf("feature %d: averaged log-odds %.4f, want the members' mean %.4f", f, got, want)
		}
	}
	if Average(nil) != nil {
		t.Error("Average(nil) is not nil")
	}
}
