using System.Diagnostics.Metrics;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>grassroots.records.ingested: records committed, by kind and change (create, update, void).</summary>
public static class RecordsIngested
{
    private static readonly Counter<long> Counter = GrassrootsTelemetry.Meter.CreateCounter<long>(
        "grassroots.records.ingested", "{record}", "Records committed: created, corrected or voided");

    public static void Add(RecordKind kind, string change) => Counter.Add(1, new("kind", kind.Name), new("change", change));
}
