package bot

import (
	"math/bits"
	"strconv"
	"unicode/utf8"

	"github.com/careersbot/careersbot/transcripts"
)

// The REST channel's answer to a message is written by hand rather than through
// encoding/json's reflection: appendMessageResponse produces, byte for byte, what
// json.Encoder writes for a MessageResponse (the HTML-safe escapes included), and it
// copies each reply's stored payload (JSON already) instead of decoding and encoding it
// again. TestMessageResponseJSON holds it to encoding/json's output.

// appendMessageResponse appends the JSON of the response to a message whose replies are
// evs, and a newline. ok is false when a stored payload is not a JSON object; the
// caller then falls back to encoding/json.
func appendMessageResponse(b []byte, state string, duplicate bool, evs []transcripts.Event) (_ []byte, ok bool) {
	b = append(b, `{"replies":[`...)
	n := 0
	for _, e := range evs {
		if e.Kind == transcripts.KindUser {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		var buttons, cards, charts []byte
		if len(e.Payload) > 0 {
			var good bool
			if buttons, cards, charts, good = splitPayload(e.Payload); !good {
				return b, false
			}
		}
		b = append(b, `{"seq":`...)
		b = strconv.AppendInt(b, e.Seq, 10)
		b = append(b, `,"text":`...)
		b = appendJSONString(b, e.Text)
		b = appendRaw(append(b, `,"buttons":`...), buttons)
		b = appendRaw(append(b, `,"cards":`...), cards)
		b = appendRaw(append(b, `,"charts":`...), charts)
		b = append(b, `,"sender":`...)
		b = appendJSONString(b, e.Kind)
		b = append(b, '}')
	}
	b = append(b, `],"state":`...)
	b = appendJSONString(b, state)
	if duplicate {
		b = append(b, `,"duplicate":true`...)
	}
	return append(b, "}\n"...), true
}

// appendRaw appends a stored JSON array, or [] for none (ReplyView never has null).
func appendRaw(b, raw []byte) []byte {
	if len(raw) == 0 || string(raw) == "null" {
		return append(b, "[]"...)
	}
	return appendHTMLSafe(b, raw)
}

// appendHTMLSafe copies JSON, escaping <, >, &, U+2028 and U+2029 as encoding/json does
// (a payload written by json.Marshal has none left; one from elsewhere might).
func appendHTMLSafe(b, raw []byte) []byte {
	start := 0
	for i := 0; i < len(raw); i++ {
		for i+8 <= len(raw) {
			x := uint64(raw[i]) | uint64(raw[i+1])<<8 | uint64(raw[i+2])<<16 | uint64(raw[i+3])<<24 |
				uint64(raw[i+4])<<32 | uint64(raw[i+5])<<40 | uint64(raw[i+6])<<48 | uint64(raw[i+7])<<56
			if m := hasByte(x, '<') | hasByte(x, '>') | hasByte(x, '&') | hasByte(x, 0xe2); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(raw) {
			break
		}
		c := raw[i]
		switch {
		case c == '<' || c == '>' || c == '&':
			b = append(b, raw[start:i]...)
			b = append(b, `\u00`...)
			b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
			start = i + 1
		case c == 0xe2 && i+2 < len(raw) && raw[i+1] == 0x80 && raw[i+2]&^1 == 0xa8:
			b = append(b, raw[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[raw[i+2]&0xf])
			i += 2
			start = i + 1
		}
	}
	return append(b, raw[start:]...)
}

const hexDigits = "0123456789abcdef"

// Bytes-in-a-word tests (eight bytes of a string at once, little-endian). Each sets the
// high bit of the bytes it finds; a borrow may also set it in bytes above a found one,
// never below, so the lowest set bit is always a real find.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// hasByte marks the bytes of x equal to c.
func hasByte(x uint64, c byte) uint64 {
	y := x ^ (ones * uint64(c))
	return (y - ones) &^ y & highs
}

// jsonSpecial8 marks the bytes of x that are not jsonPlain: control characters, '"',
// '\\', '<', '>', '&' and every byte of a multi-byte character (0x80 and up).
func jsonSpecial8(x uint64) uint64 {
	return x&highs | (x-ones*0x20)&^x&highs | hasByte(x, '"') | hasByte(x, '\\') | hasByte(x, '<') | hasByte(x, '>') | hasByte(x, '&')
}

// load64 reads s[i:i+8] as a little-endian word.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// jsonPlain are the ASCII bytes a JSON string carries as they are with HTML escaping
// on: all but control characters, '"', '\\', '<', '>' and '&'.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString appends s as a JSON string exactly as encoding/json does with HTML
// escaping on: invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while they are all plain ASCII.
		for i+8 <= len(s) {
			if m := jsonSpecial8(load64(s, i)); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, `\u00`...)
				b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// splitPayload finds the values of the "buttons", "cards" and "charts" members of a
// stored payload object without decoding them. ok is false when p is not an object.
func splitPayload(p []byte) (buttons, cards, charts []byte, ok bool) {
	i := skipSpace(p, 0)
	if i >= len(p) || p[i] != '{' {
		return nil, nil, nil, false
	}
	i = skipSpace(p, i+1)
	if i < len(p) && p[i] == '}' {
		return nil, nil, nil, skipSpace(p, i+1) == len(p)
	}
	for {
		if i >= len(p) || p[i] != '"' {
			return nil, nil, nil, false
		}
		kEnd := skipValue(p, i)
		if kEnd < 0 {
			return nil, nil, nil, false
		}
		key := string(p[i+1 : kEnd-1])
		i = skipSpace(p, kEnd)
		if i >= len(p) || p[i] != ':' {
			return nil, nil, nil, false
		}
		i = skipSpace(p, i+1)
		vEnd := skipValue(p, i)
		if vEnd < 0 {
			return nil, nil, nil, false
		}
		switch key {
		case "buttons":
			buttons = p[i:vEnd]
		case "cards":
			cards = p[i:vEnd]
		case "charts":
			charts = p[i:vEnd]
		}
		i = skipSpace(p, vEnd)
		if i < len(p) && p[i] == ',' {
			i = skipSpace(p, i+1)
			continue
		}
		if i < len(p) && p[i] == '}' && skipSpace(p, i+1) == len(p) {
			return buttons, cards, charts, true
		}
		return nil, nil, nil, false
	}
}

func skipSpace(p []byte, i int) int {
	for i < len(p) && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at p[i], or -1. It tracks
// strings and nesting only; the payload was written by encoding/json.
func skipValue(p []byte, i int) int {
	if i >= len(p) {
		return -1
	}
	depth := 0
	for ; i < len(p); i++ {
		switch c := p[i]; c {
		case '"':
			for i++; i < len(p) && p[i] != '"'; i++ {
				if p[i] == '\\' {
					i++
				}
			}
			if i >= len(p) {
				return -1
			}
			if depth == 0 {
				return i + 1
			}
		case '[', '{':
			depth++
		case ']', '}':
			if depth == 0 {
				return i // the end of a literal at the top level
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ':', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		default:
			// a literal (number, true, false, null) at the top level runs to a delimiter
		}
	}
	if depth != 0 {
		return -1
	}
	return i
}

// validConversationID says whether id is 1-128 of A-Z a-z 0-9 . _ ~ - (the REST
// channel's conversation ids), without a regular expression on the hot path.
func validConversationID(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '~' || c == '-') {
			return false
		}
	}
	return true
}

// parseMessageRequest reads the common REST request body without reflection: one flat
// object whose keys are text, location, button, command (strings without escapes) and
// age (a whole number), each at most once. ok is false for anything else (escapes,
// null, unknown or repeated keys, a syntax error, trailing data): the caller then
// decodes with encoding/json, which gives the same result or the error to report. p
// must be valid UTF-8 (postMessage checks it first).
func parseMessageRequest(p []byte) (req MessageRequest, ok bool) {
	i := skipSpace(p, 0)
	if i >= len(p) || p[i] != '{' {
		return req, false
	}
	i = skipSpace(p, i+1)
	if i < len(p) && p[i] == '}' {
		return req, skipSpace(p, i+1) == len(p)
	}
	var seen uint8
	for {
		key, j, ok := plainString(p, i)
		if !ok {
			return req, false
		}
		i = skipSpace(p, j)
		if i >= len(p) || p[i] != ':' {
			return req, false
		}
		i = skipSpace(p, i+1)
		var bit uint8
		var dst *string
		switch key {
		case "text":
			bit, dst = 1, &req.Text
		case "location":
			bit, dst = 2, &req.Location
		case "button":
			bit, dst = 4, &req.Button
		case "command":
			bit, dst = 8, &req.Command
		case "age":
			bit = 16
		default:
			return req, false
		}
		if seen&bit != 0 {
			return req, false
		}
		seen |= bit
		if dst != nil {
			v, j, ok := plainString(p, i)
			if !ok {
				return req, false
			}
			*dst, i = v, j
		} else {
			n, j, ok := plainInt(p, i)
			if !ok {
				return req, false
			}
			req.Age, i = n, j
		}
		i = skipSpace(p, i)
		if i >= len(p) {
			return req, false
		}
		switch p[i] {
		case ',':
			i = skipSpace(p, i+1)
		case '}':
			return req, skipSpace(p, i+1) == len(p)
		default:
			return req, false
		}
	}
}

// plainString reads a JSON string at p[i] that has no escapes and no control
// characters, returning it and the index after its closing quote.
func plainString(p []byte, i int) (string, int, bool) {
	if i >= len(p) || p[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(p); j++ {
		switch c := p[j]; {
		case c == '"':
			return string(p[i+1 : j]), j + 1, true
		case c == '\\' || c < 0x20:
			return "", 0, false
		}
	}
	return "", 0, false
}

// plainInt reads a JSON integer at p[i] (no fraction or exponent, at most 9 digits).
func plainInt(p []byte, i int) (int, int, bool) {
	neg := i < len(p) && p[i] == '-'
	if neg {
		i++
	}
	start, n := i, 0
	for ; i < len(p) && p[i] >= '0' && p[i] <= '9'; i++ {
		n = n*10 + int(p[i]-'0')
	}
	digits := i - start
	if digits == 0 || digits > 9 || (digits > 1 && p[start] == '0') {
		return 0, 0, false
	}
	if i < len(p) && (p[i] == '.' || p[i] == 'e' || p[i] == 'E') {
		return 0, 0, false
	}
	if neg {
		n = -n
	}
	return n, i, true
}
