package transcripts

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Anonymise replaces a conversation key with a salted hash ("c_" and 16 hex digits),
// stable for one salt so an export can still be grouped by conversation.
func Anonymise(conversation, salt string) string {
	m := hmac.New(sha256.New, []byte(salt))
	m.Write([]byte(conversation))
	return "c_" + hex.EncodeToString(m.Sum(nil))[:16]
}

// ExportedEvent is one event as exported: the conversation key is a salted hash and
// nothing names the person.
type ExportedEvent struct {
	Conversation string    `json:"conversation"`
	Seq          int64     `json:"seq"`
	Channel      string    `json:"channel"`
	Kind         string    `json:"kind"`
	Time         time.Time `json:"time"`
	Text         string    `json:"text"`
	Intent       string    `json:"intent,omitempty"`
	Rule         string    `json:"rule,omitempty"`
	Sources      []string  `json:"sources,omitempty"`
	Handoff      bool      `json:"handoff,omitempty"`
	Safeguarding bool      `json:"safeguarding,omitempty"`
	Feedback     string    `json:"feedback,omitempty"`
	// Action is an action event's details (a handoff transition or an adviser's
	// action: trigger, adviser, outcome, wait); JSON lines only.
	Action json.RawMessage `json:"action,omitempty"`
}

// Anonymised returns the exported form of e.
func Anonymised(e Event, salt string) ExportedEvent {
	x := ExportedEvent{
		Conversation: Anonymise(e.Conversation, salt), Seq: e.Seq, Channel: e.Channel, Kind: e.Kind,
		Time: e.Time.UTC(), Text: e.Text, Intent: e.Intent, Rule: e.Rule, Sources: e.Sources,
		Handoff: e.Handoff, Safeguarding: e.Safeguarding, Feedback: e.Feedback,
	}
	if e.Kind == KindAction && json.Valid(e.Payload) {
		x.Action = json.RawMessage(e.Payload)
	}
	return x
}

// ExportWriter writes anonymised events as JSON lines or CSV.
type ExportWriter struct {
	format string
	salt   string
	w      io.Writer
	enc    *json.Encoder
	csv    *csv.Writer
	header bool
}

// NewExportWriter returns a writer for format "jsonl" or "csv".
func NewExportWriter(w io.Writer, format, salt string) (*ExportWriter, error) {
	ew := &ExportWriter{format: format, salt: salt, w: w}
	switch format {
	case "jsonl", "":
		ew.format = "jsonl"
		ew.enc = json.NewEncoder(w)
		ew.enc.SetEscapeHTML(false)
	case "csv":
		ew.csv = csv.NewWriter(w)
	default:
		return nil, fmt.Errorf("transcripts: unknown export format %q (want jsonl or csv)", format)
	}
	return ew, nil
}

var csvHeader = []string{"conversation", "seq", "channel", "kind", "time", "text", "intent", "rule", "sources", "handoff", "safeguarding", "feedback"}

// Write writes one event.
func (ew *ExportWriter) Write(e Event) error {
	x := Anonymised(e, ew.salt)
	if ew.enc != nil {
		return ew.enc.Encode(x)
	}
	if !ew.header {
		ew.header = true
		if err := ew.csv.Write(csvHeader); err != nil {
			return err
		}
	}
	return ew.csv.Write([]string{x.Conversation, strconv.FormatInt(x.Seq, 10), x.Channel, x.Kind,
		x.Time.Format(time.RFC3339Nano), csvSafe(x.Text), x.Intent, x.Rule, strings.Join(x.Sources, " "),
		strconv.FormatBool(x.Handoff), strconv.FormatBool(x.Safeguarding), x.Feedback})
}

// csvSafe stops a spreadsheet from reading user text as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Flush finishes the output.
func (ew *ExportWriter) Flush() error {
	if ew.csv != nil {
		if !ew.header {
			ew.header = true
			if err := ew.csv.Write(csvHeader); err != nil {
				return err
			}
		}
		ew.csv.Flush()
		return ew.csv.Error()
	}
	return nil
}
