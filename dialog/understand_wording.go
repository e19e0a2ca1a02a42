package dialog

import "strings"

// Words that only change how an answer is worded, read once from the message by the
// Understander (Understanding.PayUnit, .Without, .Apprentice). The person's words only
// choose a sentence; they are never evaluated.

// withoutIn finds what a message asks to do without: "degree" (uni), "college" or
// "a_level". It reads the person's words only to choose a sentence; they are never
// evaluated.
func withoutIn(text string, noDegree bool) string {
	t := strings.ToLower(text)
	i := strings.Index(t, "without")
	if i < 0 {
		for _, cue := range []string{"no ", "not go", "dont go", "don't go", "skip "} {
			if j := strings.Index(t, cue); j >= 0 {
				i = j
				break
			}
		}
	}
	if i >= 0 {
		rest := t[i:]
		switch {
		case strings.Contains(rest, "a level") || strings.Contains(rest, "a-level") || strings.Contains(rest, "alevel"):
			return "a_level"
		case strings.Contains(rest, "college"):
			return "college"
		case strings.Contains(rest, "uni") || strings.Contains(rest, "degree"):
			return "degree"
		}
	}
	if noDegree {
		return "degree"
	}
	return ""
}

// apprenticeIn says whether a message asks about apprentice pay.
func apprenticeIn(text string) bool {
	return strings.Contains(strings.ToLower(text), "apprentice")
}

// payUnit finds the pay period a message asks for ("per hour", "a week", "monthly"):
// "hour", "week", "month" or "". Yearly is the default and is not reported.
var ucPayUnitCues = [...]struct {
	unit string
	cues []string
}{
	{"hour", []string{"per hour", "an hour", "a hour", "hourly", "p/h", "per hr", "an hr", "hourly rate"}},
	{"week", []string{"per week", "a week", "weekly", "p/w", "pw", "each week", "every week"}},
	{"month", []string{"per month", "a month", "monthly", "each month", "every month", "pcm", "p/m"}},
}

func payUnit(text string) string {
	t := strings.ToLower(text)
	for _, c := range ucPayUnitCues {
		for _, cue := range c.cues {
			if i := strings.Index(t, cue); i >= 0 {
				end := i + len(cue)
				if (i == 0 || !isLetter(t[i-1])) && (end == len(t) || !isLetter(t[end])) {
					return c.unit
				}
			}
		}
	}
	return ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' }
