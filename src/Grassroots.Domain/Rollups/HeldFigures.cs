using Grassroots.Domain.Contracts;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// A grain's figures in memory, kept in step with the batches of every writer shard. The figures are loaded from one
/// snapshot of the database together with each shard's last committed sequence number, and a delivery — the summed
/// changes of a run of batches — is taken only when it starts where the figures end, so no batch is counted twice or
/// left out:
/// <list type="bullet">
/// <item>it starts where they end: taken, and the figures now end where it ends;</item>
/// <item>it starts after they end: some batch never arrived (a silo died, a commit's outcome was unknown), so the figures
/// are loaded again, which takes in the delivery's batches too (they committed before it was sent);</item>
/// <item>it starts before they end (they were loaded since its sender's last delivery): nothing is taken, and the answer
/// — where the figures end — tells the sender which batches to send next.</item>
/// </list>
/// Loads and deliveries take turns; reads use the figures as they stand and never wait, since a load builds new figures
/// and swaps them in whole.
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

    /// <summary>Takes the delivery if it starts where the figures end (see the class); answers where they end now.</summary>
    public async Task<long> ApplyAsync<T>(RollupDelivery<T> delivery, Action<TState, T> apply)
    {
        await _gate.WaitAsync();
        try
        {
            var held = HeldUpTo(delivery.Shard);
            if (delivery.After > held) await LoadHeldAsync();
            else if (delivery.After == held && delivery.UpTo > held)
            {
                foreach (var change in delivery.Changes) apply(State, change);
                _held = new Dictionary<string, long>(_held) { [delivery.Shard] = delivery.UpTo };
            }
            return HeldUpTo(delivery.Shard);
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
