package dialog

import (
	"context"
	"strings"

	"github.com/careersbot/careersbot/lmi"
)

// placeFallback finds a place the store's own scan missed: an everyday nickname
// ("pompey", "the black country") or a bare postcode district ("roofer pay LS6"). The
// store resolves what is found, so nothing is invented. ok is false when there is none.
func (u *Understander) placeFallback(ctx context.Context, text string, toks []ucToken) (lmi.PlaceMatch, bool) {
	var buf [4]ucMatch
	for _, m := range u.places.find(toks, buf[:0]) {
		s, e := toks[m.start].start, toks[m.end-1].end
		if s < 0 || e > len(text) || s >= e {
			continue
		}
		name, wider := u.places.phrases[m.phrase].label, ""
		if i := strings.IndexByte(name, '>'); i >= 0 {
			name, wider = name[:i], name[i+1:]
		}
		pm, err := u.store.ResolvePlace(ctx, name)
		if err != nil {
			continue
		}
		if wider != "" {
			// the person named a wider area: keep the region and local data, not the town
			pm.Kind, pm.Area, pm.District = "alias", wider, ""
		}
		pm.Text, pm.Start, pm.End = text[s:e], s, e
		return pm, true
	}
	for i := 0; i+1 < len(toks); i++ {
		s, e, ok := ucPostcodeAt(text, toks, i)
		if !ok {
			continue
		}
		pm, err := u.store.ResolvePlace(ctx, text[s:e])
		if err != nil || pm.Kind != "postcode_district" {
			continue
		}
		pm.Text, pm.Start, pm.End = text[s:e], s, e
		return pm, true
	}
	return lmi.PlaceMatch{}, false
}

// ucPostcodeAt reports whether toks[i:] start a postcode district written as one word
// ("LS6", "ne6", "SW1A", "B23"): the normaliser splits letters from digits, so the words
// must touch in the text. A one-letter area must be in capitals.
func ucPostcodeAt(text string, toks []ucToken, i int) (start, end int, ok bool) {
	a, d := toks[i], toks[i+1]
	if a.end != d.start || a.start < 0 || d.end > len(text) || a.end-a.start != len(a.s) {
		return 0, 0, false
	}
	switch len(a.s) {
	case 1:
		if !ucPostcodeSingle[a.s] || text[a.start] < 'A' || text[a.start] > 'Z' {
			return 0, 0, false
		}
	case 2:
		if !ucPostcodeAreas[a.s] {
			return 0, 0, false
		}
	default:
		return 0, 0, false
	}
	if len(d.s) < 1 || len(d.s) > 2 || !ucAllDigits(d.s) {
		return 0, 0, false
	}
	end = d.end
	// a trailing sub-district letter ("SW1A")
	if i+2 < len(toks) && toks[i+2].start == d.end && len(toks[i+2].s) == 1 && !ucAllDigits(toks[i+2].s) {
		end = toks[i+2].end
	}
	// the district must stand alone: a following inward code ("LS6 2AB") is fine
	if i > 0 && toks[i-1].end == a.start {
		return 0, 0, false
	}
	return a.start, end, true
}

func ucAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
