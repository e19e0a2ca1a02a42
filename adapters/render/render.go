// Package render is the plain-text fallback shared by the chat adapters: it turns the
// buttons, cards and charts of an outbound bot.Message into lines of text for channels
// (or parts of channels) that cannot show them, and splits long text at line and word
// boundaries to fit a platform's message limit.
package render

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

// Card renders one card as lines: title, subtitle, "Label: value" fields and the footer.
func Card(c dialog.Card) string {
	var b strings.Builder
	b.WriteString(c.Title)
	if c.Subtitle != "" {
		b.WriteString("\n")
		b.WriteString(c.Subtitle)
	}
	for _, f := range c.Fields {
		b.WriteString("\n")
		if f.Label != "" {
			b.WriteString(f.Label)
			b.WriteString(": ")
		}
		b.WriteString(f.Value)
	}
	if c.Footer != "" {
		b.WriteString("\n")
		b.WriteString(c.Footer)
	}
	return strings.TrimSpace(b.String())
}

// Chart renders a chart as its alternative text and source. When the chart has no
// AltText the data itself is listed, so nothing is lost.
func Chart(c dialog.Chart) string {
	var b strings.Builder
	alt := strings.TrimSpace(c.AltText)
	if alt == "" {
		if c.Title != "" {
			b.WriteString(c.Title)
			b.WriteString("\n")
		}
		for _, s := range c.Series {
			for i, v := range s.Values {
				label := ""
				if i < len(c.Labels) {
					label = c.Labels[i]
				}
				if len(c.Series) > 1 && s.Name != "" {
					label = s.Name + ", " + label
				}
				b.WriteString(label)
				b.WriteString(": ")
				b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
				if c.Unit != "" {
					b.WriteString(" " + c.Unit)
				}
				b.WriteString("\n")
			}
		}
	} else {
		b.WriteString(alt)
		b.WriteString("\n")
	}
	if c.Source != "" && !strings.Contains(alt, c.Source) {
		b.WriteString("Source: ")
		b.WriteString(c.Source)
	}
	return strings.TrimSpace(b.String())
}

// Buttons renders quick replies as a numbered list the person can answer by number or
// by typing the label.
func Buttons(bs []dialog.Button) string {
	var b strings.Builder
	for i, bt := range bs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(bt.Label)
	}
	return b.String()
}

// MatchButton maps a typed answer to one of the offered buttons: its number ("2"), its
// label or its value, case-insensitively. ok is false when nothing matches.
func MatchButton(text string, bs []dialog.Button) (dialog.Button, bool) {
	t := strings.TrimSpace(text)
	if t == "" {
		return dialog.Button{}, false
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(t, ".")); err == nil {
		if n >= 1 && n <= len(bs) {
			return bs[n-1], true
		}
		return dialog.Button{}, false
	}
	for _, b := range bs {
		if strings.EqualFold(t, b.Label) || strings.EqualFold(t, b.Value) {
			return b, true
		}
	}
	return dialog.Button{}, false
}

// Text renders everything in m the channel cannot show as plain text after m.Text:
// cards when !caps.Cards, charts when !caps.Charts, buttons when !caps.Buttons.
func Text(m bot.Message, caps bot.Capabilities) string {
	parts := []string{Body(m)}
	if !caps.Cards {
		for _, c := range m.Cards {
			parts = append(parts, Card(c))
		}
	}
	if !caps.Charts {
		for _, c := range m.Charts {
			parts = append(parts, Chart(c))
		}
	}
	if !caps.Buttons && len(m.Buttons) > 0 {
		parts = append(parts, Buttons(m.Buttons))
	}
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// Length counts s the way a platform counts: in UTF-16 code units when utf16Units is
// true (Telegram), otherwise in runes.
func Length(s string, utf16Units bool) int {
	if !utf16Units {
		return utf8.RuneCountInString(s)
	}
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// fits says whether s is at most max units long, reading no further than needed.
func fits(s string, max int, u16 bool) bool {
	if len(s) <= max {
		return true // a unit is at least one byte
	}
	n := 0
	for _, r := range s {
		n++
		if u16 && r >= 0x10000 {
			n++
		}
		if n > max {
			return false
		}
	}
	return true
}

// Split cuts s into pieces of at most max runes, preferring to break after a blank
// line, then a newline, then a space; a word longer than max is cut. Pieces are
// trimmed of the whitespace at the break. max <= 0 means no limit.
func Split(s string, max int) []string {
	return split(s, max, false)
}

// SplitUTF16 is Split counting UTF-16 code units, as Telegram does.
func SplitUTF16(s string, max int) []string {
	return split(s, max, true)
}

func split(s string, max int, u16 bool) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if max <= 0 || fits(s, max, u16) {
		return []string{s}
	}
	var out []string
	for s != "" {
		if fits(s, max, u16) {
			out = append(out, s)
			break
		}
		// cut = byte offset of the longest prefix within max units.
		cut, n := 0, 0
		for i, r := range s {
			w := 1
			if u16 {
				w = utf16.RuneLen(r)
			}
			if n+w > max {
				cut = i
				break
			}
			n += w
		}
		head := s[:cut]
		// Prefer the strongest break in the second half of the piece, then any space.
		brk := -1
		if r, _ := utf8.DecodeRuneInString(s[cut:]); r == ' ' || r == '\n' {
			brk = cut // the piece ends at a word boundary already
		}
		for _, sep := range []string{"\n\n", "\n", " "} {
			if brk > 0 {
				break
			}
			if i := strings.LastIndex(head, sep); i > len(head)/2 {
				brk = i
				break
			}
		}
		if brk <= 0 {
			brk = strings.LastIndexAny(head, " \n\t")
		}
		if brk <= 0 {
			brk = cut // one long word: cut it
		}
		if brk == 0 { // max smaller than one character: take one anyway
			_, brk = utf8.DecodeRuneInString(s)
		}
		piece := strings.TrimSpace(s[:brk])
		if piece != "" {
			out = append(out, piece)
		}
		s = strings.TrimSpace(s[brk:])
	}
	return out
}

// AdviserLabel starts the text of a message a careers adviser wrote, so the young
// person always knows when a person, not the bot, is talking.
const AdviserLabel = "Careers adviser: "

// Body is m.Text, labelled when an adviser wrote it (m.Sender "adviser").
func Body(m bot.Message) string {
	t := strings.TrimSpace(m.Text)
	if m.Sender == "adviser" && t != "" {
		return AdviserLabel + t
	}
	return t
}
