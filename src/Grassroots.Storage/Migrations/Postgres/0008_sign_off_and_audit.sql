-- Sign-off up the hierarchy and the audit trail (docs/sign-off.md).
--
-- 1. A campaign's reporting period (week or month) and its approval path (the levels that sign off, lowest first),
--    projected from the campaign grain's state. Campaigns stored before this keep monthly periods and the path
--    county → province → national.
ALTER TABLE campaigns ADD COLUMN reporting_period TEXT NOT NULL DEFAULT 'month';
ALTER TABLE campaigns ADD COLUMN approval_path TEXT NOT NULL DEFAULT 'county,province,national';

-- 2. Where each region's period stands, projected from its approval grain's state (the grain is the truth): what every
--    silo's lock cache loads, one (campaign, period) at a time, and what the listings of periods read. Only periods
--    that left "open" have a row.
CREATE TABLE period_approvals (
    campaign_id TEXT NOT NULL,
    period TEXT NOT NULL,
    region_code TEXT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL,
    snapshot_json TEXT,
    PRIMARY KEY (campaign_id, period, region_code)
);

-- 3. The change log says whose it is, so the audit API can scope it like reads without parsing keys or JSON: the branch
--    (records, a branch's profile, a branch key) and the region (a record's county, an honoree's province, a
--    region-admin key's region, a region's period). Campaigns belong to no region.
ALTER TABLE change_log ADD COLUMN branch_id TEXT;
ALTER TABLE change_log ADD COLUMN region_code TEXT;

UPDATE change_log c SET branch_id = f.branch_id, region_code = f.region_code FROM study_sessions f
 WHERE c.entity = 'study-session' AND c.entity_key = f.branch_id || '/' || f.session_id;
UPDATE change_log c SET branch_id = f.branch_id, region_code = f.region_code FROM honoree_talks f
 WHERE c.entity = 'honoree-talk' AND c.entity_key = f.branch_id || '/' || f.talk_id;
UPDATE change_log c SET branch_id = f.branch_id, region_code = f.region_code FROM publicity_items f
 WHERE c.entity = 'publicity-item' AND c.entity_key = f.branch_id || '/' || f.item_id;
UPDATE change_log c SET branch_id = f.branch_id, region_code = f.region_code FROM branches f
 WHERE c.entity = 'branch' AND c.entity_key = f.branch_id;
UPDATE change_log c SET region_code = f.province_code FROM honorees f
 WHERE c.entity = 'honoree' AND c.entity_key = f.honoree_id;
UPDATE change_log c SET branch_id = CASE WHEN k.role = 'branch' THEN k.scope END,
                        region_code = CASE WHEN k.role = 'branch' THEN b.region_code ELSE k.scope END
  FROM api_keys k LEFT JOIN branches b ON k.role = 'branch' AND b.branch_id = k.scope
 WHERE c.entity = 'api-key' AND c.entity_key = k.key_id;

CREATE INDEX change_log_branch ON change_log (branch_id, changed_at);
CREATE INDEX change_log_region ON change_log (region_code, changed_at);
CREATE INDEX change_log_changed ON change_log (changed_at);
