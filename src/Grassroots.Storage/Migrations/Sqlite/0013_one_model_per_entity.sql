-- One model per entity: see Postgres/0013_one_model_per_entity.sql for why each column is added.

ALTER TABLE api_keys ADD COLUMN secret_hash TEXT;

ALTER TABLE period_approvals ADD COLUMN history_json TEXT;
ALTER TABLE period_approvals ADD COLUMN pending_json TEXT;
ALTER TABLE period_approvals ADD COLUMN history_version BIGINT;
