package nlu

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
)

// modelMagic starts a classifier file (version 1).
const modelMagic = "careersbot-nlu-model/1\n"

// quantise rounds every weight to one of 65535 steps of the largest, so a model written to
// a file and read back is exactly the model trained.
func (c *Classifier) quantise() {
	c.scale = quantScale(c.w, c.bias)
	for i, v := range c.w {
		c.w[i] = float32(math.Round(float64(v)/float64(c.scale))) * c.scale
	}
	for i, v := range c.bias {
		c.bias[i] = float32(math.Round(float64(v)/float64(c.scale))) * c.scale
	}
}

func quantScale(ws ...[]float32) float32 {
	mx := float32(0)
	for _, w := range ws {
		for _, v := range w {
			if v < 0 {
				v = -v
			}
			if v > mx {
				mx = v
			}
		}
	}
	if mx == 0 {
		return 1
	}
	return mx / 32767
}

// MarshalBinary writes the classifier: a header, the data hash it was trained from, the
// classes, and every feature hash (sorted) with its weights as int16 steps of one scale.
func (c *Classifier) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(modelMagic)
	le := binary.LittleEndian
	put := func(v any) { _ = binary.Write(&b, le, v) }
	put(uint32(len(c.DataHash)))
	b.WriteString(c.DataHash)
	put(uint32(len(c.Classes)))
	for _, cl := range c.Classes {
		put(uint32(len(cl)))
		b.WriteString(cl)
	}
	put(c.scale)
	q := func(v float32) int16 { return int16(math.Round(float64(v) / float64(c.scale))) }
	for _, v := range c.bias {
		put(q(v))
	}
	feats := make([]uint64, 0, c.rows.n)
	c.rows.each(func(f uint64, _ int32) { feats = append(feats, f) })
	sort.Slice(feats, func(i, j int) bool { return feats[i] < feats[j] })
	put(uint32(len(feats)))
	C := len(c.Classes)
	for _, f := range feats {
		put(f)
		row := int(c.rows.get(f))
		for k := 0; k < C; k++ {
			put(q(c.weight(row, k)))
		}
	}
	return b.Bytes(), nil
}

// UnmarshalClassifier reads a classifier written by MarshalBinary.
//
// The classifier keeps data (its weights are read from it in place): data must not be
// changed afterwards.
func UnmarshalClassifier(data []byte) (*Classifier, error) {
	if !bytes.HasPrefix(data, []byte(modelMagic)) {
		return nil, errors.New("nlu: not a careersbot NLU model file (run careersbot nlu train)")
	}
	r := bytes.NewReader(data[len(modelMagic):])
	le := binary.LittleEndian
	var err error
	get := func(v any) {
		if err == nil {
			err = binary.Read(r, le, v)
		}
	}
	str := func() string {
		var n uint32
		get(&n)
		if err != nil || int(n) > r.Len() {
			err = errors.New("truncated")
			return ""
		}
		s := make([]byte, n)
		_, _ = r.Read(s)
		return string(s)
	}
	c := &Classifier{}
	c.DataHash = str()
	var nc uint32
	get(&nc)
	if nc > 1000 {
		return nil, errors.New("nlu: model file: too many classes")
	}
	for i := 0; i < int(nc) && err == nil; i++ {
		c.Classes = append(c.Classes, str())
	}
	get(&c.scale)
	C := len(c.Classes)
	q := make([]int16, C)
	get(q)
	c.bias = make([]float32, C)
	for k, v := range q {
		c.bias[k] = float32(v) * c.scale
	}
	var nf uint32
	get(&nf)
	if err == nil && int(nf)*(8+2*C) > r.Len() {
		err = errors.New("truncated")
	}
	if err != nil {
		return nil, fmt.Errorf("nlu: model file: %w", err)
	}
	// the rows, read in place (the length was checked above): each a feature hash and
	// C int16 weights; the hashes go straight into the inference table (no map beside
	// it) and the weights stay in data, read as steps of scale where used (data is the
	// embedded file's read-only bytes for the committed models: no copy on the heap)
	c.q = data[len(data)-r.Len():][:int(nf)*(8+2*C)]
	c.rows = makeRowTable(int(nf))
	for i := 0; i < int(nf); i++ {
		c.rows.put(le.Uint64(c.q[i*(8+2*C):]), int32(i))
	}
	return c, nil
}
