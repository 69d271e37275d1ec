package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// MaxSnapshotBytes is the largest snapshot ReadSnapshot reads: 512 MiB. A
// scan of tens of thousands of resources writes a few hundred MB at most;
// anything larger is refused with an error before it exhausts memory.
// Decoding holds the decoded graph (about the size of the file) and one
// node's JSON at a time, never the whole file.
var MaxSnapshotBytes int64 = 512 << 20

// SnapshotTooLargeError is ReadSnapshot's error for input beyond its limit.
type SnapshotTooLargeError struct{ Limit int64 }

func (e *SnapshotTooLargeError) Error() string {
	return fmt.Sprintf("larger than the %s maximum for a snapshot", byteSize(e.Limit))
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}

// ReadSnapshotLimit is ReadSnapshot with a size limit of limit bytes.
//
// It decodes as it reads: the top-level object token by token, and the
// nodes, edges and coverage arrays one element at a time, so memory holds
// the decoded snapshot and a bounded window of recent input (for error
// positions), not the file. Errors carry "line L, column C" where the
// position is within the last MiB read, else the byte offset.
func ReadSnapshotLimit(r io.Reader, limit int64) (*Snapshot, error) {
	pr := &posReader{r: r, limit: limit, lastNL: -1}
	dec := json.NewDecoder(pr)
	s := &Snapshot{}
	version, err := decodeSnapshot(dec, pr, s)
	if err != nil {
		var tl *SnapshotTooLargeError
		if errors.As(err, &tl) {
			return nil, fmt.Errorf("snapshot: %w", tl)
		}
		if version != nil && !readableVersion(*version) {
			return nil, versionErr(*version)
		}
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if version == nil {
		return nil, errors.New("snapshot: no schema_version: not a trustmap snapshot")
	}
	if !readableVersion(*version) {
		return nil, versionErr(*version)
	}
	s.SchemaVersion = *version
	return s, nil
}

// readableVersion says whether this trustmap reads a snapshot of schema
// version v: the current one, and version 1, whose edges carried one
// evidence object instead of a list (Edge.UnmarshalJSON reads both).
func readableVersion(v int) bool { return v >= MinSchemaVersion && v <= SchemaVersion }

func versionErr(v int) error {
	return fmt.Errorf("snapshot: schema_version %d, this trustmap reads %d to %d", v, MinSchemaVersion, SchemaVersion)
}

// decodeSnapshot reads one JSON object into s. It returns the schema
// version as soon as it is read, and stops at once on a version this
// trustmap does not read.
func decodeSnapshot(dec *json.Decoder, pr *posReader, s *Snapshot) (*int, error) {
	var version *int
	// Each node, edge and gap is interned as it is decoded, so that the
	// repeated strings of a large snapshot are never all in memory at once.
	in := interner{seen: map[string]string{}}
	tok, err := pr.token(dec)
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, pr.at(0, errors.New("not a JSON object"))
	}
	for dec.More() {
		tok, err := pr.token(dec)
		if err != nil {
			return version, err
		}
		key, _ := tok.(string)
		// encoding/json matches field names case-insensitively; so does this.
		switch snapshotField(key) {
		case "schema_version":
			var v *int
			if err := pr.decode(dec, &v); err != nil {
				return version, err
			}
			if v != nil {
				version = v
				if !readableVersion(*v) {
					return version, errors.New("wrong schema version")
				}
			}
		case "nodes":
			s.Nodes, err = decodeArray(dec, pr, in.node)
			// Room for Resolve's principals now, while nothing else is
			// large (ResolveInPlace).
			if s.Nodes != nil {
				s.Nodes = slices.Grow(s.Nodes, PrincipalRoom(len(s.Nodes)))
			}
		case "edges":
			s.Edges, err = decodeArray(dec, pr, in.edge)
		case "coverage":
			s.Coverage, err = decodeArray(dec, pr, in.gap)
		case "tool":
			err = pr.decode(dec, &s.Tool)
		case "scanned_at":
			err = pr.decode(dec, &s.ScannedAt)
		case "complete":
			err = pr.decode(dec, &s.Complete)
		case "incomplete_reason":
			err = pr.decode(dec, &s.Incomplete)
		case "accounts":
			err = pr.decode(dec, &s.Accounts)
		case "regions":
			err = pr.decode(dec, &s.Regions)
		case "api_calls":
			err = pr.decode(dec, &s.Calls)
		default: // unknown fields are ignored, as json.Unmarshal does
			var skip json.RawMessage
			err = pr.decode(dec, &skip)
		}
		if err != nil {
			return version, err
		}
	}
	if _, err := pr.token(dec); err != nil { // the closing }
		return version, err
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		return version, pr.at(pr.valueStart(end), errors.New("data after the snapshot's closing }"))
	}
	// Packed at the end (interner.pack): the first copy of each string
	// sits among the garbage of decoding.
	in.pack()
	s.internWith(in)
	return version, nil
}

// snapshotFields are the snapshot's JSON field names.
var snapshotFields = []string{"schema_version", "tool", "scanned_at", "complete", "incomplete_reason",
	"accounts", "regions", "nodes", "edges", "coverage", "api_calls"}

// snapshotField returns the field a key names, matched as encoding/json
// matches them (exactly, else case-insensitively), or "".
func snapshotField(key string) string {
	for _, f := range snapshotFields {
		if key == f {
			return f
		}
	}
	for _, f := range snapshotFields {
		if strings.EqualFold(key, f) {
			return f
		}
	}
	return ""
}

// decodeArray decodes a JSON array (or null) one element at a time,
// handing each to each before keeping it.
func decodeArray[T any](dec *json.Decoder, pr *posReader, each func(*T)) ([]T, error) {
	start := dec.InputOffset()
	tok, err := pr.token(dec)
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, pr.at(pr.valueStart(start), fmt.Errorf("want an array, found %v", tok))
	}
	out := []T{}
	for dec.More() {
		var v T
		if err := pr.decode(dec, &v); err != nil {
			return nil, err
		}
		each(&v)
		out = append(out, v)
	}
	_, err = pr.token(dec) // ]
	return out, err
}

// posReader counts what the decoder reads, enforces the size limit, and
// keeps the last window of input to turn error offsets into lines and
// columns.
type posReader struct {
	r     io.Reader
	limit int64
	n     int64 // bytes read so far

	win      []byte // the most recent input, from offset winStart
	winStart int64
	lines    int   // newlines before winStart
	lastNL   int64 // offset of the last newline before winStart (-1: none)
}

const posWindow = 1 << 20

func (p *posReader) Read(b []byte) (int, error) {
	if p.n > p.limit {
		return 0, &SnapshotTooLargeError{Limit: p.limit}
	}
	if room := p.limit + 1 - p.n; int64(len(b)) > room {
		b = b[:room]
	}
	k, err := p.r.Read(b)
	p.n += int64(k)
	p.win = append(p.win, b[:k]...)
	if len(p.win) > 2*posWindow {
		drop := len(p.win) - posWindow
		old := p.win[:drop]
		p.lines += bytes.Count(old, []byte{'\n'})
		if i := bytes.LastIndexByte(old, '\n'); i >= 0 {
			p.lastNL = p.winStart + int64(i)
		}
		p.win = append(p.win[:0], p.win[drop:]...)
		p.winStart += int64(drop)
	}
	if p.n > p.limit {
		return k, &SnapshotTooLargeError{Limit: p.limit}
	}
	return k, err
}

// at describes err at byte offset off.
func (p *posReader) at(off int64, err error) error {
	if off < p.winStart || off > p.winStart+int64(len(p.win)) {
		return fmt.Errorf("byte offset %d: %w", off, err)
	}
	rel := int(off - p.winStart)
	line := p.lines + bytes.Count(p.win[:rel], []byte{'\n'}) + 1
	nl := p.lastNL
	if i := bytes.LastIndexByte(p.win[:rel], '\n'); i >= 0 {
		nl = p.winStart + int64(i)
	}
	return fmt.Errorf("line %d, column %d: %w", line, off-nl, err)
}

// valueStart skips the whitespace and separators after offset off to where
// the next value begins.
func (p *posReader) valueStart(off int64) int64 {
	for off >= p.winStart && off < p.winStart+int64(len(p.win)) {
		switch p.win[off-p.winStart] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// token reads a token, positioning any syntax error.
func (p *posReader) token(dec *json.Decoder) (json.Token, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, p.position(err, dec.InputOffset(), -1)
	}
	return tok, nil
}

// decode decodes the next value into v, positioning any error.
func (p *posReader) decode(dec *json.Decoder, v any) error {
	start := dec.InputOffset()
	if err := dec.Decode(v); err != nil {
		return p.position(err, start, p.valueStart(start))
	}
	return nil
}

// position turns a decoder error into one with a line and column. before
// is the decoder's offset before the failed call; value, when known, where
// the value being decoded starts.
func (p *posReader) position(err error, before, value int64) error {
	var tl *SnapshotTooLargeError
	if errors.As(err, &tl) {
		return err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return p.at(p.n, errors.New("unexpected end of input (the file is cut short)"))
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return p.at(before+te.Offset, err) // relative to the offset before Decode
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if value < 0 {
			return p.at(se.Offset, err) // Token: absolute
		}
		// Decode's syntax offsets are not stream offsets: re-scan the value.
		if value >= p.winStart && value <= p.winStart+int64(len(p.win)) {
			var raw json.RawMessage
			var se2 *json.SyntaxError
			if e := json.Unmarshal(p.win[value-p.winStart:], &raw); errors.As(e, &se2) && !strings.Contains(se2.Error(), "after top-level value") {
				return p.at(value+se2.Offset-1, err)
			}
		}
		return p.at(value, err)
	}
	if value >= 0 {
		return p.at(value, err)
	}
	return err
}
