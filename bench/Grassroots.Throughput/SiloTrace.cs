using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace Grassroots.Throughput;

/// <summary>
/// A .nettrace of the silo over a measured window, taken over its diagnostic port with the providers of dotnet-trace's
/// `dotnet-sampled-thread-time` profile: the sample profiler (every managed thread's stack about every millisecond,
/// running or waiting) and the runtime's events needed to resolve methods (JIT, loader, GC, rundown at the end). Read it
/// with `dotnet-trace report FILE topN` or convert it (see docs/benchmarks.md, "How to profile"). Tracing costs the
/// silo CPU, so the figures of a traced window are a little low.
/// </summary>
public sealed class SiloTrace
{
    private readonly int _pid;
    private readonly string _file;
    private EventPipeSession? _session;
    private Task? _copying;

    public SiloTrace(int pid, string file)
    {
        _pid = pid;
        _file = Path.GetFullPath(file);
    }

    public void Start()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        _session = new DiagnosticsClient(_pid).StartEventPipeSession(
        [
            new EventPipeProvider("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational, 0xF00000000000),
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, 0x14C14FCCBD),
        ], requestRundown: true, circularBufferMB: 256);
        var stream = _session.EventStream;
        _copying = Task.Run(async () =>
        {
            await using var file = File.Create(_file);
            await stream.CopyToAsync(file);
        });
    }

    public void Stop() => _session?.Stop();

    /// <summary>Waits for the rundown and the file to be written.</summary>
    public async Task<string> CompleteAsync()
    {
        if (_copying is not null) await _copying;
        _session?.Dispose();
        var bytes = new FileInfo(_file).Length;
        Console.WriteLine($"== trace of the silo (pid {_pid}) over the measured window: {_file} ({bytes / 1e6:F1} MB)");
        Console.WriteLine($"   top methods: dotnet-trace report {_file} topN -n 25 [--inclusive]");
        return _file;
    }
}
