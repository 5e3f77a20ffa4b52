using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Grassroots.ImportBench;

/// <summary>
/// What a phase allocates, by type: the runtime reports a sample every ~100 KB allocated (its GCAllocationTick event, with
/// the type of the object that crossed the mark), so a type's share of the samples is close to its share of the bytes.
/// Listened to in this process, which hosts the service: no tool to attach, and only while a phase runs.
/// </summary>
public sealed class AllocationProfile : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }

    public void Start()
    {
        _bytes.Clear();
        _on = true;
    }

    /// <summary>Stops listening; prints the types that took most of the bytes, as bytes per row.</summary>
    public void Report(string phase, long rows, int top = 25)
    {
        _on = false;
        var total = _bytes.Values.Sum();
        Console.WriteLine();
        Console.WriteLine($"== what the {phase} allocates, by type (sampled every ~100 KB; {total / (double)rows:N0} B a row sampled)");
        Console.WriteLine("| type | share | B/row |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(top))
            Console.WriteLine($"| {type} | {bytes / (double)total:P1} | {bytes / (double)rows:N0} |");
    }
}
