using Grassroots.Domain.Contracts;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// A grain's figures in memory, kept in step with the batches of every writer shard. The figures are loaded from one
/// snapshot of the database together with each shard's last committed sequence number; a delivery then adds only the
/// batches after that number. A delivery whose sender last sent up to a later batch than the figures hold means some
/// batch never arrived (a silo died, or a commit's outcome was unknown): the figures are loaded again. Loads and
/// deliveries take turns; reads use the figures as they stand and never wait, since a load builds new figures and
/// swaps them in whole.
/// </summary>
public sealed class HeldFigures<TState>(Func<Task<(TState State, IReadOnlyDictionary<string, long> Seqs)>> load) where TState : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyDictionary<string, long> _held = new Dictionary<string, long>();

    public TState State { get; private set; } = null!;

    /// <summary>The sequence number up to which <paramref name="shard"/>'s batches are in the figures.</summary>
    public long HeldUpTo(string shard) => _held.GetValueOrDefault(shard);

    public async Task LoadAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await LoadHeldAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task ApplyAsync<T>(RollupDelivery<T> delivery, Action<TState, T> apply)
    {
        await _gate.WaitAsync();
        try
        {
            if (delivery.After > HeldUpTo(delivery.Shard)) await LoadHeldAsync();
            var held = HeldUpTo(delivery.Shard);
            foreach (var batch in delivery.Batches)
            {
                if (batch.Seq <= held) continue;
                foreach (var change in batch.Changes) apply(State, change);
            }
            if (delivery.UpTo > held) _held = new Dictionary<string, long>(_held) { [delivery.Shard] = delivery.UpTo };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task LoadHeldAsync()
    {
        var (state, seqs) = await load();
        (State, _held) = (state, seqs);
    }
}
