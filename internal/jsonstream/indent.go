package jsonstream

import "bufio"

// NewIndenter returns an Indenter that writes the indented JSON to w; the
// caller flushes w.
func NewIndenter(w *bufio.Writer) *Indenter { return &Indenter{w: w} }

// Indenter indents compact JSON (json.Marshal's output: no space
// outside strings) as json.Indent does with prefix "" and indent "  ":
// a newline and the depth's indent after an opening bracket and a comma
// and before a closing bracket, ": " after a colon, and "{}" and "[]" for
// an empty object and array. Its input may arrive in any pieces.
type Indenter struct {
	w          *bufio.Writer
	depth      int
	needIndent bool // after { or [, until we know whether it is empty
	inString   bool
	escaped    bool // in a string, after a backslash
}

func (iw *Indenter) newline() {
	iw.w.WriteByte('\n')
	for range iw.depth {
		iw.w.WriteString("  ")
	}
}

func (iw *Indenter) Write(p []byte) (int, error) {
	for _, c := range p {
		if iw.inString {
			switch {
			case iw.escaped:
				iw.escaped = false
			case c == '\\':
				iw.escaped = true
			case c == '"':
				iw.inString = false
			}
			iw.w.WriteByte(c)
			continue
		}
		if iw.needIndent && c != '}' && c != ']' {
			iw.needIndent = false
			iw.depth++
			iw.newline()
		}
		switch c {
		case '"':
			iw.inString = true
			iw.w.WriteByte(c)
		case '{', '[':
			iw.needIndent = true
			iw.w.WriteByte(c)
		case ',':
			iw.w.WriteByte(c)
			iw.newline()
		case ':':
			iw.w.WriteString(": ")
		case '}', ']':
			if iw.needIndent {
				iw.needIndent = false
			} else {
				iw.depth--
				iw.newline()
			}
			iw.w.WriteByte(c)
		default:
			iw.w.WriteByte(c)
		}
	}
	return len(p), nil
}
