package dialog

import (
	"strings"
	"testing"
)

// A "/" in a pattern separates one-word alternatives, so "no food/a bed" means "no food
// bed" or "no a bed", never "no food" or "no a bed": a multi-word alternative must be its
// own "|" phrase. This lint flags groups that mix function words with content words and
// are followed by one fixed word, the shape that bug takes. Checked phrases that are
// meant that way are listed.
func TestPatternAlternativesLint(t *testing.T) {
	fn := ucWordSet("a", "an", "the", "my", "his", "her", "their", "our", "some", "no", "in",
		"on", "at", "to", "for", "of", "and", "any", "all", "half", "most")
	meant := ucWordSet(
		"thinking of/about suicide", "in/join/joined/joining a gang", "no one will sit/talk with/to me",
		"nobody will sit/talk with/to me", "work/working for free and/but can not leave",
		"thoughts about/of ending", "thoughts about/of not being here/around/alive", "fed up of/with life",
		"talk/speak/chat with/to a real person", "best/top/most money",
		"not want to be/become/work/do/train a/an/as/in? OCC",
		"took/taken/take/taking/swallowed/swallow/downed a/the? load/lot/bunch/handful/box/packet/pack/bottle/tub/strip/all of ** pills/tablets/paracetamol/painkillers/meds/medication/sleeping",
		"forced/pressured/pressure/pressuring/pushing/pushed me? into/to have? sex",
		"comes/came/come/coming/gets/got/sneaks/sneaked/creeps/crept into/in my room/bed at/in the? night",
		"work/working/works in/during/over/through the? holidays/summer/winter/rain/snow/cold/dark/heat/night/nights/evenings/weekend/weekends/christmas/easter",
	)
	all := append([]ucPatternSpec(nil), ucEntitySpecs...)
	d := DefaultNLU().Data
	for _, in := range d.Intents {
		for _, c := range in.Cues {
			all = append(all, ucPatternSpec{pattern: c.Pattern})
		}
	}
	for _, c := range d.Safeguarding {
		for _, p := range c.Patterns {
			all = append(all, ucPatternSpec{pattern: p.Pattern})
		}
	}
	for _, p := range d.Idioms {
		all = append(all, ucPatternSpec{pattern: p.Pattern})
	}
	for _, sp := range all {
		for _, alt := range strings.Split(sp.pattern, "|") {
			alt = strings.TrimSpace(alt)
			if meant[alt] {
				continue
			}
			words := strings.Fields(alt)
			for i := 0; i+1 < len(words); i++ {
				group, next := strings.TrimSuffix(words[i], "?"), words[i+1]
				if !strings.Contains(group, "/") || strings.Contains(next, "/") || next == "*" || next == "**" {
					continue
				}
				var hasFn, hasContent bool
				for _, a := range strings.Split(group, "/") {
					if fn[a] {
						hasFn = true
					} else if a != "him" && a != "her" && a != "them" && a != "us" && a != "someone" && a != "men" && a != "hers" && a != "theirs" && a != "your" {
						hasContent = true
					}
				}
				if hasFn && hasContent {
					t.Errorf("pattern %q: group %q before %q mixes function and content words; split the phrase with |", alt, words[i], next)
				}
			}
		}
	}
}
