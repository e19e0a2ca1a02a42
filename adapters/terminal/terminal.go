// Package terminal is a bot.Adapter over a reader and a writer (stdin and stdout), for
// trying careersbot by hand through the full service: each line is a message, quick
// replies are shown numbered and may be answered by number, and cards and charts are
// shown as plain text with their sources.
package terminal

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/careersbot/careersbot/adapters/render"
	"github.com/careersbot/careersbot/bot"
	"github.com/careersbot/careersbot/dialog"
)

// Name is the adapter's channel name.
const Name = "terminal"

// Options configure the adapter.
type Options struct {
	// Conversation and User name the one local conversation; default "local".
	Conversation string
	User         string
	// Prompt is written before each line is read; default "> ".
	Prompt string
	// Age and Location are sent with every message (as a profile would), if set.
	Age      int
	Location string
}

// Adapter is the terminal channel.
type Adapter struct {
	in   io.Reader
	opts Options
	run  string // distinguishes message ids between runs

	mu      sync.Mutex
	out     io.Writer
	buttons []dialog.Button
	n       int
}

// New returns an adapter reading lines from in and writing replies to out.
func New(in io.Reader, out io.Writer, o Options) *Adapter {
	if o.Conversation == "" {
		o.Conversation = "local"
	}
	if o.User == "" {
		o.User = "local"
	}
	if o.Prompt == "" {
		o.Prompt = "> "
	}
	return &Adapter{in: in, out: out, opts: o, run: strconv.FormatInt(time.Now().UnixNano(), 36)}
}

// Name implements bot.Adapter.
func (a *Adapter) Name() string { return Name }

// Capabilities implements bot.CapabilityReporter: plain text only.
func (a *Adapter) Capabilities() bot.Capabilities { return bot.Capabilities{} }

var commands = map[string]string{"start": "start", "help": "help", "adviser": "adviser", "advisor": "adviser", "delete": "delete"}

// Run reads lines until the input ends (then it returns nil) or ctx ends.
func (a *Adapter) Run(ctx context.Context, h bot.Handler) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(a.in)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
	}()
	a.prompt()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if err != nil {
				return fmt.Errorf("terminal: read: %w", err)
			}
			return nil
		case line := <-lines:
			line = strings.TrimSpace(line)
			if line == "" {
				a.prompt()
				continue
			}
			m := a.message(line)
			if err := h.Handle(ctx, m); err != nil {
				a.write("(not delivered: " + err.Error() + " — please type it again)\n")
				a.prompt()
			}
			// Otherwise the reply (Send) writes the next prompt.
		}
	}
}

// message turns a typed line into a Message: "/help" and friends become commands, a
// number or label of the last quick replies becomes a button press.
func (a *Adapter) message(line string) bot.Message {
	a.mu.Lock()
	a.n++
	m := bot.Message{ID: a.run + "-" + strconv.Itoa(a.n), Channel: Name, Conversation: a.opts.Conversation, User: a.opts.User,
		Text: line, Age: a.opts.Age, Location: a.opts.Location, Time: time.Now().UTC()}
	bs := a.buttons
	a.mu.Unlock()
	if strings.HasPrefix(line, "/") {
		word, rest, _ := strings.Cut(line[1:], " ")
		if c, ok := commands[strings.ToLower(word)]; ok {
			m.Command, m.Text = c, strings.TrimSpace(rest)
			return m
		}
	}
	if b, ok := render.MatchButton(line, bs); ok {
		m.Button, m.Text = b.Value, b.Label
	}
	return m
}

func (a *Adapter) prompt() { a.write(a.opts.Prompt) }

func (a *Adapter) write(s string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	io.WriteString(a.out, s)
}

// Send writes m as plain text; quick replies are numbered.
func (a *Adapter) Send(ctx context.Context, m bot.Message) error {
	text := render.Text(m, a.Capabilities())
	a.mu.Lock()
	defer a.mu.Unlock()
	a.buttons = m.Buttons
	if _, err := io.WriteString(a.out, "\n"+text+"\n\n"+a.opts.Prompt); err != nil {
		return &bot.SendError{Err: fmt.Errorf("terminal: %w", err)}
	}
	return nil
}
