package lmi

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// sharedData finds ../shared/data from the module root (overridable with
// CAREERSBOT_SHARED) or skips the test.
func sharedData(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CAREERSBOT_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	d := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(d, "SOURCES.md")); err != nil {
		t.Skipf("public source data not found at %s (set CAREERSBOT_SHARED to the shared folder): %v", d, err)
	}
	return d
}

// TestSnapshotUpToDate rebuilds the snapshot from ../shared/data and fails if the
// committed one differs. Set CAREERSBOT_WRITE_SNAPSHOT=1 to rewrite it instead.
func TestSnapshotUpToDate(t *testing.T) {
	from := sharedData(t)
	files, err := BuildFiles(context.Background(), from)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("CAREERSBOT_WRITE_SNAPSHOT") == "1" {
		for name, data := range files {
			if err := os.WriteFile(filepath.Join("snapshot", name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	again, err := BuildFiles(context.Background(), from)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if !bytes.Equal(data, again[name]) {
			t.Errorf("%s: two builds differ (the build is not deterministic)", name)
		}
		committed, err := os.ReadFile(filepath.Join("snapshot", name))
		if err != nil {
			t.Errorf("%s: %v (run `make data`)", name, err)
			continue
		}
		if !bytes.Equal(committed, data) {
			t.Errorf("snapshot/%s differs from a fresh build of %s: run `make data` and commit", name, from)
		}
	}
}
