using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Grassroots.Storage;

/// <summary>
/// Applies the versioned scripts in Migrations/{dialect}/NNNN_name.sql in order, each once, each in its own
/// transaction with its row in schema_migrations. Holding the migration lock makes two processes starting
/// at once safe: the second finds the work done.
/// </summary>
public sealed class Migrator(Database database, ILogger<Migrator> logger)
{
    public sealed record Script(int Version, string Name, string Sql);

    public IReadOnlyList<Script> Scripts { get; } = LoadScripts(database.Dialect);

    /// <summary>Applies what is missing; returns the versions applied now.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var applied = new List<int>();
        await database.WithMigrationLockAsync(connection, async () =>
        {
            await ExecuteAsync(connection, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TEXT NOT NULL)
                """, cancellationToken).ConfigureAwait(false);
            var done = await AppliedVersionsAsync(connection, cancellationToken).ConfigureAwait(false);
            foreach (var script in Scripts.Where(s => !done.Contains(s.Version)))
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, tx, script.Sql, cancellationToken).ConfigureAwait(false);
                await using var record = connection.CreateCommand();
                record.Transaction = tx;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)";
                record.AddParameter("@v", script.Version).AddParameter("@n", script.Name)
                    .AddParameter("@t", DateTimeOffset.UtcNow.ToString("O"));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Applied migration {Version} {Name}", script.Version, script.Name);
                applied.Add(script.Version);
            }
        }, cancellationToken).ConfigureAwait(false);
        return applied;
    }

    /// <summary>True when every script of this build is recorded as applied.</summary>
    public async Task<bool> IsCurrentAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var done = await AppliedVersionsAsync(connection, cancellationToken).ConfigureAwait(false);
            return Scripts.All(s => done.Contains(s.Version));
        }
        catch (DbException)
        {
            return false;
        }
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT version FROM schema_migrations";
        var done = new HashSet<int>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) done.Add(Convert.ToInt32(reader.GetValue(0)));
        return done;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<Script> LoadScripts(string dialect)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Migrations.{dialect}.";
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var name = n[prefix.Length..^4];
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return new Script(int.Parse(name[..name.IndexOf('_')], System.Globalization.CultureInfo.InvariantCulture), name, reader.ReadToEnd());
            })
            .OrderBy(s => s.Version)];
    }
}
