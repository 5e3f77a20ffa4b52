-- Sign-off up the hierarchy and the audit trail: see Postgres/0008_sign_off_and_audit.sql for why each step is taken.

ALTER TABLE campaigns ADD COLUMN reporting_period TEXT NOT NULL DEFAULT 'month';
ALTER TABLE campaigns ADD COLUMN approval_path TEXT NOT NULL DEFAULT 'county,province,national';

CREATE TABLE period_approvals (
    campaign_id TEXT NOT NULL,
    period TEXT NOT NULL,
    region_code TEXT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    snapshot_json TEXT,
    PRIMARY KEY (campaign_id, period, region_code)
);

ALTER TABLE change_log ADD COLUMN branch_id TEXT;
ALTER TABLE change_log ADD COLUMN region_code TEXT;

UPDATE change_log SET branch_id = f.branch_id, region_code = f.region_code FROM study_sessions f
 WHERE change_log.entity = 'study-session' AND change_log.entity_key = f.branch_id || '/' || f.session_id;
UPDATE change_log SET branch_id = f.branch_id, region_code = f.region_code FROM honoree_talks f
 WHERE change_log.entity = 'honoree-talk' AND change_log.entity_key = f.branch_id || '/' || f.talk_id;
UPDATE change_log SET branch_id = f.branch_id, region_code = f.region_code FROM publicity_items f
 WHERE change_log.entity = 'publicity-item' AND change_log.entity_key = f.branch_id || '/' || f.item_id;
UPDATE change_log SET branch_id = f.branch_id, region_code = f.region_code FROM branches f
 WHERE change_log.entity = 'branch' AND change_log.entity_key = f.branch_id;
UPDATE change_log SET region_code = f.province_code FROM honorees f
 WHERE change_log.entity = 'honoree' AND change_log.entity_key = f.honoree_id;
UPDATE change_log SET branch_id = CASE WHEN k.role = 'branch' THEN k.scope END,
                      region_code = CASE WHEN k.role = 'branch' THEN (SELECT b.region_code FROM branches b WHERE b.branch_id = k.scope) ELSE k.scope END
  FROM api_keys k
 WHERE change_log.entity = 'api-key' AND change_log.entity_key = k.key_id;

CREATE INDEX change_log_branch ON change_log (branch_id, changed_at);
CREATE INDEX change_log_region ON change_log (region_code, changed_at);
CREATE INDEX change_log_changed ON change_log (changed_at);
