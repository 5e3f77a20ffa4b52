using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Grassroots.Storage;

/// <summary>The embedded default: one file, WAL journal, full fsync on commit so nothing acknowledged is lost.</summary>
public sealed class SqliteDatabase : Database
{
    private readonly string _connectionString;

    public SqliteDatabase(StorageOptions options) : base(options)
    {
        _connectionString = SqliteConnectionStringFor(options);
        if (new SqliteConnectionStringBuilder(_connectionString).DataSource is { Length: > 0 } file && file != ":memory:")
            CreateOwnerOnly(Path.GetFullPath(file));
    }

    /// <summary>Pooled, and waiting up to 30 s for another writer's lock (SQLite's busy timeout) rather than failing at once.</summary>
    public static string SqliteConnectionStringFor(StorageOptions options) =>
        new SqliteConnectionStringBuilder(options.ResolveConnectionString()) { Pooling = true, DefaultTimeout = 30 }.ToString();

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// The database holds every record and the API key hashes: a new data directory is created 0700 and the file 0600
    /// before SQLite opens it (SQLite gives its -wal and -shm files the database file's mode), and files an earlier
    /// version left readable by others are narrowed. An existing directory is left as it is: it may be shared.
    /// </summary>
    private static void CreateOwnerOnly(string file)
    {
        var dir = Path.GetDirectoryName(file)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dir);
            return;
        }
        if (!Directory.Exists(dir)) Directory.CreateDirectory(dir, OwnerOnly | UnixFileMode.UserExecute);
        try
        {
            using (new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly })) { }
        }
        catch (IOException) when (File.Exists(file))
        {
            foreach (var existing in new[] { file, file + "-wal", file + "-shm" }.Where(File.Exists))
            {
                var mode = File.GetUnixFileMode(existing);
                try
                {
                    if ((mode & Others) != 0) File.SetUnixFileMode(existing, mode & ~Others);
                }
                catch (UnauthorizedAccessException)
                {
                    // Owned by another user (a shared deployment set up by hand): its owner decides.
                }
            }
        }
    }

    public override string Dialect => "Sqlite";
    public override bool BlocksOnIo => true;
    public override string ForUpdate => "";
    public override int MaxParameters => 30_000;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        // Deferred transactions can fail to upgrade to a write lock; IMMEDIATE takes it at BEGIN.
        await Task.FromResult(((SqliteConnection)connection).BeginTransaction(deferred: false)).ConfigureAwait(false);

    public override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        // In WAL mode a deferred transaction reads one snapshot, taken at its first read, and never blocks writers.
        await Task.FromResult(((SqliteConnection)connection).BeginTransaction(deferred: true)).ConfigureAwait(false);

    public override async Task WithMigrationLockAsync(DbConnection connection, Func<Task> work, CancellationToken cancellationToken)
    {
        // SQLite has no advisory locks; an exclusive lock file next to the database serialises processes.
        var lockPath = ((SqliteConnection)connection).DataSource is { Length: > 0 } file ? file + ".migrate.lock" : null;
        if (lockPath is null)
        {
            await work().ConfigureAwait(false);
            return;
        }
        FileStream? handle = null;
        while (handle is null)
        {
            try
            {
                var lockOptions = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows()) lockOptions.UnixCreateMode = OwnerOnly;
                handle = new FileStream(lockPath, lockOptions);
            }
            catch (IOException)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
        await using (handle) await work().ConfigureAwait(false);
    }

    public override bool IsDataError(Exception error) =>
        error is SqliteException { SqliteErrorCode: 19 or 20 or 25 } or FormatException or InvalidCastException;

    public override bool IsUniqueViolation(Exception error) =>
        error is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 1555 or 2067 };

    public override bool IsRetryable(Exception error) => error is SqliteException { SqliteErrorCode: 5 or 6 };
}
