package bot

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/careersbot/careersbot/dialog"
)

// Every REST turn stores the conversation's state and, for most replies, the reply's
// buttons, cards and charts as JSON. encoding/json's reflection was ~13 µs and ~20
// allocations of a turn; these encoders write the same bytes by hand for the types as
// they are. fastJSONTypes checks at first use that the types still have exactly the
// fields the encoders know (names, types and tags): when one changed, every value goes
// to encoding/json until the encoders are brought up to date (TestFastJSONTypes fails
// meanwhile). Unusual values (a queued conversation's times and handoff details, a NaN
// in a chart) go to encoding/json as well. TestStateJSON and TestPayloadJSON hold the
// output to encoding/json's, byte for byte.

// marshalConversation is json.Marshal(c).
func marshalConversation(c *Conversation) ([]byte, error) {
	if fastJSONTypes() {
		if b, ok := appendConversationJSON(make([]byte, 0, 1024), c); ok {
			return b, nil
		}
	}
	return json.Marshal(c)
}

// marshalPayload is json.Marshal(p).
func marshalPayload(p *Payload) ([]byte, error) {
	if fastJSONTypes() {
		if b, ok := appendPayloadJSON(make([]byte, 0, 1024), p); ok {
			return b, nil
		}
	}
	return json.Marshal(p)
}

// fastJSONFields are the fields the encoders write, as typeSignature gives them.
var fastJSONFields = map[reflect.Type]string{
	reflect.TypeFor[Conversation](): "Key string json:\"key\"; Channel string json:\"channel\"; State string json:\"state\"; " +
		"Adviser string json:\"adviser,omitempty\"; Dialog dialog.State json:\"dialog\"; Updated time.Time json:\"updated\"; " +
		"QueuedAt time.Time json:\"queued_at,omitzero\"; Flagged bool json:\"flagged,omitempty\"; " +
		"Handoff bot.HandoffInfo json:\"handoff,omitzero\"; Version int64 json:\"-\"",
	reflect.TypeFor[dialog.State](): "Profile dialog.Profile json:\"profile\"; Slots map[string]string json:\"slots,omitempty\"; " +
		"LastOccupations []string json:\"last_occupations,omitempty\"; LastIntent string json:\"last_intent,omitempty\"; " +
		"Pending *dialog.Pending json:\"pending,omitempty\"; Fallbacks int json:\"fallbacks\"; Turns int json:\"turns\"; " +
		"ExplainedTerms []string json:\"explained_terms,omitempty\"; LastOccupationNames []string json:\"last_occupation_names,omitempty\"; " +
		"Answers int json:\"answers,omitempty\"; FeedbackAsked bool json:\"feedback_asked,omitempty\"; " +
		"Offered []dialog.Button json:\"offered,omitempty\"",
	reflect.TypeFor[dialog.Profile](): "Age int json:\"age,omitempty\"; AgeGroup string json:\"age_group,omitempty\"; " +
		"Region string json:\"region,omitempty\"; District string json:\"district,omitempty\"; Place string json:\"place,omitempty\"; " +
		"Interests []string json:\"interests,omitempty\"; Subjects []string json:\"subjects,omitempty\"; " +
		"Skills []string json:\"skills,omitempty\"; QualLevel string json:\"qual_level,omitempty\"",
	reflect.TypeFor[dialog.Pending](): "Slot string json:\"slot\"; Intent string json:\"intent\"; Options []string json:\"options,omitempty\"",
	reflect.TypeFor[dialog.Button]():  "Label string json:\"label\"; Value string json:\"value\"",
	reflect.TypeFor[dialog.Field]():   "Label string json:\"label\"; Value string json:\"value\"",
	reflect.TypeFor[dialog.Card](): "Title string json:\"title\"; Subtitle string json:\"subtitle,omitempty\"; " +
		"Fields []dialog.Field json:\"fields,omitempty\"; Footer string json:\"footer,omitempty\"",
	reflect.TypeFor[dialog.Chart](): "Kind string json:\"kind\"; Title string json:\"title\"; Labels []string json:\"labels\"; " +
		"Series []dialog.Series json:\"series\"; Unit string json:\"unit,omitempty\"; AltText string json:\"alt_text\"; " +
		"Source string json:\"source\"",
	reflect.TypeFor[dialog.Series](): "Name string json:\"name\"; Values []float64 json:\"values\"",
	reflect.TypeFor[Payload](): "Buttons []dialog.Button json:\"buttons,omitempty\"; Cards []dialog.Card json:\"cards,omitempty\"; " +
		"Charts []dialog.Chart json:\"charts,omitempty\"",
}

// fastJSONTypes says whether every type the encoders write still has the fields they
// know; its first call checks.
var fastJSONTypes = sync.OnceValue(func() bool { return fastJSONMismatch() == "" })

// fastJSONMismatch names the first type whose fields differ from fastJSONFields, or "".
func fastJSONMismatch() string {
	for t, want := range fastJSONFields {
		if got := typeSignature(t); got != want {
			return fmt.Sprintf("%s: fields are %q, the encoders know %q", t, got, want)
		}
	}
	return ""
}

// typeSignature lists a struct type's fields: name, type and tag.
func typeSignature(t reflect.Type) string {
	var parts []string
	for i := range t.NumField() {
		f := t.Field(i)
		s := f.Name + " " + f.Type.String()
		if f.Tag != "" {
			s += " " + string(f.Tag)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// appendConversationJSON appends what json.Marshal writes for c. ok is false for a
// conversation this encoder leaves to encoding/json (queued or handed-off details,
// a time outside years 0-9999).
func appendConversationJSON(b []byte, c *Conversation) (_ []byte, ok bool) {
	if !c.QueuedAt.IsZero() || c.Handoff != (HandoffInfo{}) {
		return b, false
	}
	b = append(b, `{"key":`...)
	b = appendJSONString(b, c.Key)
	b = append(b, `,"channel":`...)
	b = appendJSONString(b, c.Channel)
	b = append(b, `,"state":`...)
	b = appendJSONString(b, c.State)
	if c.Adviser != "" {
		b = append(b, `,"adviser":`...)
		b = appendJSONString(b, c.Adviser)
	}
	b = append(b, `,"dialog":`...)
	b = appendDialogState(b, &c.Dialog)
	b = append(b, `,"updated":`...)
	if b, ok = appendJSONTime(b, c.Updated); !ok {
		return b, false
	}
	if c.Flagged {
		b = append(b, `,"flagged":true`...)
	}
	return append(b, '}'), true
}

// appendJSONTime appends t as time.Time.MarshalJSON does (RFC 3339 with nanoseconds),
// for the times it accepts without error.
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	if _, off := t.Zone(); off%60 != 0 || off <= -24*3600 || off >= 24*3600 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), true
}

func appendDialogState(b []byte, s *dialog.State) []byte {
	p := &s.Profile
	b = append(b, `{"profile":{`...)
	n := len(b)
	if p.Age != 0 {
		b = strconv.AppendInt(append(b, `,"age":`...), int64(p.Age), 10)
	}
	b = appendOmitString(b, `,"age_group":`, p.AgeGroup)
	b = appendOmitString(b, `,"region":`, p.Region)
	b = appendOmitString(b, `,"district":`, p.District)
	b = appendOmitString(b, `,"place":`, p.Place)
	b = appendOmitStrings(b, `,"interests":`, p.Interests)
	b = appendOmitStrings(b, `,"subjects":`, p.Subjects)
	b = appendOmitStrings(b, `,"skills":`, p.Skills)
	b = appendOmitString(b, `,"qual_level":`, p.QualLevel)
	if len(b) > n {
		b = append(b[:n], b[n+1:]...) // the first member's comma
	}
	b = append(b, '}')
	if len(s.Slots) > 0 {
		b = appendStringMap(append(b, `,"slots":`...), s.Slots)
	}
	b = appendOmitStrings(b, `,"last_occupations":`, s.LastOccupations)
	b = appendOmitString(b, `,"last_intent":`, s.LastIntent)
	if pd := s.Pending; pd != nil {
		b = append(b, `,"pending":{"slot":`...)
		b = appendJSONString(b, pd.Slot)
		b = append(b, `,"intent":`...)
		b = appendJSONString(b, pd.Intent)
		b = appendOmitStrings(b, `,"options":`, pd.Options)
		b = append(b, '}')
	}
	b = strconv.AppendInt(append(b, `,"fallbacks":`...), int64(s.Fallbacks), 10)
	b = strconv.AppendInt(append(b, `,"turns":`...), int64(s.Turns), 10)
	b = appendOmitStrings(b, `,"explained_terms":`, s.ExplainedTerms)
	b = appendOmitStrings(b, `,"last_occupation_names":`, s.LastOccupationNames)
	if s.Answers != 0 {
		b = strconv.AppendInt(append(b, `,"answers":`...), int64(s.Answers), 10)
	}
	if s.FeedbackAsked {
		b = append(b, `,"feedback_asked":true`...)
	}
	if len(s.Offered) > 0 {
		b = appendButtons(append(b, `,"offered":`...), s.Offered)
	}
	return append(b, '}')
}

// appendPayloadJSON appends what json.Marshal writes for p. ok is false when a chart
// holds a value JSON cannot carry (NaN, ±Inf: encoding/json's error then stands).
func appendPayloadJSON(b []byte, p *Payload) (_ []byte, ok bool) {
	b = append(b, '{')
	n := len(b)
	if len(p.Buttons) > 0 {
		b = appendButtons(append(b, `,"buttons":`...), p.Buttons)
	}
	if len(p.Cards) > 0 {
		b = append(b, `,"cards":[`...)
		for i := range p.Cards {
			if i > 0 {
				b = append(b, ',')
			}
			c := &p.Cards[i]
			b = append(b, `{"title":`...)
			b = appendJSONString(b, c.Title)
			b = appendOmitString(b, `,"subtitle":`, c.Subtitle)
			if len(c.Fields) > 0 {
				b = append(b, `,"fields":[`...)
				for j, f := range c.Fields {
					if j > 0 {
						b = append(b, ',')
					}
					b = appendLabelValue(b, f.Label, f.Value)
				}
				b = append(b, ']')
			}
			b = appendOmitString(b, `,"footer":`, c.Footer)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(p.Charts) > 0 {
		b = append(b, `,"charts":[`...)
		for i := range p.Charts {
			if i > 0 {
				b = append(b, ',')
			}
			c := &p.Charts[i]
			b = append(b, `{"kind":`...)
			b = appendJSONString(b, c.Kind)
			b = append(b, `,"title":`...)
			b = appendJSONString(b, c.Title)
			b = appendStrings(append(b, `,"labels":`...), c.Labels)
			b = append(b, `,"series":`...)
			if c.Series == nil {
				b = append(b, "null"...)
			} else {
				b = append(b, '[')
				for j := range c.Series {
					if j > 0 {
						b = append(b, ',')
					}
					s := &c.Series[j]
					b = append(b, `{"name":`...)
					b = appendJSONString(b, s.Name)
					b = append(b, `,"values":`...)
					if b, ok = appendFloats(b, s.Values); !ok {
						return b, false
					}
					b = append(b, '}')
				}
				b = append(b, ']')
			}
			b = appendOmitString(b, `,"unit":`, c.Unit)
			b = append(b, `,"alt_text":`...)
			b = appendJSONString(b, c.AltText)
			b = append(b, `,"source":`...)
			b = appendJSONString(b, c.Source)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(b) > n {
		b = append(b[:n], b[n+1:]...) // the first member's comma
	}
	return append(b, '}'), true
}

func appendButtons(b []byte, bs []dialog.Button) []byte {
	b = append(b, '[')
	for i, x := range bs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendLabelValue(b, x.Label, x.Value)
	}
	return append(b, ']')
}

func appendLabelValue(b []byte, label, value string) []byte {
	b = append(b, `{"label":`...)
	b = appendJSONString(b, label)
	b = append(b, `,"value":`...)
	b = appendJSONString(b, value)
	return append(b, '}')
}

// appendOmitString appends key and s unless s is empty (omitempty).
func appendOmitString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

// appendOmitStrings appends key and ss unless ss is empty (omitempty).
func appendOmitStrings(b []byte, key string, ss []string) []byte {
	if len(ss) == 0 {
		return b
	}
	return appendStrings(append(b, key...), ss)
}

// appendStrings appends ss as a JSON array (null when nil, as encoding/json).
func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendStringMap appends m with its keys in order, as encoding/json does.
func appendStringMap(b []byte, m map[string]string) []byte {
	var buf [16]string
	keys := buf[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}

// appendFloats appends fs as encoding/json writes a []float64; ok is false for NaN
// and ±Inf, which it refuses.
func appendFloats(b []byte, fs []float64) ([]byte, bool) {
	if fs == nil {
		return append(b, "null"...), true
	}
	b = append(b, '[')
	for i, f := range fs {
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return b, false
		}
		if i > 0 {
			b = append(b, ',')
		}
		format := byte('f')
		if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
			format = 'e'
		}
		b = strconv.AppendFloat(b, f, format, -1, 64)
		if format == 'e' {
			// e-09 to e-9, as encoding/json
			if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
				b[n-2] = b[n-1]
				b = b[:n-1]
			}
		}
	}
	return append(b, ']'), true
}
