package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

// Parts: the store also keeps the parts of a sharded scan (collect
// --output-dir store:PREFIX), so shards on many machines can write to the
// team's PostgreSQL store and merge or analyze read them back. A part is
// named by a slash-separated path (org-2026-12/0/accounts/ID.json); the
// table (migrations/00003_parts.sql) keys it by the path's directory and
// base name.

// CheckPartPath says whether p is a part path (or a prefix of parts): no
// empty, "." or ".." element, no leading or trailing slash. "" is the top.
func CheckPartPath(p string) error {
	if p == "" {
		return nil
	}
	for _, el := range strings.Split(p, "/") {
		if el == "" || el == "." || el == ".." {
			return fmt.Errorf("%q is not a part path: want slash-separated names, without empty, . or .. elements", p)
		}
	}
	return nil
}

func splitPart(p string) (prefix, name string, err error) {
	if p == "" {
		return "", "", errors.New("a part needs a name")
	}
	if err := CheckPartPath(p); err != nil {
		return "", "", err
	}
	dir, base := path.Split(p)
	return strings.TrimSuffix(dir, "/"), base, nil
}

// PutPart writes the part at path p whole, replacing one there before.
func (s *sqlStore) PutPart(ctx context.Context, p string, data []byte) error {
	prefix, name, err := splitPart(p)
	if err != nil {
		return err
	}
	if data == nil {
		data = []byte{}
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO parts (prefix, name, body, written_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (prefix, name) DO UPDATE SET body = excluded.body, written_at = excluded.written_at`,
		prefix, name, data, us(time.Now()))
	return err
}

// Part reads the part at path p; ErrNotFound when there is none.
func (s *sqlStore) Part(ctx context.Context, p string) ([]byte, error) {
	prefix, name, err := splitPart(p)
	if err != nil {
		return nil, err
	}
	var b []byte
	err = s.db.QueryRowContext(ctx, "SELECT body FROM parts WHERE prefix = $1 AND name = $2", prefix, name).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("part %s", p)
	}
	return b, err
}

// Parts lists the paths of the parts under prefix (prefix/...; every
// part for ""), sorted byte-wise. org-1 is no prefix of org-10/x.
func (s *sqlStore) Parts(ctx context.Context, prefix string) ([]string, error) {
	if err := CheckPartPath(prefix); err != nil {
		return nil, err
	}
	q, args := "SELECT prefix, name FROM parts", []any{}
	if prefix != "" {
		// substr and length count characters in both backends; no LIKE,
		// whose wildcards a prefix may hold, and no range, whose order is
		// PostgreSQL's collation.
		q += " WHERE prefix = $1 OR substr(prefix, 1, length($2)) = $2"
		args = append(args, prefix, prefix+"/")
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var dir, name string
		if err := rows.Scan(&dir, &name); err != nil {
			return nil, err
		}
		out = append(out, path.Join(dir, name))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}
