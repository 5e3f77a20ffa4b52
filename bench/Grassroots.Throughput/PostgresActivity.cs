using Npgsql;

namespace Grassroots.Throughput;

/// <summary>
/// What PostgreSQL's cumulative statistics say a window asked of the database: commits, table scans by index or
/// sequentially (each read of a table by a statement, foreign-key checks included), rows returned, and blocks read from
/// outside shared buffers. PostgreSQL 15 flushes a busy backend's counts about once a second, so over a window of
/// 20 s the figures are good to a few per cent.
/// </summary>
public sealed class PostgresActivity(string connectionString)
{
    public const string Commits = "commits", Scans = "scans", BlocksRead = "blocks read", RowsFetched = "rows fetched";

    public Dictionary<string, double> Sample()
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("""
            SELECT d.xact_commit, d.blks_read, d.tup_fetched,
                   (SELECT COALESCE(SUM(COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0)), 0) FROM pg_stat_user_tables)
            FROM pg_stat_database d WHERE d.datname = current_database()
            """, connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        return new()
        {
            [Commits] = reader.GetInt64(0), [BlocksRead] = reader.GetInt64(1), [RowsFetched] = reader.GetInt64(2), [Scans] = (double)reader.GetDecimal(3),
        };
    }
}
