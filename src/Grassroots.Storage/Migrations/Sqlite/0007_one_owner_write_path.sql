-- The write path at the cost of the work: see Postgres/0007_one_owner_write_path.sql for why each step is taken.
-- SQLite serves one process, so its shard lease is a file lock and its batches need no fence; the epoch column is kept
-- so both dialects share one schema.

ALTER TABLE study_sessions ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE honoree_talks ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE publicity_items ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE branches ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE honorees ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

UPDATE study_sessions SET created_by = c.actor FROM change_log c
 WHERE c.entity = 'study-session' AND c.action IN ('create', 'import') AND c.entity_key = study_sessions.branch_id || '/' || study_sessions.session_id;
UPDATE honoree_talks SET created_by = c.actor FROM change_log c
 WHERE c.entity = 'honoree-talk' AND c.action IN ('create', 'import') AND c.entity_key = honoree_talks.branch_id || '/' || honoree_talks.talk_id;
UPDATE publicity_items SET created_by = c.actor FROM change_log c
 WHERE c.entity = 'publicity-item' AND c.action IN ('create', 'import') AND c.entity_key = publicity_items.branch_id || '/' || publicity_items.item_id;
UPDATE branches SET created_by = c.actor FROM change_log c
 WHERE c.entity = 'branch' AND c.action = 'create' AND c.entity_key = branches.branch_id;
UPDATE honorees SET created_by = c.actor FROM change_log c
 WHERE c.entity = 'honoree' AND c.action = 'create' AND c.entity_key = honorees.honoree_id;
DELETE FROM change_log
 WHERE action IN ('create', 'import') AND entity IN ('study-session', 'honoree-talk', 'publicity-item', 'branch', 'honoree');

DROP INDEX study_sessions_campaign;
DROP INDEX honoree_talks_campaign;
DROP INDEX publicity_items_campaign;

ALTER TABLE branch_activity DROP COLUMN version;

CREATE TABLE county_days (
    shard TEXT NOT NULL,
    county_code TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    day TEXT NOT NULL,
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
 WHERE NOT EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = g.code) AND r.campaign_id <> '*' AND r.day <> '0001-01-01';

INSERT INTO county_branches
SELECT r.shard, r.region_code, r.registered_branches
  FROM region_rollups r JOIN regions g ON g.code = r.region_code
 WHERE NOT EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = g.code) AND r.campaign_id = '*';

DROP TABLE region_rollups;

ALTER TABLE honoree_rollups DROP COLUMN seq;

ALTER TABLE shards ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0;
