package nlu

import "sort"

// Average returns the classifier whose weights are the mean of cs's (a feature one of
// them lacks counts as 0 there): a committee of models trained on different folds or
// orders of the data, read at the cost of one. Its decisions move less when the data
// changes a little than any member's. cs must share their classes; names are merged.
func Average(cs []*Classifier) *Classifier {
	if len(cs) == 0 {
		return nil
	}
	C := len(cs[0].Classes)
	out := &Classifier{Classes: cs[0].Classes, bias: make([]float32, C), names: map[uint64]string{}}
	index := map[uint64]int32{}
	var feats []uint64
	for _, c := range cs {
		c.rows.each(func(f uint64, _ int32) {
			if _, ok := index[f]; !ok {
				index[f] = 0
				feats = append(feats, f)
			}
		})
		for f, n := range c.names {
			out.names[f] = n
		}
	}
	sort.Slice(feats, func(i, j int) bool { return feats[i] < feats[j] })
	for i, f := range feats {
		index[f] = int32(i)
	}
	w := make([]float64, len(feats)*C)
	b := make([]float64, C)
	for _, c := range cs {
		c.rows.each(func(f uint64, row int32) {
			base := int(index[f]) * C
			for k := 0; k < C; k++ {
				w[base+k] += float64(c.weight(int(row), k))
			}
		})
		for k := 0; k < C; k++ {
			b[k] += float64(c.bias[k])
		}
	}
	n := float64(len(cs))
	out.w = make([]float32, len(w))
	for i, v := range w {
		out.w[i] = float32(v / n)
	}
	for k := range b {
		out.bias[k] = float32(b[k] / n)
	}
	out.quantise()
	out.rows = newRowTable(index)
	return out
}
