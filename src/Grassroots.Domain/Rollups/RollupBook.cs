using System.Collections.Concurrent;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// Figures of one kind held in a silo's memory, one entry per holder (a region with children, an honoree), each loaded
/// from the database the first time it is read here and kept current by the batches the replica applies. Each holder
/// knows, per writer shard, the last batch its figures hold: a load reads the figures from one snapshot together with
/// every shard's sequence number, and a batch is applied only when it comes after that, so none is counted twice or left
/// out. Batches that arrive while a holder loads are kept and applied to the figures the load brings. Reads never wait
/// for a reload: the figures in place answer until the new ones are swapped in whole.
/// <para>
/// Loads take turns (<paramref name="loads"/>, shared with the replica): when the replica loads every holder again and
/// moves a shard's stream past batches that never arrived, no holder loaded on its own, from an older snapshot, can be
/// left without them.
/// </para>
/// </summary>
public sealed class RollupBook<TState, TChange>(RollupStore store, SemaphoreSlim loads, Func<string, RollupStore.Snapshot, Task<TState>> load,
    Action<TState, TChange> apply)
    where TState : class
{
    private readonly ConcurrentDictionary<string, Holder> _holders = new(StringComparer.Ordinal);

    /// <summary>Reads a holder's figures under its lock, loading them first if this silo has none yet.</summary>
    public async ValueTask<T> ReadAsync<T>(string key, Func<TState, T> read)
    {
        if (!_holders.TryGetValue(key, out var holder))
        {
            var fresh = new Holder();
            holder = _holders.GetOrAdd(key, fresh);
            if (ReferenceEquals(holder, fresh)) _ = LoadQuietlyAsync(key, holder);
        }
        if (holder.State is null) await holder.FirstLoad.Task;
        lock (holder.Gate) return read(holder.State!);
    }

    /// <summary>Applies a batch's changes to the holder, if this silo holds it (the caller applies a shard's batches in commit order).</summary>
    public void Apply(string key, string shard, long seq, List<TChange> changes)
    {
        if (!_holders.TryGetValue(key, out var holder)) return;
        lock (holder.Gate)
        {
            holder.Pending?.Add((shard, seq, changes));
            if (holder.State is null || seq <= holder.Held.GetValueOrDefault(shard)) return;
            foreach (var change in changes) apply(holder.State, change);
            holder.Held[shard] = seq;
        }
    }

    /// <summary>
    /// Begins loading every holder again: from now on each keeps the batches applied to it, for the figures the load
    /// brings. Called before the snapshot is taken, so a batch committed after the snapshot and applied before the load
    /// began is not left out of the new figures. The caller holds the turn of loads and ends what it began with
    /// <see cref="ReloadAllAsync"/>.
    /// </summary>
    public Reload BeginReload() => new([.. _holders.Select(h => (h.Key, h.Value, h.Value.Begin()))]);

    /// <summary>
    /// Loads every holder <paramref name="reload"/> began again from <paramref name="snapshot"/> (whose shard sequence
    /// numbers are <paramref name="seqs"/>), each swapped in once loaded; batches applied since the reload began are
    /// applied to the new figures too. A holder whose load fails keeps its figures, as do those after it.
    /// </summary>
    public async Task ReloadAllAsync(Reload reload, RollupStore.Snapshot snapshot, IReadOnlyDictionary<string, long> seqs)
    {
        var loads = reload.Loads;
        reload.Ran = true;
        for (var i = 0; i < loads.Count; i++)
        {
            var (key, holder, ticket) = loads[i];
            try
            {
                holder.Finish(ticket, await load(key, snapshot), seqs, apply);
            }
            catch
            {
                foreach (var rest in loads.Skip(i)) rest.Holder.Abandon();
                throw;
            }
        }
    }

    /// <summary>Gives up a reload that <see cref="BeginReload"/> began, if <see cref="ReloadAllAsync"/> never ran it.</summary>
    public static void AbandonUnlessRan(Reload reload)
    {
        if (reload.Ran) return;
        reload.Ran = true;
        foreach (var (_, holder, _) in reload.Loads) holder.Abandon();
    }

    /// <summary>The holders a reload began, with their tickets.</summary>
    public sealed class Reload
    {
        internal Reload(List<(string Key, Holder Holder, long Ticket)> loads) => Loads = loads;

        internal List<(string Key, Holder Holder, long Ticket)> Loads { get; }

        internal bool Ran { get; set; }
    }

    /// <summary>Loads the holder again now (this silo's first if it has none): once done, it holds every batch committed before the call.</summary>
    public Task ReloadAsync(string key)
    {
        var fresh = new Holder();
        var holder = _holders.GetOrAdd(key, fresh);
        return LoadAsync(key, holder);
    }

    /// <summary>A first load whose failure its readers see (they wait for it), not its starter.</summary>
    private async Task LoadQuietlyAsync(string key, Holder holder)
    {
        try
        {
            await LoadAsync(key, holder);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
        }
    }

    /// <summary>A holder's load, in its turn; a first load that fails is forgotten, so the next read loads again.</summary>
    private async Task LoadAsync(string key, Holder holder)
    {
        await loads.WaitAsync();
        var ticket = holder.Begin();
        try
        {
            var (state, seqs) = await store.InSnapshotAsync(async snapshot => (await load(key, snapshot), await snapshot.ShardSeqsAsync()));
            holder.Finish(ticket, state, seqs, apply);
        }
        catch (Exception error)
        {
            holder.Abandon();
            if (holder.State is null)
            {
                _holders.TryRemove(new KeyValuePair<string, Holder>(key, holder));
                holder.FirstLoad.TrySetException(error);
            }
            throw;
        }
        finally
        {
            loads.Release();
        }
    }

    internal sealed class Holder
    {
        public readonly Lock Gate = new();
        public readonly TaskCompletionSource FirstLoad = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TState? State;
        public Dictionary<string, long> Held = new(StringComparer.Ordinal);

        /// <summary>While any load runs: the batches applied meanwhile, to apply to what it loads too.</summary>
        public List<(string Shard, long Seq, List<TChange> Changes)>? Pending;

        private int _loading;
        private long _tickets, _swapped;

        /// <summary>A load begins: from now on the batches applied are kept for it.</summary>
        public long Begin()
        {
            lock (Gate)
            {
                _loading++;
                Pending ??= [];
                return ++_tickets;
            }
        }

        /// <summary>A load is done: its figures, with the batches kept since it began, replace older ones (a later load may have finished first).</summary>
        public void Finish(long ticket, TState state, IReadOnlyDictionary<string, long> seqs, Action<TState, TChange> apply)
        {
            lock (Gate)
            {
                if (ticket > _swapped)
                {
                    var held = new Dictionary<string, long>(seqs, StringComparer.Ordinal);
                    foreach (var (shard, seq, changes) in Pending!)
                    {
                        if (seq <= held.GetValueOrDefault(shard)) continue;
                        foreach (var change in changes) apply(state, change);
                        held[shard] = seq;
                    }
                    (State, Held, _swapped) = (state, held, ticket);
                }
                Done();
            }
            FirstLoad.TrySetResult();
        }

        public void Abandon()
        {
            lock (Gate) Done();
        }

        private void Done()
        {
            if (--_loading == 0) Pending = null;
        }
    }
}
