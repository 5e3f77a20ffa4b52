using Grassroots.Storage.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Grassroots.Storage.Tests;

/// <summary>
/// The storage layer's retries (<see cref="Retries"/>): a batch the database refused for a passing reason is written
/// again, at most <see cref="Retries.TransientAttempts"/> times in all; a shard held by another process is waited for.
/// </summary>
public sealed class RetriesTests
{
    /// <summary>A trigger that refuses the first <paramref name="failures"/> writes to test_state with a serialization failure (40001).</summary>
    private static async Task FailTransientlyAsync(TestStore store, int failures)
    {
        await using var connection = new NpgsqlConnection(store.Test.Options.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            CREATE SEQUENCE test_state_writes;
            CREATE FUNCTION fail_transiently() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- A sequence moves on whether the transaction commits or not: it counts every attempt.
                IF nextval('test_state_writes') <= {failures} THEN
                    RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'serialization_failure';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER fail_transiently BEFORE INSERT ON test_state FOR EACH ROW EXECUTE FUNCTION fail_transiently();
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    [PostgresFact]
    public async Task ABatchRefusedForAPassingReasonIsWrittenAgainUntilItCommits()
    {
        await using var store = await TestStore.CreateAsync(StorageProvider.Postgres);
        await FailTransientlyAsync(store, failures: 2);

        await store.CommitAsync(Rows.State("k1"));

        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM test_state"));
        Assert.Equal(3, await store.CountAsync("SELECT last_value FROM test_state_writes"));
    }

    [PostgresFact]
    public async Task ABatchRefusedForAPassingReasonEveryTimeFailsAfterFiveWritesAndStoresNothing()
    {
        await using var store = await TestStore.CreateAsync(StorageProvider.Postgres);
        await FailTransientlyAsync(store, failures: 1000);

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => store.CommitAsync(Rows.State("k1")));

        Assert.Equal(PostgresErrorCodes.SerializationFailure, Assert.IsType<PostgresException>(failure.InnerException).SqlState);
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM test_state"));
        Assert.Equal(Retries.TransientAttempts, await store.CountAsync("SELECT last_value FROM test_state_writes"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task TheTransientPipelineRetriesWhatTheDatabaseCallsRetryableAndNothingElse(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        if (provider == StorageProvider.Postgres) await FailTransientlyAsync(store, failures: 1000);
        var pipeline = Retries.Pipeline(null, Retries.TransientPipeline, b => Retries.ConfigureTransient(b, store.Database));

        // A real retryable error of the database: PostgreSQL's serialization failure, SQLite's "database is locked".
        var writes = 0;
        var transient = await Assert.ThrowsAnyAsync<Exception>(async () => await pipeline.ExecuteAsync(async _ =>
        {
            writes++;
            await WriteRetryablyFailingAsync(store);
        }));
        Assert.True(store.Database.IsRetryable(transient), transient.ToString());
        Assert.Equal(Retries.TransientAttempts - 1, writes);

        // A refused row is not retried.
        if (provider == StorageProvider.Postgres) await store.Database.ExecuteAsync("DROP TRIGGER fail_transiently ON test_state", []);
        await store.CommitAsync(Rows.State("taken"));
        writes = 0;
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () => await pipeline.ExecuteAsync(async _ =>
        {
            writes++;
            await store.Database.ExecuteAsync("INSERT INTO test_state VALUES ('TestGrain', 'taken', 'state', '{}', 1)", []);
        }));
        Assert.True(store.Database.IsDataError(refused), refused.ToString());
        Assert.Equal(1, writes);
    }

    /// <summary>
    /// PostgreSQL: the trigger refuses the insert. SQLite: another connection holds the write lock while this one, which
    /// waits a second at most (the service's connections wait 30 s), tries to write.
    /// </summary>
    private static async Task WriteRetryablyFailingAsync(TestStore store)
    {
        if (store.Test.Provider == StorageProvider.Postgres)
        {
            await store.Database.ExecuteAsync("INSERT INTO test_state VALUES ('TestGrain', 'k', 'state', '{}', 1)", []);
            return;
        }
        var file = new SqliteConnectionStringBuilder(store.Test.Options.ResolveConnectionString()).DataSource;
        await using var holder = new SqliteConnection($"Data Source={file};Pooling=False");
        await holder.OpenAsync();
        await using var holding = (SqliteTransaction)await holder.BeginTransactionAsync();
        await using var hold = holder.CreateCommand();
        hold.Transaction = holding;
        hold.CommandText = "INSERT INTO test_state VALUES ('TestGrain', 'held', 'state', '{}', 1)";
        await hold.ExecuteNonQueryAsync();
        await using var writer = new SqliteConnection($"Data Source={file};Pooling=False;Default Timeout=1");
        await writer.OpenAsync();
        await using var write = writer.CreateCommand();
        write.CommandText = "INSERT INTO test_state VALUES ('TestGrain', 'k', 'state', '{}', 1)";
        await write.ExecuteNonQueryAsync();
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task AStartingLeaseWaitsForAShardHeldByAnotherAndTakesItWhenItIsLetGo(StorageProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider, shard: "silo-5");
        await using var database = Database.Create(test.OptionsFor("silo-5"));
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
        var first = new ShardLease(database, NullLogger<ShardLease>.Instance);
        await first.StartAsync(CancellationToken.None);
        if (provider == StorageProvider.Sqlite)
        {
            // One process per SQLite file: a second lease is refused at once, not waited for.
            await Assert.ThrowsAsync<InvalidOperationException>(() => new ShardLease(database, NullLogger<ShardLease>.Instance).StartAsync(CancellationToken.None));
            await first.StopAsync(CancellationToken.None);
            return;
        }

        var log = new WaitingLog();
        var second = new ShardLease(database, log);
        var starting = second.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(log.Waits > 0), "the second lease to wait for the shard", TestStore.Guard);
        Assert.False(starting.IsCompleted);

        await first.StopAsync(CancellationToken.None);
        await starting.WaitAsync(TestStore.Guard);
        Assert.True(second.HoldsAll);
        await second.StopAsync(CancellationToken.None);
    }

    private sealed class WaitingLog : ILogger<ShardLease>
    {
        private int _waits;
        public int Waits => Volatile.Read(ref _waits);
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains("waiting for it", StringComparison.Ordinal)) Interlocked.Increment(ref _waits);
        }
    }
}
