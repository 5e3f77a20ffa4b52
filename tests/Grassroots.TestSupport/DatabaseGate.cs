using System.Data.Common;
using Grassroots.Storage;

namespace Grassroots.TestSupport;

/// <summary>
/// Holds the database so that the group committer's next batch waits inside its transaction — a write lock on SQLite,
/// the shards table on PostgreSQL (a batch's first statement updates its shard's row) — and units submitted meanwhile
/// queue up for the batches after it: in-flight writes and batching without relying on timing. Close it, submit the
/// unit that opens a batch, wait until <see cref="GroupCommitter.BatchesWriting"/> says that batch is being written,
/// then submit what should queue and <see cref="OpenAsync"/>.
/// </summary>
public sealed class DatabaseGate : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private DbTransaction? _tx;

    private DatabaseGate(DbConnection connection, DbTransaction tx)
    {
        _connection = connection;
        _tx = tx;
    }

    public static async Task<DatabaseGate> CloseAsync(Database database)
    {
        var connection = await database.OpenAsync();
        var tx = await database.BeginWriteAsync(connection);
        await using var hold = connection.CreateCommand();
        hold.Transaction = tx;
        hold.CommandText = database.Dialect == "Postgres" ? "LOCK TABLE shards IN SHARE MODE" : "UPDATE shards SET seq = seq WHERE 0 = 1";
        await hold.ExecuteNonQueryAsync();
        return new DatabaseGate(connection, tx);
    }

    /// <summary>Waits until <paramref name="committer"/> is writing a batch (and so waiting at the gate).</summary>
    public static async Task WaitUntilWritingAsync(GroupCommitter committer, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (committer.BatchesWriting == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The committer never started a batch.");
            await Task.Delay(5);
        }
    }

    public async Task OpenAsync()
    {
        if (_tx is null) return;
        await _tx.RollbackAsync();
        await _tx.DisposeAsync();
        _tx = null;
    }

    public async ValueTask DisposeAsync()
    {
        await OpenAsync();
        await _connection.DisposeAsync();
    }
}
