-- Tables and queries for the Orleans 10.4.2 ADO.NET grain persistence and reminder providers, under the
-- invariant "System.Data.SQLite" (Orleans maps it to Microsoft.Data.Sqlite). Clustering is not here: a SQLite
-- deployment is a single node and uses localhost clustering. Each provider reads its statements from
-- OrleansQuery at start-up and binds parameters by bare name; Microsoft.Data.Sqlite matches a bare name to the
-- @Name placeholder. Only OrleansQuery and the column aliases in the SELECTs are fixed by Orleans.
-- Needs SQLite 3.35+ (RETURNING, upsert without a conflict target). Times are UTC, stored as the text
-- Microsoft.Data.Sqlite writes for a DateTime ("yyyy-MM-dd HH:mm:ss.FFFFFFF"), which it reads back.

CREATE TABLE OrleansQuery (
    QueryKey TEXT PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- Grain state. Orleans identifies a state by ServiceId, grain type and the grain key split into two 64-bit
-- numbers plus a string (a string-keyed grain has n0 = n1 = 0 and its whole key in the string), and sends two
-- 32-bit hashes of them. The hashes lead the key so lookups stay narrow; the full values follow, so a hash
-- collision can never mix two grains. Orleans never sends an empty key extension (GetGrain rejects one), so a
-- missing extension is stored as '' to keep the key NOT NULL and unique (SQLite treats NULLs as distinct).
CREATE TABLE orleans_storage (
    grain_id_hash INTEGER NOT NULL,
    grain_type_hash INTEGER NOT NULL,
    service_id TEXT NOT NULL,
    grain_type TEXT NOT NULL,
    grain_id_n0 INTEGER NOT NULL,
    grain_id_n1 INTEGER NOT NULL,
    grain_id_ext TEXT NOT NULL,
    payload BLOB,                  -- serializer output (UTF-8 JSON with the System.Text.Json serializer); NULL once cleared
    version INTEGER NOT NULL,      -- the ETag; Orleans parses it as a 32-bit int
    modified_at TEXT NOT NULL,
    PRIMARY KEY (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext)
);

-- Reminders. grain_hash is the grain's uniform hash (a uint) cast to a signed int by Orleans; the range queries
-- compare it signed, as the provider expects. period_ms holds milliseconds.
CREATE TABLE orleans_reminders (
    service_id TEXT NOT NULL,
    grain_id TEXT NOT NULL,
    reminder_name TEXT NOT NULL,
    grain_hash INTEGER NOT NULL,
    start_time TEXT NOT NULL,
    period_ms INTEGER NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);
CREATE INDEX orleans_reminders_ring ON orleans_reminders (service_id, grain_hash);

-- Persistence queries (Orleans.Persistence.AdoNet). A write or clear that returns no row, or a version equal
-- to the one sent, is reported by Orleans as an InconsistentStateException (ETag conflict).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- Zero or one row: the payload (NULL after a clear) and the version that becomes the grain's ETag.
('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '''')
'),
-- Two statements, of which at most one can change a row: with an ETag, update only that version; without
-- one, insert version 1 unless the row exists (the primary key settles racing inserts). Orleans reads every
-- result set; one row holds the new version, none means a conflict.
('WriteToStorageKey', '
UPDATE orleans_storage
SET payload = @PayloadBinary, version = version + 1, modified_at = strftime(''%Y-%m-%d %H:%M:%f'', ''now'')
WHERE @GrainStateVersion IS NOT NULL
  AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '''')
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;
INSERT INTO orleans_storage (grain_id_hash, grain_type_hash, service_id, grain_type,
                             grain_id_n0, grain_id_n1, grain_id_ext, payload, version, modified_at)
SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString,
       @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''''), @PayloadBinary, 1,
       strftime(''%Y-%m-%d %H:%M:%f'', ''now'')
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING version AS NewGrainStateVersion;
'),
-- Keeps the row with a NULL payload and a new version, so a later write still needs the current ETag.
('ClearStorageKey', '
UPDATE orleans_storage
SET payload = NULL, version = version + 1, modified_at = strftime(''%Y-%m-%d %H:%M:%f'', ''now'')
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '''')
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion
'),
-- Used instead of ClearStorageKey when AdoNetGrainStorageOptions.DeleteStateOnClear is true. Any value other
-- than the ETag sent means success; the next write then starts again at version 1.
('DeleteStorageKey', '
DELETE FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '''')
  AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion
');

-- Reminder queries (Orleans.Reminders.AdoNet). The version is the reminder's ETag.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadReminderRowsKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId
'),
('ReadReminderRowKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
'),
-- The ring range (@BeginHash, @EndHash] of the silo. Orleans picks Rows1 when the range does not wrap in
-- signed order and Rows2 when it does (and for the full ring, where begin = end).
('ReadRangeRows1Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
'),
('ReadRangeRows2Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
'),
-- Registering again replaces the schedule and bumps the version. Returns the new version.
('UpsertReminderRowKey', '
INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET grain_hash = excluded.grain_hash, start_time = excluded.start_time,
    period_ms = excluded.period_ms, version = version + 1
RETURNING version AS Version
'),
-- Unregister: only the version the caller holds. Orleans wants exactly one row telling whether a row went;
-- changes() is the count of the DELETE just before it on the same connection.
('DeleteReminderRowKey', '
DELETE FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
  AND version = @Version;
SELECT changes() > 0;
'),
('DeleteReminderRowsKey', '
DELETE FROM orleans_reminders WHERE service_id = @ServiceId
');
