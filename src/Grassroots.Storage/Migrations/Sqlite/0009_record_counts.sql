-- What a database holds, per campaign and kind of record: the records that count, the voided ones, and when the last
-- of them changed. For operators: after a restore (deploy/restore.sh prints it) or beside a backup, to see at a glance
-- what came back and how recent it is; the service itself does not read it.
--
-- Expand-only (docs/operations.md, "Rolling upgrades"): a view, so the release before it, which never reads it, runs on
-- a schema that has it, and a rolling upgrade can pass through it under load; nothing is rewritten or locked but the
-- catalogue.
CREATE VIEW record_counts AS
SELECT 'study-session' AS kind, campaign_id, sum(CASE WHEN voided THEN 0 ELSE 1 END) AS records, sum(CASE WHEN voided THEN 1 ELSE 0 END) AS voided, max(updated_at) AS last_changed
FROM study_sessions GROUP BY campaign_id
UNION ALL
SELECT 'honoree-talk', campaign_id, sum(CASE WHEN voided THEN 0 ELSE 1 END), sum(CASE WHEN voided THEN 1 ELSE 0 END), max(updated_at)
FROM honoree_talks GROUP BY campaign_id
UNION ALL
SELECT 'publicity-item', campaign_id, sum(CASE WHEN voided THEN 0 ELSE 1 END), sum(CASE WHEN voided THEN 1 ELSE 0 END), max(updated_at)
FROM publicity_items GROUP BY campaign_id;
