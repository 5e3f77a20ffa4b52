-- Bearer API keys (docs/architecture.md, "Security"). Only a SHA-256 hash of each key's random secret is kept: the key itself
-- is shown once when issued and cannot be recovered from this table. Keys are revoked, never deleted.
CREATE TABLE api_keys (
    key_id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    scope TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT
);
