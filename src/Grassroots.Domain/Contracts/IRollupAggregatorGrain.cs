namespace Grassroots.Domain.Contracts;

/// <summary>
/// One per silo: takes what each batch committed there added to the rollups and sends it on to the region and honoree
/// grains that hold those figures, every grain at most once per flush (Orleans' staged aggregation), so the national
/// grain is never called once per record.
/// </summary>
[Alias("rollup-aggregator-grain")]
public interface IRollupAggregatorGrain : IGrainWithIntegerKey
{
    [Alias("add")]
    Task AddAsync(CommittedChanges changes);

    /// <summary>Sends everything held now (tests and shutdown); the timer does it otherwise.</summary>
    [Alias("flush")]
    Task FlushAsync();
}
