-- 劳动和技能竞赛, the fourth kind of record (PostgreSQL's migration 0012 says why and how it stays expand-only): its
-- table, its three figures on every county's day, and the operators' record counts.
CREATE TABLE competitions (
    branch_id TEXT NOT NULL,
    competition_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    region_code TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    participants INTEGER NOT NULL,
    frontline INTEGER,
    youth INTEGER,
    women INTEGER,
    awardees INTEGER,
    notes TEXT,
    voided INTEGER NOT NULL,
    void_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (branch_id, competition_id)
);

ALTER TABLE county_days ADD COLUMN competitions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE county_days ADD COLUMN competition_participants BIGINT NOT NULL DEFAULT 0;
ALTER TABLE county_days ADD COLUMN awardees BIGINT NOT NULL DEFAULT 0;

DROP VIEW record_counts;
CREATE VIEW record_counts AS
SELECT 'study-session' AS kind, campaign_id, sum(CASE WHEN voided THEN 0 ELSE 1 END) AS records, sum(CASE WHEN voided THEN 1 ELSE 0 END) AS voided, max(updated_at) AS last_changed
FROM study_sessions GROUP BY campaign_id
UNION ALL
SELECT 'honoree-talk', campaign_id, sum(CASE WHEN voided THEN 0 ELSE 1 END), sum(CASE WHEN voided THEN 1 ELSE 0 END), max(updated_at)
FROM honoree_talks GROUP BY campaign_id
UNION ALL
SELECT 'publicity-item', campaign_id, sum(CASE WHEN voided THEN 0 ELSE 1 END), sum(CASE WHEN voided THEN 1 ELSE 0 END), max(updated_at)
FROM publicity_items GROUP BY campaign_id
UNION ALL
SELECT 'competition', campaign_id, sum(CASE WHEN voided THEN 0 ELSE 1 END), sum(CASE WHEN voided THEN 1 ELSE 0 END), max(updated_at)
FROM competitions GROUP BY campaign_id;
