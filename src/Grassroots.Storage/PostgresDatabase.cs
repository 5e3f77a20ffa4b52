using System.Data.Common;
using Npgsql;

namespace Grassroots.Storage;

/// <summary>PostgreSQL for production and clusters: pooled connections from one data source.</summary>
public sealed class PostgresDatabase(StorageOptions options) : Database(options)
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(WithAutoPrepare(options.ResolveConnectionString()));

    /// <summary>
    /// The service sends the same few statements over and over (a branch's records, a profile, a group commit of the same
    /// tables); Npgsql prepares each one on a connection once it has been used twice there, so PostgreSQL stops parsing
    /// and planning it. Measured on branch activations at federation scale: 282 → 416 PUTs a second to cold branches
    /// (docs/benchmarks.md). A connection string that sets Max Auto Prepare keeps its own value.
    /// </summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Max Auto Prepare")) builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    public override string Dialect => "Postgres";
    public override string ForUpdate => " FOR UPDATE";
    public override int MaxParameters => 60_000;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    public override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", (NpgsqlConnection)connection, (NpgsqlTransaction)tx);
        await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return tx;
    }

    public override async Task WithMigrationLockAsync(DbConnection connection, Func<Task> work, CancellationToken cancellationToken)
    {
        const long key = 0x4752_4153_5352_4f4f; // "GRASSROO"
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({key})", (NpgsqlConnection)connection))
            await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({key})", (NpgsqlConnection)connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Classes 22 (bad value), 23 (constraint) and 42 (e.g. a value of the wrong type for its column).</summary>
    public override bool IsDataError(Exception error) => error is PostgresException { SqlState: [var a, var b, ..] }
        && (a, b) is ('2', '2') or ('2', '3') or ('4', '2');

    public override bool IsUniqueViolation(Exception error) => error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsRetryable(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    public override async ValueTask DisposeAsync() => await _source.DisposeAsync().ConfigureAwait(false);
}
