package main

import (
	"log/slog"

	"github.com/careersbot/careersbot/bot"
	"gopkg.in/yaml.v3"
)

// channelDeps is what a channel adapter may need from the service when it is built.
type channelDeps struct {
	Logger *slog.Logger
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
func channelFactories() []channelFactory {
	return nil
}
