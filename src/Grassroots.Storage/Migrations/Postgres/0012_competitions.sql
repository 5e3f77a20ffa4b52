-- 劳动和技能竞赛: the fourth kind of record a branch logs — a labour, skills or innovation competition, with its
-- participants (person-times, broken down as a study session's attendance) and its awardees. It counts on the day it
-- starts, like the other kinds on theirs, and adds three figures to every county's day: competitions, their
-- participants and their awardees.
--
-- Expand-only (docs/operations.md, "Rolling upgrades"): a new table, and new columns with a default, which PostgreSQL
-- adds without rewriting county_days. The release before it never names them: its increments leave them at 0 and its
-- reads do not select them, so it runs on this schema, and a rolling upgrade can pass through it under load.
CREATE TABLE competitions (
    branch_id TEXT NOT NULL,
    competition_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    region_code TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE,
    participants INTEGER NOT NULL,
    frontline INTEGER,
    youth INTEGER,
    women INTEGER,
    awardees INTEGER,
    notes TEXT,
    voided BOOLEAN NOT NULL,
    void_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (branch_id, competition_id)
);

ALTER TABLE county_days
    ADD COLUMN competitions BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN competition_participants BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN awardees BIGINT NOT NULL DEFAULT 0;

-- The operators' view of what a database holds gains the new kind.
CREATE OR REPLACE VIEW record_counts AS
SELECT 'study-session' AS kind, campaign_id, count(*) FILTER (WHERE NOT voided) AS records, count(*) FILTER (WHERE voided) AS voided, max(updated_at) AS last_changed
FROM study_sessions GROUP BY campaign_id
UNION ALL
SELECT 'honoree-talk', campaign_id, count(*) FILTER (WHERE NOT voided), count(*) FILTER (WHERE voided), max(updated_at)
FROM honoree_talks GROUP BY campaign_id
UNION ALL
SELECT 'publicity-item', campaign_id, count(*) FILTER (WHERE NOT voided), count(*) FILTER (WHERE voided), max(updated_at)
FROM publicity_items GROUP BY campaign_id
UNION ALL
SELECT 'competition', campaign_id, count(*) FILTER (WHERE NOT voided), count(*) FILTER (WHERE voided), max(updated_at)
FROM competitions GROUP BY campaign_id;
