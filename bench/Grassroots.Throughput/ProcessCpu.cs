using System.Globalization;
using Npgsql;

namespace Grassroots.Throughput;

/// <summary>
/// CPU time of named groups of processes, each a root and its descendants, read from /proc: on a machine with two cores
/// shared by the silos, PostgreSQL, nginx and the load generator, who used the cores says what limits a run.
/// </summary>
public static class ProcessCpu
{
    /// <summary>/proc counts in USER_HZ, which is 100 on every Linux architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>
    /// Seconds of CPU so far per group, and for the whole machine under the key "all". A group's figure adds each member's
    /// own time and its reaped children's (cutime, cstime), so a backend that exits during the interval still counts.
    /// </summary>
    public static Dictionary<string, double> Sample(IReadOnlyDictionary<string, int> roots)
    {
        var processes = new Dictionary<int, (int Parent, long Ticks)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                // Fields after the command name, which is in parentheses and may hold spaces: state, ppid, … utime (14), stime, cutime, cstime.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                long Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);
                processes[pid] = ((int)Field(4), Field(14) + Field(15) + Field(16) + Field(17));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // exited while listing
            }
        }
        var children = processes.ToLookup(p => p.Value.Parent, p => p.Key);
        var rootPids = roots.Values.ToHashSet();
        var result = new Dictionary<string, double>();
        foreach (var (name, root) in roots)
        {
            long ticks = 0;
            var pending = new Stack<int>([root]);
            while (pending.TryPop(out var pid))
            {
                if (processes.TryGetValue(pid, out var process)) ticks += process.Ticks;
                foreach (var child in children[pid].Where(c => !rootPids.Contains(c))) pending.Push(child);
            }
            result[name] = ticks / TicksPerSecond;
        }
        // The machine: user, nice, system, irq and softirq of every core (not idle, I/O wait, or steal by the hypervisor).
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        result["all"] = (cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6]) / TicksPerSecond;
        return result;
    }

    public static Dictionary<string, double> Difference(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));

    /// <summary>The PostgreSQL server's main process (the postmaster): the parent of the backend serving this connection.</summary>
    public static async Task<int> PostgresServerPidAsync(string connectionString)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var command = source.CreateCommand("SELECT pg_backend_pid()");
        var backend = (int)(await command.ExecuteScalarAsync())!;
        var stat = await File.ReadAllTextAsync($"/proc/{backend}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
