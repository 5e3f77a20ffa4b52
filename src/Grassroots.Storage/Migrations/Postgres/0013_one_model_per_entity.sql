-- One model per entity: the campaign, period-approval and API-key grains keep no Orleans state any more; each loads its
-- row on activation and writes it, with the change-log entry, in one transaction (docs/architecture.md, "State: grain
-- state and facts"). The rows gain what only the grain state held until now. Each new column is NULL in a row a release
-- before this one wrote; the grain then reads that release's grain state once and writes the row whole (the Orleans
-- storage rows stay: the previous release reads them while it runs beside this one during a rolling upgrade).

-- 1. The SHA-256 of each key's secret (dropped from this table by 0005, when the key's grain state alone kept it).
ALTER TABLE api_keys ADD COLUMN secret_hash TEXT;

-- 2. A period's sign-off history and the submission whose lock is stored but whose figures are not taken yet, as JSON,
--    and the version of the row they were written at: a row whose version differs was moved on by a release before
--    this one, which wrote only state, version and figures here.
ALTER TABLE period_approvals ADD COLUMN history_json TEXT;
ALTER TABLE period_approvals ADD COLUMN pending_json TEXT;
ALTER TABLE period_approvals ADD COLUMN history_version BIGINT;
