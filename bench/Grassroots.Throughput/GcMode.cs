namespace Grassroots.Throughput;

/// <summary>
/// The garbage collector a silo process is started with, set through the runtime's environment variables (which take
/// precedence over the build's runtimeconfig.json, where the Web SDK sets System.GC.Server=true). "build" sets nothing:
/// the service as built, Server GC with DATAS, which .NET 9 and later turn on by default with Server GC.
/// </summary>
public sealed record GcMode(string Name, string Description, IReadOnlyDictionary<string, string> Environment)
{
    public static readonly GcMode Build = new("build", "as built (runtimeconfig: Server GC without DATAS)", new Dictionary<string, string>());

    public static readonly IReadOnlyList<GcMode> All =
    [
        Build,
        new("workstation", "Workstation GC, concurrent", new Dictionary<string, string> { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "1" }),
        new("server", "Server GC without DATAS (one heap per core)",
            new Dictionary<string, string> { ["DOTNET_gcServer"] = "1", ["DOTNET_GCDynamicAdaptationMode"] = "0" }),
        new("datas", "Server GC with DATAS (heap count adapts)",
            new Dictionary<string, string> { ["DOTNET_gcServer"] = "1", ["DOTNET_GCDynamicAdaptationMode"] = "1" }),
    ];

    public static GcMode? Parse(string name) => All.FirstOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// What the process shows it runs: Server GC starts a thread per heap named ".NET Server GC"; Workstation none. With
    /// DATAS the heaps (and their threads) grow with the load, so the count is as of the moment asked.
    /// </summary>
    public static string Observed(int pid)
    {
        var threads = Directory.GetDirectories($"/proc/{pid}/task").Select(t =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(t, "comm")).Trim();
            }
            catch (IOException)
            {
                return "";
            }
        }).ToList();
        var server = threads.Count(t => t == ".NET Server GC");
        return server == 0 ? "workstation (no server GC threads)" : $"server ({server} server GC threads)";
    }
}
