using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Grassroots.Storage;

/// <summary>
/// The service's own span source and meter, both named "Grassroots". Declared in the lowest layer so storage,
/// grains and the host record under one name; each instrument is declared next to the code that records it.
/// </summary>
public static class GrassrootsTelemetry
{
    public const string Name = "Grassroots";
    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);
}
