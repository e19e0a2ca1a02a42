package webchat

import (
	"encoding/json"
	"time"

	"github.com/careersbot/careersbot/dialog"
)

// Frame types on the wire. Every frame is one JSON object in a WebSocket text message,
// with a "type" field. docs/webchat.md describes the protocol.
const (
	// Client to server.
	FrameHello   = "hello"   // {conversation, after, age?}: start or resume a conversation
	FrameMessage = "message" // {id, text, button?, age?}: the young person said something
	FramePing    = "ping"    // keep-alive; answered with pong

	// Server to client. FrameMessage is also used server to client.
	FrameReady  = "ready"  // {conversation, last_seq, max_bytes}: replay after hello is complete
	FrameAck    = "ack"    // {id}: the message with this id was accepted
	FrameError  = "error"  // {id?, code, message}: a frame was refused
	FrameTyping = "typing" // the bot is working on a reply
	FramePong   = "pong"
)

// Error codes in error frames. A client resends a message refused with CodeUnavailable
// or CodeSlowDown later with the same id; the other codes mean the frame is wrong.
const (
	CodeBadFrame        = "bad_frame"        // not JSON, or an unknown type
	CodeBinary          = "binary"           // binary WebSocket frames are not accepted
	CodeNotUTF8         = "not_utf8"         // text frame is not valid UTF-8
	CodeTooBig          = "too_big"          // frame larger than MaxMessageBytes
	CodeBadConversation = "bad_conversation" // conversation id is not 8-64 of [A-Za-z0-9_-]
	CodeBadID           = "bad_id"           // message id is not 1-64 of [A-Za-z0-9_-]
	CodeNoHello         = "no_hello"         // a message arrived before hello
	CodeEmpty           = "empty"            // a message with neither text nor button
	CodeTooMany         = "too_many"         // too many sockets on one conversation
	CodeSlowDown        = "slow_down"        // rate limit: resend later
	CodeUnavailable     = "unavailable"      // the service did not accept it: resend later
)

// clientFrame is any frame a client sends. Fields not used by a type are ignored.
type clientFrame struct {
	Type         string `json:"type"`
	Conversation string `json:"conversation,omitempty"`
	After        int64  `json:"after,omitempty"`
	Age          int    `json:"age,omitempty"`
	ID           string `json:"id,omitempty"`
	Text         string `json:"text,omitempty"`
	Button       string `json:"button,omitempty"`
}

// serverFrame is any frame the server sends.
type serverFrame struct {
	Type         string          `json:"type"`
	ID           string          `json:"id,omitempty"`
	Conversation string          `json:"conversation,omitempty"`
	LastSeq      int64           `json:"last_seq,omitempty"`
	MaxBytes     int             `json:"max_bytes,omitempty"`
	Seq          int64           `json:"seq,omitempty"`
	Sender       string          `json:"sender,omitempty"`
	Time         *time.Time      `json:"time,omitempty"`
	Text         string          `json:"text,omitempty"`
	Buttons      []dialog.Button `json:"buttons,omitempty"`
	Cards        []dialog.Card   `json:"cards,omitempty"`
	Charts       []dialog.Chart  `json:"charts,omitempty"`
	Code         string          `json:"code,omitempty"`
	Message      string          `json:"message,omitempty"`
}

// payload is the structured part of a bot reply as the transcripts store keeps it in
// Event.Payload.
type payload struct {
	Buttons []dialog.Button `json:"buttons,omitempty"`
	Cards   []dialog.Card   `json:"cards,omitempty"`
	Charts  []dialog.Chart  `json:"charts,omitempty"`
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// serverFrame holds only strings, numbers and slices of plain structs.
		panic("webchat: marshal frame: " + err.Error())
	}
	return b
}

// validID reports whether s is min..max characters of [A-Za-z0-9_-].
func validID(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// ValidConversation reports whether id is a well-formed web chat conversation id:
// 8 to 64 characters of [A-Za-z0-9_-].
func ValidConversation(id string) bool { return validID(id, 8, 64) }
