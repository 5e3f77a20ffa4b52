using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Grassroots.Storage;

/// <summary>Tells a database that is away (worth a 503 and a retry) from one that refused a statement.</summary>
public static class StorageFailures
{
    public static bool IsUnavailable(Exception error) => error switch
    {
        StorageUnavailableException or TimeoutException or SocketException => true,
        // Class 08: connection exception; 53: insufficient resources; 57: operator intervention (shutdown, restart).
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState.StartsWith("53", StringComparison.Ordinal) || p.SqlState.StartsWith("57", StringComparison.Ordinal),
        NpgsqlException => true, // raised by the client itself: the connection failed or broke
        SqliteException s => s.SqliteErrorCode is 5 or 6 or 10 or 13 or 14, // busy, locked, I/O error, full, cannot open
        _ => error.InnerException is { } inner && IsUnavailable(inner),
    };
}
