package dialog

import (
	"context"
	"strings"

	"github.com/careersbot/careersbot/lmi"
)

// placeFallback finds a place the store's own scan missed: an everyday nickname the store
// lacks ("the steel city"). Bare postcode districts ("roofer pay LS6") are the store's. The
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
	return lmi.PlaceMatch{}, false
}
