-- The parts of a sharded scan (collect --output-dir store:PREFIX): each
-- part (manifest.json, scan.json, accounts/ID.json) is one row, its bytes
-- whole. A part's path is split at its last slash: prefix is what comes
-- before it (org-2026-12/0, org-2026-12/0/accounts; "" for a part at the
-- top), name the rest, so one path has exactly one row. Writing a part is
-- one upsert: a reader sees the old bytes or the new ones, never half,
-- and a rerun shard's part replaces the one before. Parts are not part of
-- any scan's history and Prune leaves them alone.

-- +goose Up
CREATE TABLE parts (
  prefix     TEXT   NOT NULL,
  name       TEXT   NOT NULL,
  body       BYTEA  NOT NULL,
  written_at BIGINT NOT NULL,
  PRIMARY KEY (prefix, name)
);

-- +goose Down
DROP TABLE parts;
