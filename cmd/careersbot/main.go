// Command careersbot is the careers assistant service and its tools: the LMI data
// builder, job-title and place look-ups, the dialogue engine's ask/eval/chat/test
// commands, rule checking, the service itself and transcript tools.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand. run gets the arguments after the command name.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"data":        {"build the LMI snapshot from the public source files", runData},
		"occupations": {"search job titles or show one occupation", runOccupations},
		"places":      {"resolve a postcode, town or region", runPlaces},
		"ask":         {"one turn of a new conversation", runAsk},
		"eval":        {"answer JSON lines from standard input (answer-quality measurement)", runEval},
		"chat":        {"a conversation in the terminal", runChat},
		"test":        {"run conversation tests from a directory", runTest},
		"rules":       {"check a rules directory", runRules},
		"nlu":         {"check, train and measure the understanding data", runNLU},
		"serve":       {"run the service (web chat, REST, enabled channels)", runServe},
		"transcripts": {"export, erase and summarise transcripts", runTranscripts},
		"bench":       {"load-test the service through the REST channel", runBench},
		"apikeys":     {"add, list and revoke the REST channel's API keys", runAPIKeys},
		"advisers":    {"add, list and disable adviser accounts, set passwords", runAdvisers},
		"db":          {"PostgreSQL schema: migrate, status", runDB},
	}
}

// usageError is an error in how the command was called; main exits 2 for it.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "careersbot: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	if err := c.run(ctx, args[1:], stdin, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "careersbot %s: %v\n", args[0], err)
		if _, ok := err.(usageError); ok {
			return 2
		}
		return 1
	}
	return 0
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: careersbot COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, cmds[n].summary)
	}
}
