package chartpng

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/careersbot/careersbot/dialog"
)

func TestRender(t *testing.T) {
	bar := dialog.Chart{Kind: "bar", Title: "Median pay", Labels: []string{"Nurse", "Teacher"}, Unit: "£ a year",
		Series: []dialog.Series{{Name: "median", Values: []float64{35000, 41000}}}, Source: "ONS ASHE 2024"}
	lineChart := dialog.Chart{Kind: "line", Title: "Jobs", Labels: []string{"2024", "2029", "2035"},
		Series: []dialog.Series{{Name: "a", Values: []float64{10, 12, 15}}, {Name: "b", Values: []float64{5, 4, 3}}}, Source: "Working Futures"}
	tests := []struct {
		name    string
		c       dialog.Chart
		sz      Size
		wantErr bool
	}{
		{"bar", bar, Size{800, 480}, false},
		{"line two series", lineChart, Size{640, 400}, false},
		{"negative", dialog.Chart{Kind: "bar", Labels: []string{"a", "b"}, Series: []dialog.Series{{Values: []float64{-3, 4}}}}, Size{400, 300}, false},
		{"empty", dialog.Chart{Kind: "bar"}, Size{400, 300}, true},
		{"nan", dialog.Chart{Kind: "bar", Series: []dialog.Series{{Values: []float64{math.NaN()}}}}, Size{400, 300}, true},
		{"tiny", bar, Size{50, 50}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := RenderSize(tc.c, tc.sz)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if img.Bounds() != image.Rect(0, 0, tc.sz.W, tc.sz.H) {
				t.Fatalf("bounds %v", img.Bounds())
			}
			// The first series colour must appear: something was plotted.
			if !hasColour(img, palette[0]) {
				t.Fatalf("no series drawn")
			}
			if len(tc.c.Series) > 1 && !hasColour(img, palette[1]) {
				t.Fatalf("second series not drawn")
			}
		})
	}
	if _, err := RenderSize(dialog.Chart{}, Size{400, 300}); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty chart: %v", err)
	}
}

// TestBarHeights checks that a bigger value draws a taller bar.
func TestBarHeights(t *testing.T) {
	c := dialog.Chart{Kind: "bar", Labels: []string{"small", "big"}, Series: []dialog.Series{{Values: []float64{10, 40}}}}
	b, err := RenderSize(c, Size{400, 300})
	if err != nil {
		t.Fatal(err)
	}
	img, _ := png.Decode(bytes.NewReader(b))
	h := func(x0, x1 int) int {
		n := 0
		for y := 0; y < 300; y++ {
			for x := x0; x < x1; x++ {
				if sameRGB(img.At(x, y), palette[0]) {
					n++
					break
				}
			}
		}
		return n
	}
	small, big := h(80, 230), h(230, 380)
	if small == 0 || big < 3*small || big > 5*small {
		t.Fatalf("bar heights small=%d big=%d, want about 1:4", small, big)
	}
}

func hasColour(img image.Image, c color.RGBA) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if sameRGB(img.At(x, y), c) {
				return true
			}
		}
	}
	return false
}

func sameRGB(a color.Color, c color.RGBA) bool {
	r, g, b, _ := a.RGBA()
	return uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(b>>8) == c.B
}

func BenchmarkRender(b *testing.B) {
	c := dialog.Chart{Kind: "bar", Title: "Median pay", Labels: []string{"Nurse", "Teacher", "Plumber"}, Unit: "£ a year",
		Series: []dialog.Series{{Name: "median", Values: []float64{35000, 41000, 33000}}}, Source: "ONS ASHE 2024"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(c); err != nil {
			b.Fatal(err)
		}
	}
}
