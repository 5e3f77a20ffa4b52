using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Grassroots.Runtime;

/// <summary>The runtime's spans and instruments, under the service-wide name "Grassroots".</summary>
public static class RuntimeTelemetry
{
    public const string Name = "Grassroots";
    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);
    internal static readonly UpDownCounter<long> Activations =
        Meter.CreateUpDownCounter<long>("grassroots.grain.activations", description: "Grain activations alive in this process");
}
