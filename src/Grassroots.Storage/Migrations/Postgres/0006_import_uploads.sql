-- The body of an asynchronous import (up to 16 MiB), kept until its job is done so that a job a silo restart interrupted
-- can read it again. It is stored in parts as it arrives, never whole in memory, and deleted when the job finishes.
-- The job's progress is Orleans grain state (state name "import-job"), not a table.
CREATE TABLE import_uploads (
    import_id TEXT NOT NULL,
    part INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (import_id, part)
);
