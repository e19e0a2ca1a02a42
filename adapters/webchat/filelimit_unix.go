//go:build unix

package webchat

import "syscall"

// openFileLimit is the process's RLIMIT_NOFILE soft limit (0 when unknown).
func openFileLimit() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur > 1<<31 {
		return 0
	}
	return int(lim.Cur)
}
