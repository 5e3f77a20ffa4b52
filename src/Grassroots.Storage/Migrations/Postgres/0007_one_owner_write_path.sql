-- The write path at the cost of the work (docs/architecture.md "The path of a write").
--
-- 1. A fact row says who created it. The change log keeps corrections, voids and profile changes with their before
--    and after, not a copy of every creation: creations move from the log into created_by.
ALTER TABLE study_sessions ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE honoree_talks ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE publicity_items ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE branches ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE honorees ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

UPDATE study_sessions f SET created_by = c.actor FROM change_log c
 WHERE c.entity = 'study-session' AND c.action IN ('create', 'import') AND c.entity_key = f.branch_id || '/' || f.session_id;
UPDATE honoree_talks f SET created_by = c.actor FROM change_log c
 WHERE c.entity = 'honoree-talk' AND c.action IN ('create', 'import') AND c.entity_key = f.branch_id || '/' || f.talk_id;
UPDATE publicity_items f SET created_by = c.actor FROM change_log c
 WHERE c.entity = 'publicity-item' AND c.action IN ('create', 'import') AND c.entity_key = f.branch_id || '/' || f.item_id;
UPDATE branches f SET created_by = c.actor FROM change_log c
 WHERE c.entity = 'branch' AND c.action = 'create' AND c.entity_key = f.branch_id;
UPDATE honorees f SET created_by = c.actor FROM change_log c
 WHERE c.entity = 'honoree' AND c.action = 'create' AND c.entity_key = f.honoree_id;
DELETE FROM change_log
 WHERE action IN ('create', 'import') AND entity IN ('study-session', 'honoree-talk', 'publicity-item', 'branch', 'honoree');

ALTER TABLE study_sessions ALTER COLUMN created_by DROP DEFAULT;
ALTER TABLE honoree_talks ALTER COLUMN created_by DROP DEFAULT;
ALTER TABLE publicity_items ALTER COLUMN created_by DROP DEFAULT;
ALTER TABLE branches ALTER COLUMN created_by DROP DEFAULT;
ALTER TABLE honorees ALTER COLUMN created_by DROP DEFAULT;

-- Reads never scan a campaign's records through these: rollups answer them. Report writers have the primary keys.
DROP INDEX study_sessions_campaign;
DROP INDEX honoree_talks_campaign;
DROP INDEX publicity_items_campaign;

-- 2. A branch's earliest non-voided record per campaign. Writers of any silo lock the row while they move it, so its
--    value is always the earliest over committed records; no version is needed.
ALTER TABLE branch_activity DROP COLUMN version;

-- 3. Rollup rows only where reads need them: one row per writer shard, county, campaign and day, counting records and
--    the branches whose earliest record is that day; registered branches per county. "County" is any region branches
--    register against: a county-level division, or a city without counties (东莞). Regions above a county are sums
--    of their counties, kept in memory by the region grains. No sentinel keys: a campaign total is a sum of days.
CREATE TABLE county_days (
    shard TEXT NOT NULL,
    county_code TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    day DATE NOT NULL,
    study_sessions BIGINT NOT NULL,
    attendance BIGINT NOT NULL,
    frontline BIGINT NOT NULL,
    youth BIGINT NOT NULL,
    women BIGINT NOT NULL,
    honoree_talks BIGINT NOT NULL,
    talk_audience BIGINT NOT NULL,
    online_views BIGINT NOT NULL,
    publicity_items BIGINT NOT NULL,
    publicity_reach BIGINT NOT NULL,
    active_branches BIGINT NOT NULL,
    PRIMARY KEY (shard, county_code, campaign_id, day)
);

CREATE TABLE county_branches (
    shard TEXT NOT NULL,
    county_code TEXT NOT NULL,
    registered BIGINT NOT NULL,
    PRIMARY KEY (shard, county_code)
);

INSERT INTO county_days
SELECT r.shard, r.region_code, r.campaign_id, r.day, r.study_sessions, r.attendance, r.frontline, r.youth, r.women,
       r.honoree_talks, r.talk_audience, r.online_views, r.publicity_items, r.publicity_reach, r.active_branches
  FROM region_rollups r JOIN regions g ON g.code = r.region_code
 WHERE NOT EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = g.code) AND r.campaign_id <> '*' AND r.day <> DATE '0001-01-01';

INSERT INTO county_branches
SELECT r.shard, r.region_code, r.registered_branches
  FROM region_rollups r JOIN regions g ON g.code = r.region_code
 WHERE NOT EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = g.code) AND r.campaign_id = '*';

DROP TABLE region_rollups;

-- Honoree rows are sent to the honoree grains as deltas, like county rows; the batch sequence lives in shards alone.
ALTER TABLE honoree_rollups DROP COLUMN seq;

-- 4. A fenced writer-shard lease: whoever takes a shard's lease raises its epoch, and every batch updates its shard's
--    row only at the epoch it holds, so a silo that lost its lease cannot commit.
ALTER TABLE shards ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;

-- Raising rather than returning nothing makes the rest of the batch's statements, sent in the same round trip, fail too.
CREATE FUNCTION grassroots_fence(p_shard TEXT, p_epoch BIGINT, p_seq BIGINT) RETURNS TEXT LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shards SET seq = p_seq WHERE shard = p_shard AND epoch = p_epoch;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'writer shard % is no longer held at epoch %', p_shard, p_epoch USING ERRCODE = 'GR001';
    END IF;
    RETURN '#fence';
END $$;
