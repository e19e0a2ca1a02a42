package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/careersbot/careersbot/lmi"
)

// runData implements `careersbot data build --from DIR [--out DIR]`.
func runData(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "build" {
		return usageError{"usage: careersbot data build --from DIR [--out DIR]"}
	}
	fs := flag.NewFlagSet("data build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "../shared/data", "folder of public source files (see its SOURCES.md)")
	out := fs.String("out", "lmi/snapshot", "folder to write the snapshot to")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	files, err := lmi.Build(ctx, lmi.BuildOptions{From: *from, Out: *out})
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "wrote %s/%s\n", *out, f)
	}
	return nil
}
