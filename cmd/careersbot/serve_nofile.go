package main

import (
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// raiseOpenFileLimit lifts the soft RLIMIT_NOFILE to the hard limit at start, since
// every web chat socket is an open file, and logs old and new. (Go's runtime already
// raises the soft limit for the process on Linux, so old is usually the hard limit
// already; the line says what the service has.) The web chat's connection limit is
// derived from the result (webchat.Options.FileLimit).
func raiseOpenFileLimit(log *slog.Logger) (cur, hard uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		log.Warn("cannot read the open file limit", "err", err)
		return 0, 0
	}
	old := lim.Cur
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			log.Warn("cannot raise the open file limit to the hard limit", "soft", old, "hard", lim.Max, "err", err)
			return old, lim.Max
		}
	}
	log.Info("open file limit (RLIMIT_NOFILE)", "old", old, "new", lim.Cur, "hard", lim.Max,
		"hint", "each web chat socket is an open file: raise LimitNOFILE / ulimit -Hn for more")
	return lim.Cur, lim.Max
}

// raiseHardFileLimit tries to lift the hard RLIMIT_NOFILE to fs.nr_open (possible with
// CAP_SYS_RESOURCE), then the soft limit to the hard. It returns the limits after.
func raiseHardFileLimit() (cur, hard uint64, err error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, 0, err
	}
	if b, rerr := os.ReadFile("/proc/sys/fs/nr_open"); rerr == nil {
		if n, perr := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); perr == nil && n > lim.Max {
			want := syscall.Rlimit{Cur: n, Max: n}
			if err = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err == nil {
				lim = want
			}
		}
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if serr := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); serr != nil && err == nil {
			err = serr
		}
	}
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	return lim.Cur, lim.Max, err
}
