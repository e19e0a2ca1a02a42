package main

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"time"

	"github.com/careersbot/careersbot/adapters/discord"
	"github.com/careersbot/careersbot/adapters/slack"
	"github.com/careersbot/careersbot/adapters/telegram"
	"github.com/careersbot/careersbot/bot"
	"gopkg.in/yaml.v3"
)

// channelDeps is what a channel adapter may need from the service when it is built.
type channelDeps struct {
	Logger *slog.Logger
	// Service is the running service, for channels that act for advisers (nil in
	// config checks).
	Service *bot.Service
}

// channelFactory builds one optional chat channel (Telegram, Slack, Discord...).
// build decodes the channel's config section (nil when absent; decode strictly, unknown
// keys are errors) and its environment variables (through getenv), and returns a nil
// adapter and nil error when the channel is not enabled (no token).
type channelFactory struct {
	name  string
	build func(node *yaml.Node, getenv func(string) string, deps channelDeps) (bot.Adapter, error)
}

// channelFactories lists every optional channel careersbot can run beside the web chat.
// docs/channels.md explains how a careers service creates each bot.
func channelFactories() []channelFactory {
	return []channelFactory{
		{name: "telegram", build: buildTelegram},
		{name: "slack", build: buildSlack},
		{name: "discord", build: buildDiscord},
	}
}

// connectTimeout bounds the token check (getMe, auth.test) at start.
const connectTimeout = 30 * time.Second

// telegramConfig is channels.telegram. Secrets may also come from the environment
// (which wins): CAREERSBOT_TELEGRAM_TOKEN, CAREERSBOT_TELEGRAM_WEBHOOK_SECRET.
type telegramConfig struct {
	Token         string   `yaml:"token"`
	WebhookURL    string   `yaml:"webhook_url"`
	WebhookPath   string   `yaml:"webhook_path"`
	WebhookSecret string   `yaml:"webhook_secret"`
	PollTimeout   duration `yaml:"poll_timeout"`
	PerChat       duration `yaml:"per_chat_interval"`
	Groups        bool     `yaml:"groups"`
	APIEndpoint   string   `yaml:"api_endpoint"`
}

// slackConfig is channels.slack; env CAREERSBOT_SLACK_BOT_TOKEN,
// CAREERSBOT_SLACK_APP_TOKEN, CAREERSBOT_SLACK_SIGNING_SECRET.
type slackConfig struct {
	BotToken          string `yaml:"bot_token"`
	AppToken          string `yaml:"app_token"`
	SigningSecret     string `yaml:"signing_secret"`
	EventsPath        string `yaml:"events_path"`
	InteractivityPath string `yaml:"interactivity_path"`
	APIURL            string `yaml:"api_url"`
	PublicURL         string `yaml:"public_url"`
	// AdviserChannel is a channel id (C...) where escalations are posted for advisers.
	AdviserChannel string `yaml:"adviser_channel"`
}

// discordConfig is channels.discord; env CAREERSBOT_DISCORD_TOKEN.
type discordConfig struct {
	Token      string `yaml:"token"`
	GuildID    string `yaml:"guild_id"`
	NoCommands bool   `yaml:"no_commands"`
}

func decodeChannel(name string, node *yaml.Node, v any) error {
	if node == nil || (node.Kind == yaml.ScalarNode && node.Tag == "!!null") {
		return nil
	}
	return decodeStrict("channels."+name, node, reflect.ValueOf(v).Elem())
}

func envOr(getenv func(string) string, key, v string) string {
	if e := getenv(key); e != "" {
		return e
	}
	return v
}

func buildTelegram(node *yaml.Node, getenv func(string) string, deps channelDeps) (bot.Adapter, error) {
	var c telegramConfig
	if err := decodeChannel("telegram", node, &c); err != nil {
		return nil, err
	}
	c.Token = envOr(getenv, "CAREERSBOT_TELEGRAM_TOKEN", c.Token)
	c.WebhookSecret = envOr(getenv, "CAREERSBOT_TELEGRAM_WEBHOOK_SECRET", c.WebhookSecret)
	if c.Token == "" {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	a, err := telegram.New(ctx, telegram.Options{Token: c.Token, APIEndpoint: c.APIEndpoint, WebhookURL: c.WebhookURL,
		WebhookPath: c.WebhookPath, WebhookSecret: c.WebhookSecret, PollTimeout: time.Duration(c.PollTimeout),
		PerChat: time.Duration(c.PerChat), Groups: c.Groups, Logger: deps.Logger})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func buildSlack(node *yaml.Node, getenv func(string) string, deps channelDeps) (bot.Adapter, error) {
	var c slackConfig
	if err := decodeChannel("slack", node, &c); err != nil {
		return nil, err
	}
	c.BotToken = envOr(getenv, "CAREERSBOT_SLACK_BOT_TOKEN", c.BotToken)
	c.AppToken = envOr(getenv, "CAREERSBOT_SLACK_APP_TOKEN", c.AppToken)
	c.SigningSecret = envOr(getenv, "CAREERSBOT_SLACK_SIGNING_SECRET", c.SigningSecret)
	if c.BotToken == "" {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	a, err := slack.New(ctx, slack.Options{BotToken: c.BotToken, AppToken: c.AppToken, SigningSecret: c.SigningSecret,
		EventsPath: c.EventsPath, InteractivityPath: c.InteractivityPath, APIURL: c.APIURL, PublicURL: c.PublicURL,
		Logger: deps.Logger, AdviserChannel: c.AdviserChannel, Advisers: slackAdvisers(deps.Service)})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// slackAdvisers is the service as the Slack adviser channel sees it (nil without one).
func slackAdvisers(s *bot.Service) slack.AdviserService {
	if s == nil {
		return nil
	}
	return s
}

func buildDiscord(node *yaml.Node, getenv func(string) string, deps channelDeps) (bot.Adapter, error) {
	var c discordConfig
	if err := decodeChannel("discord", node, &c); err != nil {
		return nil, err
	}
	c.Token = envOr(getenv, "CAREERSBOT_DISCORD_TOKEN", c.Token)
	if c.Token == "" {
		return nil, nil
	}
	a, err := discord.New(discord.Options{Token: c.Token, GuildID: c.GuildID, NoCommands: c.NoCommands, Logger: deps.Logger})
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	return a, nil
}
