-- Tables and queries for the Orleans 10.4.2 ADO.NET providers (invariant "Npgsql"): clustering, grain
-- persistence and reminders. The providers ship no SQL: at start-up each one runs
-- "SELECT QueryKey, QueryText FROM OrleansQuery" and then executes the text stored under each key, binding
-- parameters by bare name (Npgsql matches them to the @Name placeholders). Only OrleansQuery and the column
-- aliases in the SELECTs are fixed by Orleans; the tables behind the queries are ours. Unquoted names fold to
-- lower case here; the providers look result columns up by name and Npgsql's lookup ignores case.
-- Every DML query is one statement, so it runs atomically in autocommit without a stored function.

CREATE TABLE OrleansQuery (
    QueryKey TEXT PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- Clustering. One version row per cluster (DeploymentId = ClusterOptions.ClusterId) is the optimistic lock of
-- the whole membership table: every insert/update of a silo row must name the version it read (@Version), and
-- succeeds only by moving that row to version + 1 in the same statement. Heartbeats (IAmAlive) do not bump it.
CREATE TABLE orleans_membership_version (
    deployment_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port, generation). Status is Orleans' SiloStatus (3 = Active,
-- 6 = Dead). SuspectTimes is Orleans' own "silo,time|silo,time" text. Times are UTC instants.
CREATE TABLE orleans_membership (
    deployment_id TEXT NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    port INTEGER NOT NULL,
    generation INTEGER NOT NULL,
    silo_name TEXT NOT NULL,
    host_name TEXT NOT NULL,
    status INTEGER NOT NULL,
    proxy_port INTEGER NOT NULL,
    suspect_times TEXT,
    start_time TIMESTAMPTZ NOT NULL,
    i_am_alive_time TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Grain state. Orleans identifies a state by ServiceId, grain type and the grain key split into two 64-bit
-- numbers plus a string (a string-keyed grain has n0 = n1 = 0 and its whole key in the string), and sends two
-- 32-bit hashes of them. The hashes lead the key so lookups stay narrow; the full values follow, so a hash
-- collision can never mix two grains. Orleans never sends an empty key extension (GetGrain rejects one), so a
-- missing extension is stored as '' to keep the key NOT NULL and unique.
CREATE TABLE orleans_storage (
    grain_id_hash INTEGER NOT NULL,
    grain_type_hash INTEGER NOT NULL,
    service_id TEXT NOT NULL,
    grain_type TEXT NOT NULL,
    grain_id_n0 BIGINT NOT NULL,
    grain_id_n1 BIGINT NOT NULL,
    grain_id_ext TEXT NOT NULL,
    payload BYTEA,                 -- serializer output (UTF-8 JSON with the System.Text.Json serializer); NULL once cleared
    version INTEGER NOT NULL,      -- the ETag; Orleans parses it as a 32-bit int
    modified_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (grain_id_hash, grain_type_hash, service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext)
);

-- Reminders. grain_hash is the grain's uniform hash (a uint) cast to a signed int by Orleans; the range queries
-- compare it signed, as the provider expects. period_ms is BIGINT: periods beyond ~24.8 days overflow an int.
CREATE TABLE orleans_reminders (
    service_id TEXT NOT NULL,
    grain_id TEXT NOT NULL,
    reminder_name TEXT NOT NULL,
    grain_hash INTEGER NOT NULL,
    start_time TIMESTAMPTZ NOT NULL,
    period_ms BIGINT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);
CREATE INDEX orleans_reminders_ring ON orleans_reminders (service_id, grain_hash);

-- Clustering queries (Orleans.Clustering.AdoNet).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- Creates the cluster's version row; returns whether it was created (false when it already exists).
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT DO NOTHING
    RETURNING 1)
SELECT count(*) > 0 FROM created
$q$),
-- Adds a silo row if the table is still at @Version and the row is new; true when both happened.
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE orleans_membership_version SET version = version + 1, updated_at = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND NOT EXISTS (SELECT 1 FROM orleans_membership
                      WHERE deployment_id = @DeploymentId AND address = @Address
                        AND port = @Port AND generation = @Generation)
    RETURNING deployment_id),
added AS (
    INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name,
                                    status, proxy_port, start_time, i_am_alive_time)
    SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    RETURNING 1)
SELECT count(*) > 0 FROM added
$q$),
-- Changes a silo's status and suspicion votes if the table is still at @Version; true on success.
-- GREATEST keeps the heartbeat from moving back when a voter writes the time it read earlier.
('UpdateMembershipKey', $q$
WITH bumped AS (
    UPDATE orleans_membership_version SET version = version + 1, updated_at = now()
    WHERE deployment_id = @DeploymentId AND version = @Version
      AND EXISTS (SELECT 1 FROM orleans_membership
                  WHERE deployment_id = @DeploymentId AND address = @Address
                    AND port = @Port AND generation = @Generation)
    RETURNING deployment_id),
changed AS (
    UPDATE orleans_membership m
    SET status = @Status, suspect_times = @SuspectTimes,
        i_am_alive_time = GREATEST(m.i_am_alive_time, @IAmAliveTime)
    FROM bumped
    WHERE m.deployment_id = bumped.deployment_id AND m.address = @Address
      AND m.port = @Port AND m.generation = @Generation
    RETURNING 1)
SELECT count(*) > 0 FROM changed
$q$),
-- Heartbeat; the result is not checked.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_membership SET i_am_alive_time = GREATEST(i_am_alive_time, @IAmAliveTime)
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),
-- The read queries must return at least the version row: the LEFT JOIN yields it with NULL silo columns when
-- there is no matching silo, and Orleans then reads an empty table at that version.
('MembershipReadRowKey', $q$
SELECT v.version AS Version, m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
       m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deployment_id = v.deployment_id AND m.address = @Address
      AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId
$q$),
('MembershipReadAllKey', $q$
SELECT v.version AS Version, m.address AS Address, m.port AS Port, m.generation AS Generation,
       m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
       m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive_time AS IAmAliveTime
FROM orleans_membership_version v
LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId
$q$),
-- Drops the whole cluster (silo rows go with the version row through ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
$q$),
-- Gateways for clients: active silos with a gateway port; @Status is 3 (Active).
('GatewaysQueryKey', $q$
SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
FROM orleans_membership
WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),
-- Bulk prune of dead silos older than @IAmAliveTime. Required to exist, but 10.4.2 only runs it when
-- CleanupDefunctSiloEntryKey below is missing.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId AND status = 6
  AND i_am_alive_time < @IAmAliveTime AND start_time < @IAmAliveTime
$q$),
-- Prunes one dead silo row, only if it is still exactly as Orleans read it.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleans_membership
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6 AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
  AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '')
$q$);

-- Persistence queries (Orleans.Persistence.AdoNet). A write or clear that returns no row, or a version equal
-- to the one sent, is reported by Orleans as an InconsistentStateException (ETag conflict).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- Zero or one row: the payload (NULL after a clear) and the version that becomes the grain's ETag.
('ReadFromStorageKey', $q$
SELECT payload AS PayloadBinary, version AS Version
FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
$q$),
-- With an ETag: update only that version. Without one: insert version 1 only if no row exists (the primary key
-- settles racing inserts). Returns the new version, or no row on a conflict.
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE orleans_storage
    SET payload = @PayloadBinary, version = version + 1, modified_at = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
      AND service_id = @ServiceId AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version),
inserted AS (
    INSERT INTO orleans_storage (grain_id_hash, grain_type_hash, service_id, grain_type,
                                 grain_id_n0, grain_id_n1, grain_id_ext, payload, version, modified_at)
    SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainTypeString,
           @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''), @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version)
SELECT version AS NewGrainStateVersion FROM updated
UNION ALL
SELECT version FROM inserted
$q$),
-- Keeps the row with a NULL payload and a new version, so a later write still needs the current ETag.
('ClearStorageKey', $q$
UPDATE orleans_storage SET payload = NULL, version = version + 1, modified_at = now()
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion
$q$),
-- Used instead of ClearStorageKey when AdoNetGrainStorageOptions.DeleteStateOnClear is true. Any value other
-- than the ETag sent means success; the next write then starts again at version 1.
('DeleteStorageKey', $q$
DELETE FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash
  AND service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '')
  AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion
$q$);

-- Reminder queries (Orleans.Reminders.AdoNet). The version is the reminder's ETag.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadReminderRowsKey', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),
('ReadReminderRowKey', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),
-- The ring range (@BeginHash, @EndHash] of one silo. Orleans picks Rows1 when the range does not wrap in
-- signed order and Rows2 when it does (and for the full ring, where begin = end).
('ReadRangeRows1Key', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),
('ReadRangeRows2Key', $q$
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),
-- Registering again replaces the schedule and bumps the version. @Period is an int, or a bigint when the
-- period in milliseconds does not fit an int. Returns the new version.
('UpsertReminderRowKey', $q$
INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET grain_hash = excluded.grain_hash, start_time = excluded.start_time,
    period_ms = excluded.period_ms, version = orleans_reminders.version + 1
RETURNING version AS Version
$q$),
-- Unregister: only the version the caller holds; returns whether a row went.
('DeleteReminderRowKey', $q$
WITH gone AS (
    DELETE FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
      AND version = @Version
    RETURNING 1)
SELECT count(*) > 0 FROM gone
$q$),
('DeleteReminderRowsKey', $q$
DELETE FROM orleans_reminders WHERE service_id = @ServiceId
$q$);
