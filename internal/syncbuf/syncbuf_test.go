package syncbuf

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentWrites: lines written from several goroutines while another reads all
// arrive whole (run with -race to check the locking).
func TestConcurrentWrites(t *testing.T) {
	tests := []struct {
		name             string
		writers, perEach int
	}{
		{"one writer", 1, 100},
		{"eight writers", 8, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Buffer
			var wg sync.WaitGroup
			for w := range tt.writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range tt.perEach {
						fmt.Fprintf(&b, "writer %d line %d\n", w, i)
					}
				}()
			}
			done := make(chan struct{})
			go func() { // a reader while they write
				defer close(done)
				for range 50 {
					_ = b.String()
				}
			}()
			wg.Wait()
			<-done
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			if len(lines) != tt.writers*tt.perEach {
				t.Fatalf("%d lines, want %d", len(lines), tt.writers*tt.perEach)
			}
			for _, l := range lines {
				var w, i int
				if n, err := fmt.Sscanf(l, "writer %d line %d", &w, &i); n != 2 || err != nil {
					t.Fatalf("torn line %q", l)
				}
			}
		})
	}
}
