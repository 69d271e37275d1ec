-- The history store's schema, one file for both backends (SQLite and
-- PostgreSQL): only types both accept with the same meaning (BIGINT, TEXT,
-- BOOLEAN, BYTEA), keys assigned by trustmap inside its one write
-- transaction per scan (so no SERIAL/AUTOINCREMENT dialect), no
-- dialect-specific DDL. Times are microseconds since the Unix epoch, UTC.
--
-- scans, scan_accounts, scan_gaps, observations: what each scan saw (the
-- source of truth). items, events: derived from them (first/last seen,
-- times seen, resolved, reopened; the timeline of each stable id), kept up
-- to date by every write. states: each distinct state of an item, stored
-- once and shared by every scan that saw it.

-- +goose Up
CREATE TABLE scans (
  scan_key          BIGINT  PRIMARY KEY,
  id                TEXT    NOT NULL UNIQUE,
  scanned_at        BIGINT  NOT NULL,
  started_at        BIGINT,
  recorded_at       BIGINT  NOT NULL,
  complete          BOOLEAN NOT NULL,
  incomplete_reason TEXT    NOT NULL,
  tool_name         TEXT    NOT NULL,
  tool_version      TEXT    NOT NULL,
  report_schema     TEXT    NOT NULL,
  accounts          TEXT    NOT NULL,
  regions           TEXT    NOT NULL,
  services          TEXT    NOT NULL,
  resources         BIGINT  NOT NULL,
  ep_total          BIGINT  NOT NULL,
  ep_public         BIGINT  NOT NULL,
  ep_cross_account  BIGINT  NOT NULL,
  ep_unrecognized   BIGINT  NOT NULL,
  bx_total          BIGINT  NOT NULL,
  bx_unrecognized   BIGINT  NOT NULL,
  threats           BIGINT  NOT NULL,
  findings          BIGINT  NOT NULL,
  attack_paths      BIGINT  NOT NULL,
  gaps              BIGINT  NOT NULL,
  highest_severity  TEXT    NOT NULL,
  snapshot          BYTEA
);
CREATE INDEX scans_by_time ON scans (scanned_at, id);

CREATE TABLE scan_accounts (
  scan_key         BIGINT NOT NULL REFERENCES scans (scan_key),
  account          TEXT   NOT NULL,
  ep_total         BIGINT NOT NULL,
  ep_public        BIGINT NOT NULL,
  ep_cross_account BIGINT NOT NULL,
  ep_unrecognized  BIGINT NOT NULL,
  PRIMARY KEY (scan_key, account)
);
CREATE INDEX scan_accounts_by_account ON scan_accounts (account, scan_key);

CREATE TABLE scan_gaps (
  scan_key BIGINT NOT NULL REFERENCES scans (scan_key),
  seq      BIGINT NOT NULL,
  account  TEXT   NOT NULL,
  region   TEXT   NOT NULL,
  service  TEXT   NOT NULL,
  api      TEXT   NOT NULL,
  resource TEXT   NOT NULL,
  status   TEXT   NOT NULL,
  error    TEXT   NOT NULL,
  PRIMARY KEY (scan_key, seq)
);

CREATE TABLE states (
  state_key BIGINT PRIMARY KEY,
  digest    TEXT   NOT NULL UNIQUE,
  body      TEXT   NOT NULL
);

CREATE TABLE items (
  item_key        BIGINT PRIMARY KEY,
  kind            TEXT   NOT NULL,
  id              TEXT   NOT NULL,
  account         TEXT   NOT NULL,
  region          TEXT   NOT NULL,
  subject         TEXT   NOT NULL,
  first_seen_scan TEXT   NOT NULL,
  first_seen_at   BIGINT NOT NULL,
  last_seen_scan  TEXT   NOT NULL,
  last_seen_at    BIGINT NOT NULL,
  times_seen      BIGINT NOT NULL,
  resolved_scan   TEXT,
  resolved_at     BIGINT,
  reopened        BIGINT NOT NULL,
  last_state      BIGINT NOT NULL REFERENCES states (state_key),
  baseline        TEXT,
  UNIQUE (kind, id)
);
CREATE INDEX items_by_id ON items (id);
CREATE INDEX items_by_scope ON items (account, resolved_at);

CREATE TABLE observations (
  scan_key  BIGINT NOT NULL REFERENCES scans (scan_key),
  item_key  BIGINT NOT NULL REFERENCES items (item_key),
  state_key BIGINT NOT NULL REFERENCES states (state_key),
  PRIMARY KEY (scan_key, item_key)
);
CREATE INDEX observations_by_item ON observations (item_key, scan_key);

CREATE TABLE events (
  scan_key   BIGINT NOT NULL REFERENCES scans (scan_key),
  item_key   BIGINT NOT NULL REFERENCES items (item_key),
  type       TEXT   NOT NULL,
  state_key  BIGINT NOT NULL REFERENCES states (state_key),
  prev_state BIGINT REFERENCES states (state_key),
  PRIMARY KEY (scan_key, item_key)
);
CREATE INDEX events_by_item ON events (item_key, scan_key);

-- +goose Down
DROP TABLE events;
DROP TABLE observations;
DROP TABLE items;
DROP TABLE states;
DROP TABLE scan_gaps;
DROP TABLE scan_accounts;
DROP TABLE scans;
