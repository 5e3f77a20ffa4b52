-- Grain state the runtime persists as JSON, with the version every write checks.
CREATE TABLE grain_state (
    grain_type TEXT NOT NULL,
    grain_key TEXT NOT NULL,
    state_name TEXT NOT NULL,
    payload TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (grain_type, grain_key, state_name)
);

-- The last batch sequence number each writer shard (silo) committed.
CREATE TABLE shards (
    shard TEXT PRIMARY KEY,
    seq BIGINT NOT NULL
);
