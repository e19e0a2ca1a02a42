// Package chartpng draws a dialog.Chart (bar or line) as a PNG picture with the
// standard image packages and a fixed bitmap font, for channels that can show images
// (Telegram photos, Discord attachments). The source is printed on the picture so a
// figure never travels without it.
package chartpng

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"

	"github.com/careersbot/careersbot/dialog"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Size of the picture in pixels.
type Size struct{ W, H int }

// defaultSize suits a chat photo.
var defaultSize = Size{W: 800, H: 480}

// palette colours the series in order.
var palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
}

// chartPalette holds every colour Render uses.
var chartPalette = func() color.Palette {
	p := color.Palette{color.White, color.RGBA{0x22, 0x22, 0x22, 0xff}, color.RGBA{0xcc, 0xcc, 0xcc, 0xff}}
	for _, c := range palette {
		p = append(p, c)
	}
	return p
}()

// ErrEmpty is returned for a chart with no values to draw.
var ErrEmpty = errors.New("chartpng: chart has no values")

// Render draws c as a PNG of the default size (800x480).
func Render(c dialog.Chart) ([]byte, error) { return RenderSize(c, defaultSize) }

// RenderSize draws c as a PNG of the given size.
func RenderSize(c dialog.Chart, sz Size) ([]byte, error) {
	if sz.W < 200 || sz.H < 150 {
		return nil, fmt.Errorf("chartpng: size %dx%d too small", sz.W, sz.H)
	}
	n := len(c.Labels)
	maxV, minV, any := 0.0, 0.0, false
	for _, s := range c.Series {
		if len(s.Values) > n {
			n = len(s.Values)
		}
		for _, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("chartpng: series %q has a non-finite value", s.Name)
			}
			maxV, minV, any = math.Max(maxV, v), math.Min(minV, v), true
		}
	}
	if !any || n == 0 {
		return nil, ErrEmpty
	}
	if maxV == minV {
		maxV = minV + 1
	}
	// A handful of flat colours: a paletted picture is small and quick to encode.
	img := image.NewPaletted(image.Rect(0, 0, sz.W, sz.H), chartPalette) // all white (index 0)
	black, grey := chartPalette[1], chartPalette[2]

	const lh = 15 // line height of basicfont 7x13
	text(img, 10, lh+4, clip(c.Title, (sz.W-20)/7), black)
	if c.Unit != "" {
		text(img, 10, 2*lh+6, clip(c.Unit, (sz.W-20)/7), black)
	}
	if c.Source != "" {
		text(img, 10, sz.H-8, clip("Source: "+c.Source, (sz.W-20)/7), black)
	}
	// Legend for several series.
	legendY := sz.H - 8 - lh
	if len(c.Series) > 1 {
		x := 10
		for i, s := range c.Series {
			col := color.Color(palette[i%len(palette)])
			fill(img, image.Rect(x, legendY-9, x+10, legendY+1), col)
			text(img, x+14, legendY, s.Name, black)
			x += 14 + 7*len(s.Name) + 16
		}
		legendY -= lh
	}

	plot := image.Rect(80, 2*lh+20, sz.W-20, legendY-2*lh)
	if plot.Dy() < 20 {
		return nil, fmt.Errorf("chartpng: size %dx%d leaves no room to plot", sz.W, sz.H)
	}
	y := func(v float64) int {
		return plot.Max.Y - int(math.Round((v-minV)/(maxV-minV)*float64(plot.Dy())))
	}
	// Axis with three value ticks.
	for i := 0; i <= 3; i++ {
		v := minV + (maxV-minV)*float64(i)/3
		yy := y(v)
		fill(img, image.Rect(plot.Min.X, yy, plot.Max.X, yy+1), grey)
		lbl := short(v)
		text(img, plot.Min.X-6-7*len(lbl), yy+4, lbl, black)
	}
	fill(img, image.Rect(plot.Min.X, plot.Min.Y, plot.Min.X+1, plot.Max.Y+1), black)
	fill(img, image.Rect(plot.Min.X, y(0), plot.Max.X, y(0)+1), black)

	slot := float64(plot.Dx()) / float64(n)
	for i := 0; i < n && i < len(c.Labels); i++ {
		maxChars := int(slot/7) - 1
		lbl := clip(c.Labels[i], maxChars)
		cx := plot.Min.X + int(slot*(float64(i)+0.5))
		text(img, cx-7*len([]rune(lbl))/2, plot.Max.Y+lh+2, lbl, black)
	}
	ns := len(c.Series)
	for si, s := range c.Series {
		col := color.Color(palette[si%len(palette)])
		if c.Kind == "line" {
			px, py := -1, -1
			for i, v := range s.Values {
				cx := plot.Min.X + int(slot*(float64(i)+0.5))
				cy := y(v)
				fill(img, image.Rect(cx-3, cy-3, cx+4, cy+4), col)
				if px >= 0 {
					line(img, px, py, cx, cy, col)
				}
				px, py = cx, cy
			}
			continue
		}
		bw := slot * 0.8 / float64(ns)
		for i, v := range s.Values {
			x0 := plot.Min.X + int(slot*float64(i)+slot*0.1+bw*float64(si))
			top, bottom := y(v), y(0)
			if top > bottom {
				top, bottom = bottom, top
			}
			fill(img, image.Rect(x0, top, x0+int(math.Max(bw-1, 1)), bottom), col)
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("chartpng: encode: %w", err)
	}
	return buf.Bytes(), nil
}

func fill(img *image.Paletted, r image.Rectangle, c color.Color) {
	r = r.Intersect(img.Bounds())
	idx := uint8(img.Palette.Index(c))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)]
		for i := range row {
			row[i] = idx
		}
	}
}

func line(img *image.Paletted, x0, y0, x1, y1 int, c color.Color) {
	steps := max(abs(x1-x0), abs(y1-y0))
	for i := 0; i <= steps; i++ {
		x := x0 + (x1-x0)*i/max(steps, 1)
		y := y0 + (y1-y0)*i/max(steps, 1)
		fill(img, image.Rect(x, y-1, x+1, y+1), c)
	}
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

func text(img *image.Paletted, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// clip shortens s to at most n characters with an ellipsis. basicfont has ASCII only,
// so other characters are shown as the font's replacement box except "£", which is
// common in our charts and is written out.
func clip(s string, n int) string {
	r := []rune(s)
	out := make([]rune, 0, len(r))
	for i, c := range r {
		if c == '£' {
			out = append(out, []rune("GBP")...)
			if i+1 < len(r) && r[i+1] != ' ' {
				out = append(out, ' ')
			}
			continue
		}
		out = append(out, c)
	}
	if n < 1 {
		return ""
	}
	if len(out) > n {
		if n <= 3 {
			return string(out[:n])
		}
		return string(out[:n-3]) + "..."
	}
	return string(out)
}

// short formats an axis value compactly: 35000 -> "35k", 1.5 -> "1.5".
func short(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return strconv.FormatFloat(math.Round(v/1e5)/10, 'f', -1, 64) + "m"
	case a >= 1e3:
		return strconv.FormatFloat(math.Round(v/100)/10, 'f', -1, 64) + "k"
	default:
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	}
}
