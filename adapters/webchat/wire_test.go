package webchat_test

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/webchat"
)

// rawConn is a hand-written RFC 6455 client: it can send what a library client never
// would (unmasked frames, reserved bits, split headers), to test the adapter's reader.
type rawConn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

// rawFrame is one client frame as sent on the wire.
type rawFrame struct {
	op       byte
	payload  string
	notFinal bool
	unmasked bool
	rsv      byte // RSV1-3 bits, e.g. 0x40
}

func (f rawFrame) bytes() []byte {
	b0 := f.op | f.rsv
	if !f.notFinal {
		b0 |= 0x80
	}
	b := []byte{b0}
	mask := byte(0x80)
	if f.unmasked {
		mask = 0
	}
	switch n := len(f.payload); {
	case n < 126:
		b = append(b, mask|byte(n))
	case n < 1<<16:
		b = append(b, mask|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, mask|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	p := []byte(f.payload)
	if !f.unmasked {
		var key [4]byte
		rand.Read(key[:])
		b = append(b, key[:]...)
		for i := range p {
			p[i] ^= key[i%4]
		}
	}
	return append(b, p...)
}

func text(s string) rawFrame { return rawFrame{op: 0x1, payload: s} }

// dialRaw opens a socket; first, when not empty, is sent in the same write as the
// upgrade request (a client that does not wait for the 101).
func dialRaw(t *testing.T, r *rig, first []byte) *rawConn {
	t.Helper()
	host := strings.TrimPrefix(r.srv.URL, "http://")
	c, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	var key [16]byte
	rand.Read(key[:])
	k := base64.StdEncoding.EncodeToString(key[:])
	req := fmt.Sprintf("GET /chat/ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", host, k)
	if _, err := c.Write(append([]byte(req), first...)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %s", resp.Status)
	}
	sum := sha1.Sum([]byte(k + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if got := resp.Header.Get("Sec-WebSocket-Accept"); got != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Fatalf("Sec-WebSocket-Accept %q", got)
	}
	return &rawConn{t: t, c: c, br: br}
}

func (rc *rawConn) send(fs ...rawFrame) {
	rc.t.Helper()
	var b []byte
	for _, f := range fs {
		b = append(b, f.bytes()...)
	}
	if _, err := rc.c.Write(b); err != nil {
		rc.t.Fatal(err)
	}
}

// serverFrame is what the server sent: a text frame's JSON type and code, or a close
// frame's code and reason, or a pong's payload.
type gotFrame struct {
	op     byte
	typ    string // JSON "type" of a text frame
	code   string // JSON "code"
	close  int
	reason string
	raw    string
}

func (g gotFrame) String() string {
	switch g.op {
	case 0x8:
		return fmt.Sprintf("close %d %q", g.close, g.reason)
	case 0xA:
		return fmt.Sprintf("pong %q", g.raw)
	}
	return fmt.Sprintf("text %s", g.raw)
}

func (rc *rawConn) next() (gotFrame, error) {
	var h [2]byte
	if _, err := io.ReadFull(rc.br, h[:]); err != nil {
		return gotFrame{}, err
	}
	if h[0]&0x80 == 0 || h[0]&0x70 != 0 || h[1]&0x80 != 0 {
		return gotFrame{}, fmt.Errorf("server frame header %x: want final, no RSV, unmasked", h)
	}
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		io.ReadFull(rc.br, b[:])
		n = int(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		io.ReadFull(rc.br, b[:])
		n = int(binary.BigEndian.Uint64(b[:]))
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(rc.br, p); err != nil {
		return gotFrame{}, err
	}
	g := gotFrame{op: h[0] & 0x0f, raw: string(p)}
	switch g.op {
	case 0x1:
		var f struct{ Type, Code string }
		if err := json.Unmarshal(p, &f); err != nil {
			return g, fmt.Errorf("server text frame %q: %w", p, err)
		}
		g.typ, g.code = f.Type, f.Code
	case 0x8:
		if len(p) >= 2 {
			g.close, g.reason = int(binary.BigEndian.Uint16(p)), string(p[2:])
		}
	}
	return g, nil
}

// until reads frames until one matches, failing on end of stream.
func (rc *rawConn) until(want func(gotFrame) bool) gotFrame {
	rc.t.Helper()
	for {
		g, err := rc.next()
		if err != nil {
			rc.t.Fatalf("reading: %v", err)
		}
		if want(g) {
			return g
		}
	}
}

// closed reports that the server ended the TCP connection (after any frames).
func (rc *rawConn) closed() error {
	for {
		if _, err := rc.next(); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "reset") {
				return nil
			}
			return err
		}
	}
}

func helloFrame(conv string) rawFrame {
	return text(`{"type":"hello","conversation":"` + conv + `"}`)
}

func isType(typ string) func(gotFrame) bool {
	return func(g gotFrame) bool { return g.op == 0x1 && g.typ == typ }
}

func isClose(g gotFrame) bool { return g.op == 0x8 }

// TestReaderFrames sends frame sequences a browser may send (fragments, control frames
// between fragments, a frame split over many writes) and ones that break RFC 6455, and
// checks what comes back.
func TestReaderFrames(t *testing.T) {
	ping := `{"type":"ping"}`
	tests := []struct {
		name   string
		frames []rawFrame
		// want: "pong" (the JSON ping was answered), "error CODE", "close CODE",
		// "wspong PAYLOAD"
		want string
	}{
		{"whole frame", []rawFrame{text(ping)}, "pong"},
		{"three fragments", []rawFrame{{op: 1, payload: `{"type"`, notFinal: true}, {op: 0, payload: `:"pi`, notFinal: true}, {op: 0, payload: `ng"}`}}, "pong"},
		{"ping between fragments", []rawFrame{{op: 1, payload: `{"type":`, notFinal: true}, {op: 9, payload: "are you there"}, {op: 0, payload: `"ping"}`}}, "wspong are you there"},
		{"websocket ping", []rawFrame{{op: 9, payload: "x1"}}, "wspong x1"},
		{"pong is ignored", []rawFrame{{op: 0xA, payload: "unasked"}, text(ping)}, "pong"},
		{"binary fragments", []rawFrame{{op: 2, payload: `{"type"`, notFinal: true}, {op: 0, payload: `:"ping"}`}}, "error " + webchat.CodeBinary},
		{"fragments over the limit", []rawFrame{{op: 1, payload: strings.Repeat("a", 400), notFinal: true}, {op: 0, payload: strings.Repeat("b", 400)}}, "error " + webchat.CodeTooBig},
		{"16-bit length", []rawFrame{text(`{"type":"ping","text":"` + strings.Repeat("x", 300) + `"}`)}, "pong"},
		{"unmasked", []rawFrame{{op: 1, payload: ping, unmasked: true}}, "close 1002"},
		{"reserved bit (no deflate was agreed)", []rawFrame{{op: 1, payload: ping, rsv: 0x40}}, "close 1002"},
		{"unknown opcode", []rawFrame{{op: 3, payload: ping}}, "close 1002"},
		{"continuation with no message", []rawFrame{{op: 0, payload: ping}}, "close 1002"},
		{"new message inside a fragmented one", []rawFrame{{op: 1, payload: `{"ty`, notFinal: true}, text(ping)}, "close 1002"},
		{"fragmented ping", []rawFrame{{op: 9, payload: "x", notFinal: true}}, "close 1002"},
		{"ping over 125 bytes", []rawFrame{{op: 9, payload: strings.Repeat("p", 126)}}, "close 1002"},
		{"close echoes the code", []rawFrame{{op: 8, payload: "\x03\xe8bye"}}, "close 1000"},
		{"close 4000", []rawFrame{{op: 8, payload: "\x0f\xa0app"}}, "close 4000"},
		{"close body of one byte", []rawFrame{{op: 8, payload: "\x03"}}, "close 1002"},
		{"close code 1005 may not be sent", []rawFrame{{op: 8, payload: "\x03\xed"}}, "close 1002"},
		{"close reason not UTF-8", []rawFrame{{op: 8, payload: "\x03\xe8\xff"}}, "close 1007"},
		{"message far over the hard limit", []rawFrame{text(strings.Repeat("a", 70<<10))}, "close 1009"},
	}
	r := newRig(t, webchat.Options{MaxMessageBytes: 512})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := dialRaw(t, r, nil)
			rc.send(tt.frames...)
			kind, arg, _ := strings.Cut(tt.want, " ")
			switch kind {
			case "pong", "error":
				g := rc.until(func(g gotFrame) bool { return g.op == 0x1 || isClose(g) })
				if kind == "pong" && g.typ != "pong" || kind == "error" && (g.typ != "error" || g.code != arg) {
					t.Fatalf("got %s, want %s", g, tt.want)
				}
				// The connection is kept.
				rc.send(text(ping))
				rc.until(isType("pong"))
			case "wspong":
				g := rc.until(func(g gotFrame) bool { return g.op != 0x1 || g.typ == "pong" })
				if g.op != 0xA || g.raw != arg {
					t.Fatalf("got %s, want a pong with %q", g, arg)
				}
			case "close":
				g := rc.until(func(g gotFrame) bool { return g.op != 0x1 })
				if g.op != 0x8 || fmt.Sprint(g.close) != arg {
					t.Fatalf("got %s, want %s", g, tt.want)
				}
				if g.close != 1000 && g.close != 4000 && g.reason == "" {
					t.Errorf("close %d without a reason", g.close)
				}
				// The client's close frame (or nothing) ends the connection.
				rc.c.Write(rawFrame{op: 8, payload: "\x03\xe8"}.bytes())
				if err := rc.closed(); err != nil {
					t.Errorf("after close: %v", err)
				}
			}
		})
	}
}

// TestReaderSplitFrames writes a hello and a ping a byte at a time with pauses: a frame
// that has started is read to its end even when its bytes come in many segments.
func TestReaderSplitFrames(t *testing.T) {
	r := newRig(t, webchat.Options{})
	rc := dialRaw(t, r, nil)
	b := append(helloFrame(conv).bytes(), text(`{"type":"ping"}`).bytes()...)
	for i := range b {
		if _, err := rc.c.Write(b[i : i+1]); err != nil {
			t.Fatal(err)
		}
		if i%7 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	rc.until(isType("ready"))
	rc.until(isType("pong"))
}

// TestReaderFrameSentWithUpgrade: a client that sends its hello in the same packet as
// the upgrade request (the HTTP server has read it already) is answered.
func TestReaderFrameSentWithUpgrade(t *testing.T) {
	r := newRig(t, webchat.Options{})
	first := append(helloFrame(conv).bytes(), text(`{"type":"ping"}`).bytes()...)
	rc := dialRaw(t, r, first)
	rc.until(isType("ready"))
	rc.until(isType("pong"))
	// And the socket is then read by the poller like any other.
	rc.send(text(`{"type":"ping"}`))
	rc.until(isType("pong"))
}

// TestReaderUnfinishedFrame: a client that starts a frame and stops is closed after
// FrameTimeout, not held open.
func TestReaderUnfinishedFrame(t *testing.T) {
	r := newRig(t, webchat.Options{FrameTimeout: 100 * time.Millisecond})
	rc := dialRaw(t, r, nil)
	b := text(`{"type":"ping"}`).bytes()
	rc.c.Write(b[:5])
	if err := rc.closed(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for r.a.Status().Connections != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still counted", r.a.Status().Connections)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestIdleSocketsHaveNoGoroutine: idle sockets after hello cost no goroutine each (the
// poller watches them); the old design had one per socket.
func TestIdleSocketsHaveNoGoroutine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the epoll poller is Linux only; elsewhere each socket has a goroutine")
	}
	r := newRig(t, webchat.Options{})
	const n = 200
	before := runtime.NumGoroutine()
	for i := range n {
		rc := dialRaw(t, r, nil)
		rc.send(helloFrame(fmt.Sprintf("idle_goroutines_%03d", i)))
		rc.until(isType("ready"))
	}
	// Handler goroutines finish after the upgrade; give them a moment.
	var after int
	for range 500 {
		if after = runtime.NumGoroutine(); after-before < n/10 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if after-before >= n/10 {
		t.Errorf("%d idle sockets added %d goroutines (client side: none)", n, after-before)
	}
	if got := r.a.Connections(); got != n {
		t.Errorf("Connections() = %d, want %d", got, n)
	}
}
