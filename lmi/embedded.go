package lmi

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

//go:embed snapshot/*.gz snapshot/*.tsv snapshot/*.jsonl snapshot/meta.json
var snapshotFS embed.FS

// embeddedSearch is the search table as a string: the index keeps substrings of it,
// so nothing is copied at load.
//
//go:embed snapshot/search.tsv
var embeddedSearch string

// embeddedGeo and embeddedUnits are the place table and the unit groups' JSON lines
// as strings, for the same reason (the linker keeps one copy of a file embedded twice).
//
//go:embed snapshot/geo.tsv
var embeddedGeo string

//go:embed snapshot/units.jsonl
var embeddedUnits string

// Embedded is the Store built from the snapshot embedded in the binary. Tables are
// decoded on first use, so loading is cheap; it is safe for concurrent use.
type Embedded struct {
	fsys fs.FS

	unitsOnce sync.Once
	unitRaw   map[string]string // code -> one JSON line, decoded on first use
	unitCodes []string
	unitsErr  error
	unitMu    sync.Mutex
	unitBy    map[string]*snapUnit
	allOnce   sync.Once
	all       []*snapUnit
	allErr    error

	searchOnce sync.Once
	search     *searchIndex
	searchErr  error

	geoOnce sync.Once
	geo     *placeIndex
	geoErr  error

	outlookOnce sync.Once
	outlook     []snapOutlookArea
	outlookErr  error

	adsOnce sync.Once
	ads     snapAdverts
	adsErr  error

	leoOnce sync.Once
	leo     []snapLEO
	leoErr  error

	socOnce sync.Once
	soc     *socTable
	socErr  error

	searchRaw string // the search table when already in memory (the embedded one)
	geoRaw    string // the place table, likewise
	unitsRaw  string // the unit groups' JSON lines, likewise

	textsMu sync.RWMutex
	texts   map[string]*Texts
}

var _ Store = (*Embedded)(nil)

// LoadEmbedded returns the store over the snapshot embedded in the binary.
func LoadEmbedded() (*Embedded, error) {
	sub, err := fs.Sub(snapshotFS, "snapshot")
	if err != nil {
		return nil, fmt.Errorf("lmi: embedded snapshot: %w", err)
	}
	e, err := Open(sub)
	if err != nil {
		return nil, err
	}
	e.searchRaw, e.geoRaw, e.unitsRaw = embeddedSearch, embeddedGeo, embeddedUnits
	return e, nil
}

// Open returns a store over a snapshot folder (as written by Build), for example
// os.DirFS("lmi/snapshot"). It checks the files are there; tables load on first use.
func Open(fsys fs.FS) (*Embedded, error) {
	for _, name := range []string{fileUnits, fileSearch, fileGeo, fileOutlook, fileAdverts, fileLEO} {
		if _, err := fs.Stat(fsys, name); err != nil {
			return nil, fmt.Errorf("lmi: snapshot is missing %s: %w", name, err)
		}
	}
	return &Embedded{fsys: fsys}, nil
}

func (e *Embedded) readJSON(name string, v any) error {
	data, err := fs.ReadFile(e.fsys, name)
	if err != nil {
		return fmt.Errorf("lmi: snapshot %s: %w", name, err)
	}
	return decodeJSONGz(name, data, v)
}

// loadUnits reads the unit-group table: one JSON line per unit group, each decoded
// only when first asked for.
func (e *Embedded) loadUnits() error {
	e.unitsOnce.Do(func() {
		rest := e.unitsRaw
		if rest == "" {
			data, err := fs.ReadFile(e.fsys, fileUnits)
			if err != nil {
				e.unitsErr = fmt.Errorf("lmi: snapshot %s: %w", fileUnits, err)
				return
			}
			rest = string(data)
		}
		e.unitRaw = make(map[string]string, 420)
		e.unitBy = make(map[string]*snapUnit, 420)
		for rest != "" {
			var line string
			line, rest, _ = strings.Cut(rest, "\n")
			if len(line) < 20 || !strings.HasPrefix(line, `{"soc2020":"`) {
				continue
			}
			code := line[12:16]
			e.unitRaw[code] = line
			e.unitCodes = append(e.unitCodes, code)
		}
		if len(e.unitCodes) == 0 {
			e.unitsErr = fmt.Errorf("lmi: snapshot %s: no unit groups", fileUnits)
		}
	})
	return e.unitsErr
}

// unit returns one unit group's snapshot record (ErrNotFound when unknown).
func (e *Embedded) unit(code string) (*snapUnit, error) {
	if err := e.loadUnits(); err != nil {
		return nil, err
	}
	e.unitMu.Lock()
	defer e.unitMu.Unlock()
	if u, ok := e.unitBy[code]; ok {
		return u, nil
	}
	line, ok := e.unitRaw[code]
	if !ok {
		return nil, fmt.Errorf("lmi: occupation %q: %w", code, ErrNotFound)
	}
	u := &snapUnit{}
	if err := json.Unmarshal([]byte(line), u); err != nil {
		return nil, fmt.Errorf("lmi: snapshot %s: unit %s: %w", fileUnits, code, err)
	}
	e.unitBy[code] = u
	return u, nil
}

// units returns every unit group's record, ordered by code.
func (e *Embedded) units() ([]*snapUnit, error) {
	e.allOnce.Do(func() {
		if err := e.loadUnits(); err != nil {
			e.allErr = err
			return
		}
		for _, c := range e.unitCodes {
			u, err := e.unit(c)
			if err != nil {
				e.allErr = err
				return
			}
			e.all = append(e.all, u)
		}
	})
	return e.all, e.allErr
}

func (e *Embedded) index() (*searchIndex, error) {
	e.searchOnce.Do(func() {
		raw := e.searchRaw
		if raw == "" {
			data, err := fs.ReadFile(e.fsys, fileSearch)
			if err != nil {
				e.searchErr = fmt.Errorf("lmi: snapshot %s: %w", fileSearch, err)
				return
			}
			raw = string(data)
		}
		e.search, e.searchErr = parseSearchTable(raw)
	})
	return e.search, e.searchErr
}

// validSOC reports whether s looks like a 4-digit code.
func validSOC(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Occupation returns everything known about one SOC 2020 unit group.
func (e *Embedded) Occupation(ctx context.Context, soc2020 string) (*Occupation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u, err := e.unit(strings.TrimSpace(soc2020))
	if err != nil {
		return nil, err
	}
	return e.occupation(u), nil
}

// Occupations returns every unit group, ordered by code.
func (e *Embedded) Occupations(ctx context.Context) ([]*Occupation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	units, err := e.units()
	if err != nil {
		return nil, err
	}
	out := make([]*Occupation, 0, len(units))
	for _, u := range units {
		out = append(out, e.occupation(u))
	}
	return out, nil
}

// SearchOccupations ranks SOC 2020 unit groups for a free-text job title.
func (e *Embedded) SearchOccupations(ctx context.Context, query string, limit int) ([]Match, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(query) > 200 {
		query = query[:200]
	}
	idx, err := e.index()
	if err != nil {
		return nil, err
	}
	if validSOC(strings.TrimSpace(query)) {
		if u, ok := idx.units[strings.TrimSpace(query)]; ok {
			return []Match{{SOC2020: strings.TrimSpace(query), SOC2010: u.soc2010, Title: u.title, Score: 1, Matched: strings.TrimSpace(query)}}, nil
		}
	}
	return idx.search(query, limit), nil
}

// Sources lists the data sources with the attribution lines to show.
func (e *Embedded) Sources(ctx context.Context) ([]Source, error) {
	out := make([]Source, len(sources))
	copy(out, sources)
	return out, nil
}

// SourceByID returns one source by its ID.
func SourceByID(id string) (Source, bool) {
	for _, s := range sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}

func sortedRegionNames(m map[string]float64) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
