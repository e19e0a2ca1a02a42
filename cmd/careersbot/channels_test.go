package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/careersbot/careersbot/adapters/discord"
	"github.com/careersbot/careersbot/adapters/discord/discordtest"
	"github.com/careersbot/careersbot/adapters/slack"
	"github.com/careersbot/careersbot/adapters/slack/slacktest"
	"github.com/careersbot/careersbot/adapters/telegram"
	"github.com/careersbot/careersbot/adapters/telegram/telegramtest"
	"github.com/careersbot/careersbot/adapters/terminal"
	"github.com/careersbot/careersbot/internal/syncbuf"
	"gopkg.in/yaml.v3"
)

func yamlNode(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

func TestChannelFactories(t *testing.T) {
	tg := telegramtest.NewServer("123:abc")
	defer tg.Close()
	sl := slacktest.NewServer()
	defer sl.Close()
	byName := map[string]channelFactory{}
	for _, f := range channelFactories() {
		byName[f.name] = f
	}
	tests := []struct {
		name    string
		channel string
		yaml    string
		env     map[string]string
		enabled bool
		errLike string
	}{
		{"telegram off", "telegram", "", nil, false, ""},
		{"telegram unknown key", "telegram", "token: x\ncolour: red\n", nil, false, "channels.telegram:2:1: unknown setting \"colour\""},
		{"telegram bad duration", "telegram", "poll_timeout: soon\n", nil, false, "channels.telegram:1:15: bad duration"},
		{"telegram env token", "telegram", "api_endpoint: " + tg.Endpoint() + "\n", map[string]string{"CAREERSBOT_TELEGRAM_TOKEN": "123:abc"}, true, ""},
		{"telegram wrong token", "telegram", "api_endpoint: " + tg.Endpoint() + "\ntoken: \"9:no\"\n", nil, false, "Unauthorized"},
		{"telegram webhook without secret", "telegram", "api_endpoint: " + tg.Endpoint() + "\nwebhook_url: https://x.example/tg\n", map[string]string{"CAREERSBOT_TELEGRAM_TOKEN": "123:abc"}, false, "webhook secret"},
		{"slack off", "slack", "app_token: xapp-1\n", nil, false, ""},
		{"slack socket mode", "slack", "api_url: " + sl.APIURL() + "\n", map[string]string{"CAREERSBOT_SLACK_BOT_TOKEN": "xoxb-1", "CAREERSBOT_SLACK_APP_TOKEN": "xapp-1"}, true, ""},
		{"slack bad app token", "slack", "api_url: " + sl.APIURL() + "\nbot_token: xoxb-1\napp_token: xoxb-2\n", nil, false, "xapp-"},
		{"slack no receiver", "slack", "api_url: " + sl.APIURL() + "\nbot_token: xoxb-1\n", nil, false, "signing secret"},
		{"discord off", "discord", "guild_id: \"1\"\n", nil, false, ""},
		{"discord env", "discord", "", map[string]string{"CAREERSBOT_DISCORD_TOKEN": "t"}, true, ""},
		{"discord not a mapping", "discord", "- a\n", nil, false, "channels.discord:1:1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var node *yaml.Node
			if tc.yaml != "" {
				node = yamlNode(t, tc.yaml)
			}
			getenv := func(k string) string { return tc.env[k] }
			a, err := byName[tc.channel].build(node, getenv, channelDeps{Logger: slog.New(slog.DiscardHandler)})
			if tc.errLike != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errLike) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.errLike)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (a != nil) != tc.enabled {
				t.Fatalf("adapter %v, enabled want %v", a, tc.enabled)
			}
			if a != nil && a.Name() != tc.channel {
				t.Fatalf("name %q", a.Name())
			}
		})
	}
}

func waitFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestTelegramThroughService(t *testing.T) {
	t.Parallel()
	srv := telegramtest.NewServer("123:abc")
	defer srv.Close()
	a, err := telegram.New(context.Background(), telegram.Options{Token: "123:abc", APIEndpoint: srv.Endpoint(), PollTimeout: time.Second, PerChat: -1})
	if err != nil {
		t.Fatal(err)
	}
	startService(t, a)

	srv.SendText(42, "/start")
	sent, err := srv.WaitCalls(waitFor(t), 1, "sendMessage")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("start: %s", sent[0].Params["text"])
	srv.SendText(42, "how much does a nurse earn?")
	sent, err = srv.WaitCalls(waitFor(t), 2, "sendMessage")
	if err != nil {
		t.Fatal(err)
	}
	pay := sent[len(sent)-1]
	t.Logf("pay: %s\nkeyboard: %s", pay.Params["text"], pay.Params["reply_markup"])
	if !strings.Contains(pay.Params["text"], "£") || pay.Params["parse_mode"] != "HTML" {
		t.Fatalf("pay answer %q", pay.Params["text"])
	}
	n := len(srv.Sent())
	// Press the first quick reply offered, if any.
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	for i := len(sent) - 1; i >= 0 && len(kb.InlineKeyboard) == 0; i-- {
		json.Unmarshal([]byte(sent[i].Params["reply_markup"]), &kb)
		if len(kb.InlineKeyboard) > 0 {
			srv.Press(42, sent[i], kb.InlineKeyboard[0][0].CallbackData)
			if _, err := srv.WaitCalls(waitFor(t), 1, "answerCallbackQuery"); err != nil {
				t.Fatal(err)
			}
			got, err := srv.WaitCalls(waitFor(t), n+1, "sendMessage", "sendPhoto")
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("after pressing %q: %s", kb.InlineKeyboard[0][0].Text, got[len(got)-1].Params["text"])
			n = len(got)
		}
	}
	// The platform refuses the next reply (429 with retry_after): the service's outbox
	// retries after it and the reply still arrives, once.
	srv.Fail("sendMessage", telegramtest.Failure{Code: 429, RetryAfter: 1})
	// The handoff answers twice: the engine's reply, then the place in the queue.
	srv.SendText(42, "/adviser")
	got, err := srv.WaitCalls(waitFor(t), n+2, "sendMessage")
	if err != nil {
		t.Fatal(err)
	}
	reply, place := got[len(got)-2].Params["text"], got[len(got)-1].Params["text"]
	t.Logf("adviser: %s\nplace: %s", reply, place)
	if !strings.Contains(strings.ToLower(reply), "adviser") || !strings.Contains(place, "in the queue") {
		t.Fatalf("handoff answers %q, %q", reply, place)
	}
	time.Sleep(200 * time.Millisecond)
	if all := srv.Calls("sendMessage", "sendPhoto"); len(all) != n+2 {
		t.Fatalf("%d messages after the retried reply, want %d", len(all), n+2)
	}
}

func TestSlackThroughService(t *testing.T) {
	t.Parallel()
	srv := slacktest.NewServer()
	defer srv.Close()
	a, err := slack.New(context.Background(), slack.Options{BotToken: "xoxb-1", AppToken: "xapp-1", APIURL: srv.APIURL(), PingInterval: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	startService(t, a)
	srv.PushEvent("Ev1", slacktest.DirectMessage("D1", "U1", "how much does a nurse earn?", "1.1"))
	posts, err := srv.WaitPosts(waitFor(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pay: %s\n%s", posts[0].Text, posts[0].Blocks)
	if !strings.Contains(string(posts[0].Blocks), "£") {
		t.Fatalf("pay answer %s", posts[0].Blocks)
	}
	// Wait for a post by what it is, not by counting (see the report on duplicate
	// deliveries by the outbox under load).
	waitPost := func(what string, pred func(slacktest.Post) bool) slacktest.Post {
		t.Helper()
		var found slacktest.Post
		ctx := waitFor(t)
		for ctx.Err() == nil {
			for _, p := range srv.Posts() {
				if pred(p) {
					return p
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("no post %s in %d posts", what, len(srv.Posts()))
		return found
	}
	if bs := slackButtons(posts[0].Blocks); len(bs) > 0 {
		srv.PushInteractive(slacktest.BlockActions("U1", posts[0], bs[0][1], bs[0][0]))
		p := waitPost("answering the button", func(p slacktest.Post) bool { return p.Channel == "D1" && p.Text != posts[0].Text })
		t.Logf("after pressing %q: %s", bs[0][0], p.Text)
	}
	srv.PushEvent("Ev2", slacktest.AppMention("C1", "U2", "I want to talk to an adviser", "2.1", ""))
	last := waitPost("in the mention's thread", func(p slacktest.Post) bool { return p.Channel == "C1" && p.ThreadTS == "2.1" })
	if !strings.Contains(strings.ToLower(last.Text), "adviser") {
		t.Fatalf("handoff answer %q", last.Text)
	}
	t.Logf("adviser: %s", last.Text)
}

// slackButtons returns [label, value] of the buttons in Block Kit JSON.
func slackButtons(blocks json.RawMessage) [][2]string {
	var bs []struct {
		Type     string `json:"type"`
		Elements []struct {
			Type  string `json:"type"`
			Value string `json:"value"`
			Text  struct {
				Text string `json:"text"`
			} `json:"text"`
		} `json:"elements"`
	}
	json.Unmarshal(blocks, &bs)
	var out [][2]string
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.Type == "button" {
				out = append(out, [2]string{e.Text.Text, e.Value})
			}
		}
	}
	return out
}

func TestDiscordThroughService(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer("tok")
	defer srv.Close()
	a, err := discord.New(discord.Options{Token: "tok", HTTPClient: srv.Client(), RetryMin: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	startService(t, a)
	select {
	case <-a.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("no READY")
	}
	srv.DirectMessage("dm1", "u1", "how much does a nurse earn?")
	sent, err := srv.WaitSent(waitFor(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := json.Marshal(sent)
	t.Logf("pay: %s", all)
	if !strings.Contains(string(all), "£") {
		t.Fatalf("pay answer %s", all)
	}
	srv.SlashCommand("c1", "u2", "adviser")
	got, err := srv.WaitSent(waitFor(t), len(sent)+1)
	if err != nil {
		t.Fatal(err)
	}
	last := got[len(got)-1]
	if last.ChannelID != "c1" || !strings.HasPrefix(last.Content, "<@u2>") {
		t.Fatalf("slash answer %+v", last)
	}
	t.Logf("adviser: %s", last.Content)
}

func TestTerminalThroughService(t *testing.T) {
	t.Parallel()
	in, w := io.Pipe()
	out := &syncbuf.Buffer{}
	a := terminal.New(in, out, terminal.Options{Prompt: "> "})
	startService(t, a)
	t.Cleanup(func() { w.Close() })
	waitOut := func(n int) string {
		deadline := time.Now().Add(8 * time.Second)
		for time.Now().Before(deadline) {
			if s := out.String(); strings.Count(s, "\n> ") >= n { // each reply ends with a prompt
				return s
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("no reply %d in:\n%s", n, out.String())
		return ""
	}
	io.WriteString(w, "how much does a nurse earn?\n")
	s := waitOut(1)
	if !strings.Contains(s, "£") || !strings.Contains(s, "1. ") {
		t.Fatalf("pay answer without figures or numbered quick replies:\n%s", s)
	}
	io.WriteString(w, "1\n") // the first quick reply, by number
	s = waitOut(2)
	if reply := s[strings.LastIndex(s[:len(s)-3], "\n> ")+3:]; !strings.Contains(reply, "(") {
		t.Fatalf("quick reply answered without a source:\n%s", reply)
	}
}
