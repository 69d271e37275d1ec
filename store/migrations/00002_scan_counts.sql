-- Each scan's count of entry points that appeared (or came back) and that
-- it resolved, kept with the scan so `trustmap history` over a year of
-- scans reads 365 rows instead of aggregating every event. Record keeps
-- them up to date (a late scan, which rewrites other scans' events,
-- recounts them all); this migration fills them in for stores written
-- before it.

-- +goose Up
ALTER TABLE scans ADD COLUMN ep_new BIGINT NOT NULL DEFAULT 0;
ALTER TABLE scans ADD COLUMN ep_resolved BIGINT NOT NULL DEFAULT 0;
UPDATE scans SET
  ep_new = (SELECT COUNT(*) FROM events e JOIN items i ON i.item_key = e.item_key
            WHERE e.scan_key = scans.scan_key AND i.kind = 'entry_point' AND e.type IN ('appeared', 'reopened')),
  ep_resolved = (SELECT COUNT(*) FROM events e JOIN items i ON i.item_key = e.item_key
                 WHERE e.scan_key = scans.scan_key AND i.kind = 'entry_point' AND e.type = 'resolved');

-- +goose Down
ALTER TABLE scans DROP COLUMN ep_resolved;
ALTER TABLE scans DROP COLUMN ep_new;
