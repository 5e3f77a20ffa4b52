namespace Grassroots.Runtime.Tests.Grains;

/// <summary>Records the order its calls ran in and how many were ever in progress at once.</summary>
public interface ISequenceGrain : IGrainWithStringKey
{
    Task AppendAsync(int value);
    Task<SequenceReport> GetReportAsync();
}

public sealed record SequenceReport(IReadOnlyList<int> Values, int MaxInFlight);

public sealed class SequenceGrain : Grain, ISequenceGrain
{
    private readonly List<int> _values = [];
    private int _inFlight;
    private int _maxInFlight;

    public async Task AppendAsync(int value)
    {
        var n = ++_inFlight;
        _maxInFlight = Math.Max(_maxInFlight, n);
        await Task.Yield();
        _values.Add(value);
        _inFlight--;
    }

    public Task<SequenceReport> GetReportAsync() => Task.FromResult(new SequenceReport([.. _values], _maxInFlight));
}
