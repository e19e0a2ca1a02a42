package nlu

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"sort"
)

// Classifier is a multinomial logistic regression over hashed sparse features (each
// feature is present or not). It is trained deterministically (a fixed seed, a fixed
// number of epochs) and explains itself: Explain lists the features that pushed a class
// up most. It is immutable after Train and safe for concurrent use.
type Classifier struct {
	Classes []string
	// rows maps a feature hash to its row of w (an open-addressing table, for
	// inference; the only index kept once the classifier is built or read)
	rows rowTable
	// the weights, one row of len(Classes) per feature: w when trained (Train,
	// Average); q when read from a model file, the file's rows in place (each a feature
	// hash and len(Classes) little-endian int16 steps of scale)
	w     []float32
	q     []byte
	bias  []float32
	scale float32 // the weights are whole multiples of it (quantise)
	names map[uint64]string
	// DataHash identifies the examples the classifier was trained from (set by the
	// caller), so a model file can be checked against the data it claims to fit.
	DataHash string
}

// Sample is one training example: its feature hashes and class index.
type Sample struct {
	Feats []uint64
	Class int
}

// TrainOptions tune Train; the zero value is the default.
type TrainOptions struct {
	Epochs int     // passes over the data; 0 means 12
	Rate   float64 // initial learning rate; 0 means 0.5
	L2     float64 // weight decay per update; 0 means 1e-4
	Seed   uint64  // shuffling seed; any fixed value gives the same model
	// MinCount drops features seen in fewer training examples (0 or 1 keeps all), which
	// makes the model smaller at little cost.
	MinCount int
}

// Train fits a classifier. names, when not nil, maps feature hashes to readable names for
// Explain. The result depends only on its inputs.
func Train(classes []string, samples []Sample, names map[uint64]string, opt TrainOptions) *Classifier {
	if opt.Epochs == 0 {
		opt.Epochs = 12
	}
	if opt.Rate == 0 {
		opt.Rate = 0.5
	}
	if opt.L2 == 0 {
		opt.L2 = 1e-4
	}
	C := len(classes)
	c := &Classifier{Classes: classes, bias: make([]float32, C), names: names}
	index := map[uint64]int32{} // feature hash -> row of w, while training
	count := map[uint64]int{}
	for _, s := range samples {
		for _, f := range s.Feats {
			count[f]++
		}
	}
	for _, s := range samples {
		for _, f := range s.Feats {
			if _, ok := index[f]; !ok && count[f] >= opt.MinCount {
				index[f] = int32(len(index))
			}
		}
	}
	// rows of each sample, resolved once
	rows := make([][]int32, len(samples))
	for i, s := range samples {
		r := make([]int32, 0, len(s.Feats))
		for _, f := range s.Feats {
			if row, ok := index[f]; ok {
				r = append(r, row)
			}
		}
		rows[i] = r
	}
	w := make([]float64, len(index)*C)
	b := make([]float64, C)
	// averaged SGD: the mean of the weights over all steps generalises better and does
	// not depend on where the last epoch stopped
	wSum := make([]float64, len(w))
	bSum := make([]float64, C)
	order := make([]int, len(samples))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15))
	p := make([]float64, C)
	steps := 0.0
	for ep := 0; ep < opt.Epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := opt.Rate / (1 + float64(ep))
		for _, si := range order {
			r := rows[si]
			if len(r) == 0 {
				continue
			}
			for k := 0; k < C; k++ {
				p[k] = b[k]
			}
			for _, row := range r {
				base := int(row) * C
				for k := 0; k < C; k++ {
					p[k] += w[base+k]
				}
			}
			softmax(p)
			y := samples[si].Class
			scale := rate / math.Sqrt(float64(len(r)))
			for k := 0; k < C; k++ {
				g := p[k]
				if k == y {
					g -= 1
				}
				if g < 1e-4 && g > -1e-4 {
					continue // a class already far from this example: nothing to learn
				}
				b[k] -= rate * g
				for _, row := range r {
					i := int(row)*C + k
					w[i] -= scale*g + opt.L2*w[i]
				}
			}
			steps++
			for k := 0; k < C; k++ {
				bSum[k] += b[k]
			}
			// lazy averaging: add the current weights of the touched rows; rows not touched
			// keep their sum from the running total below
			for _, row := range r {
				base := int(row) * C
				for k := 0; k < C; k++ {
					wSum[base+k] += w[base+k]
				}
			}
		}
	}
	// the average is taken over the steps that touched a row, which keeps rare features'
	// weights at their trained size
	counts := make([]float64, len(index))
	for _, r := range rows {
		for _, row := range r {
			counts[row] += float64(opt.Epochs)
		}
	}
	c.w = make([]float32, len(w))
	for row := range counts {
		if counts[row] == 0 {
			continue
		}
		for k := 0; k < C; k++ {
			c.w[row*C+k] = float32(wSum[row*C+k] / counts[row])
		}
	}
	for k := 0; k < C; k++ {
		c.bias[k] = float32(bSum[k] / steps)
	}
	c.quantise()
	c.rows = newRowTable(index)
	return c
}

func softmax(p []float64) {
	mx := math.Inf(-1)
	for _, v := range p {
		if v > mx {
			mx = v
		}
	}
	sum := 0.0
	for i, v := range p {
		p[i] = math.Exp(v - mx)
		sum += p[i]
	}
	for i := range p {
		p[i] /= sum
	}
}

// Probs writes the probability of every class into dst (grown to len(Classes)) and
// returns it. Features never seen in training are ignored. It does not allocate when dst
// is large enough.
func (c *Classifier) Probs(feats []uint64, dst []float64) []float64 {
	C := len(c.Classes)
	if cap(dst) < C {
		dst = make([]float64, C)
	}
	dst = dst[:C]
	for k := 0; k < C; k++ {
		dst[k] = float64(c.bias[k])
	}
	for _, f := range feats {
		row := c.rows.get(f)
		if row < 0 {
			continue
		}
		if c.q == nil {
			w := c.w[int(row)*C : int(row)*C+C]
			for k := range w {
				dst[k] += float64(w[k])
			}
			continue
		}
		q := c.q[int(row)*(8+2*C)+8:][:2*C]
		for k := range dst {
			dst[k] += float64(float32(int16(binary.LittleEndian.Uint16(q[2*k:]))) * c.scale)
		}
	}
	softmax(dst)
	return dst
}

// weight is the weight of class k in row (the same value whether trained or read).
func (c *Classifier) weight(row, k int) float32 {
	C := len(c.Classes)
	if c.q == nil {
		return c.w[row*C+k]
	}
	return float32(int16(binary.LittleEndian.Uint16(c.q[row*(8+2*C)+8+2*k:]))) * c.scale
}

// rowTable maps feature hashes to weight rows: linear probing in a power-of-two table
// at most half full, the hash's own low bits as the slot (FNV hashes are spread).
// Lookups touch one or two cache lines and never allocate.
type rowTable struct {
	keys []uint64
	rows []int32 // -1: empty slot
	mask uint64
	n    int // features held
}

func newRowTable(index map[uint64]int32) rowTable {
	t := makeRowTable(len(index))
	for f, row := range index {
		t.put(f, row)
	}
	return t
}

// makeRowTable returns an empty table for up to n features.
func makeRowTable(n int) rowTable {
	size := 16
	for size < 2*n {
		size *= 2
	}
	t := rowTable{keys: make([]uint64, size), rows: make([]int32, size), mask: uint64(size - 1)}
	for i := range t.rows {
		t.rows[i] = -1
	}
	return t
}

// put sets the row of feature f (a second put of f replaces the first). The table must
// have room: at most the n it was made for.
func (t *rowTable) put(f uint64, row int32) {
	i := f & t.mask
	for t.rows[i] >= 0 {
		if t.keys[i] == f {
			t.rows[i] = row
			return
		}
		i = (i + 1) & t.mask
	}
	t.keys[i], t.rows[i] = f, row
	t.n++
}

// each calls fn for every feature and its row, in table order.
func (t *rowTable) each(fn func(f uint64, row int32)) {
	for i, row := range t.rows {
		if row >= 0 {
			fn(t.keys[i], row)
		}
	}
}

// get returns the row of feature f, or -1.
func (t *rowTable) get(f uint64) int32 {
	if len(t.rows) == 0 {
		return -1
	}
	for i := f & t.mask; ; i = (i + 1) & t.mask {
		switch r := t.rows[i]; {
		case r < 0:
			return -1
		case t.keys[i] == f:
			return r
		}
	}
}

// Contribution is how much one feature pushed a class up (its weight for the class minus
// its mean weight over the classes).
type Contribution struct {
	Feature string
	Weight  float64
}

// Explain lists up to n features of feats that pushed class up most, strongest first.
func (c *Classifier) Explain(feats []uint64, class, n int) []Contribution {
	return c.ExplainNamed(feats, class, n, nil)
}

// ExplainNamed is Explain naming features from names first (features of the message
// being explained), then from the training names.
func (c *Classifier) ExplainNamed(feats []uint64, class, n int, names map[uint64]string) []Contribution {
	C := len(c.Classes)
	var out []Contribution
	seen := map[uint64]bool{}
	for _, f := range feats {
		row := c.rows.get(f)
		if row < 0 || seen[f] {
			continue
		}
		seen[f] = true
		mean := 0.0
		for k := 0; k < C; k++ {
			mean += float64(c.weight(int(row), k))
		}
		mean /= float64(C)
		d := float64(c.weight(int(row), class)) - mean
		if d <= 0 {
			continue
		}
		name := names[f]
		if name == "" {
			name = c.names[f]
		}
		if name == "" {
			name = "?"
		}
		out = append(out, Contribution{Feature: name, Weight: math.Round(d*100) / 100})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Weight > out[j].Weight })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Features is how many distinct features the classifier knows.
func (c *Classifier) Features() int { return c.rows.n }

// ClassIndex returns the index of a class, or -1.
func (c *Classifier) ClassIndex(name string) int {
	for i, n := range c.Classes {
		if n == name {
			return i
		}
	}
	return -1
}
