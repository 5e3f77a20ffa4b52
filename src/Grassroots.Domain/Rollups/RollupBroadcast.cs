using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grassroots.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Services;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// How the batches a silo commits reach every silo's <see cref="RollupReplica"/>: this silo's own at once, as its writers
/// hand them over; each peer's every <see cref="FlushInterval"/>, all the batches since the last in one message per peer
/// (<see cref="IRollupExchange"/>) — so the messages between silos grow with the number of silos and flushes, not with
/// the number of writes, and no read needs to ask another silo.
/// <para>
/// Peers greet each other before sending: a silo that starts greets every active silo, then starts its replica's
/// streams where the database stands, so every batch a peer commits afterwards is sent to it and every batch before is in
/// the figures it loads. A silo that becomes active later is greeted when this silo sees it. A greeting says the last
/// batch each side has handed over; a silo that finds a peer ahead of what it has let through may have missed batches
/// (they were handed over before the greeting) and loads its figures again, as it does when a peer dies.
/// </para>
/// </summary>
public sealed class RollupBroadcast(IServiceProvider services, RollupReplica replica, IClusterMembershipService membership,
    ILocalSiloDetails local, ILogger<RollupBroadcast> logger)
    : GrainServiceClient<IRollupExchange>(services), ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>
    /// Short enough that a write shows on every silo within a quarter of a second; long enough that under load each
    /// message carries many batches.
    /// </summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>A send that takes longer is given up and tried again with what came since.</summary>
    private static readonly TimeSpan SendPatience = TimeSpan.FromSeconds(5);

    private static readonly Histogram<double> Lag = GrassrootsTelemetry.Meter.CreateHistogram<double>(
        "grassroots.rollup.lag", "ms", "From a committed batch's hand-over to another silo's acknowledgement that its figures hold it");

    private readonly Lock _gate = new();
    private readonly Dictionary<SiloAddress, Peer> _peers = [];
    private readonly Dictionary<string, long> _handedOver = new(StringComparer.Ordinal);
    private readonly HashSet<SiloAddress> _dead = [];
    private readonly HashSet<SiloAddress> _greeting = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>Every active peer was greeted and the replica's streams started: reads are answered as the database stands.</summary>
    public bool IsStarted { get; private set; }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(RollupBroadcast), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    /// <summary>A batch this silo committed: into this silo's figures now, to every peer with the next flush.</summary>
    public void HandOver(CommittedChanges batch)
    {
        replica.Apply(batch);
        lock (_gate)
        {
            _handedOver[batch.Shard] = Math.Max(_handedOver.GetValueOrDefault(batch.Shard), batch.Seq);
            var waiting = new Waiting(batch, Stopwatch.GetTimestamp());
            foreach (var peer in _peers.Values) peer.Waiting.Add(waiting);
        }
    }

    /// <summary>A peer's batches, as the exchange received them.</summary>
    public void Received(IReadOnlyList<CommittedChanges> batches)
    {
        foreach (var batch in batches) replica.Apply(batch);
    }

    /// <summary>
    /// A peer greeted this silo: it sends its batches here (it counted this silo among its peers before it greeted), and is
    /// sent this silo's from now on; answers the last of each shard handed over before.
    /// </summary>
    public IReadOnlyDictionary<string, long> Greeted(SiloAddress peer, IReadOnlyDictionary<string, long> peerHandedOver)
    {
        IReadOnlyDictionary<string, long> handedOver;
        lock (_gate)
        {
            PeerOf(peer).Greeted = true;
            handedOver = new Dictionary<string, long>(_handedOver);
        }
        CompareWith(peer, peerHandedOver);
        return handedOver;
    }

    /// <summary>
    /// Sends everything waiting to every peer now, and waits until they have it or a round of sends made no progress (tests,
    /// and a silo that stops).
    /// </summary>
    public async Task FlushAsync()
    {
        while (true)
        {
            List<Task<bool>> sends;
            lock (_gate) sends = [.. _peers.Select(p => SendAsync(p.Key, p.Value))];
            if ((await Task.WhenAll(sends)).Contains(false)) return; // a peer that does not take them now gets them at the next flush
            lock (_gate)
                if (_peers.Values.All(p => p.Waiting.Count == 0)) return;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            foreach (var member in membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead))
                _dead.Add(member.SiloAddress); // dead before this silo started: nothing of theirs is missing here
        await Task.WhenAll(ActivePeers().Select(GreetAsync));
        await replica.StartAsync();
        replica.Warm(Constants.National);
        IsStarted = true;
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null) await _loop;
        // What was committed before the silo stops reaches the peers, so they need not load their figures again for it.
        await FlushAsync().WaitAsync(SendPatience, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                replica.CheckPatience();
                Follow();
                lock (_gate)
                    foreach (var (silo, peer) in _peers)
                        _ = SendAsync(silo, peer);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Keeps the peers in step with the cluster: dead ones dropped (and their unsent batches loaded from the database), new ones greeted.</summary>
    private void Follow()
    {
        var snapshot = membership.CurrentSnapshot;
        var newlyDead = new List<SiloAddress>();
        lock (_gate)
        {
            foreach (var member in snapshot.Members.Values)
            {
                if (member.Status != SiloStatus.Dead || member.SiloAddress.Equals(local.SiloAddress) || !_dead.Add(member.SiloAddress)) continue;
                _peers.Remove(member.SiloAddress);
                newlyDead.Add(member.SiloAddress);
            }
        }
        foreach (var silo in newlyDead)
            replica.RequestReload($"silo {silo} is dead; batches it committed may never have been sent");
        foreach (var silo in ActivePeers())
        {
            bool greeted;
            lock (_gate) greeted = _peers.TryGetValue(silo, out var peer) && peer.Greeted;
            if (!greeted) _ = GreetAsync(silo);
        }
    }

    private IEnumerable<SiloAddress> ActivePeers() => membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(local.SiloAddress)).Select(m => m.SiloAddress);

    /// <summary>
    /// Asks a peer to send here, and starts sending there: it counts as a peer before the greeting leaves, so every batch
    /// handed over after what the greeting says is sent to it. A peer that does not answer is greeted again next flush.
    /// </summary>
    private async Task GreetAsync(SiloAddress silo)
    {
        IReadOnlyDictionary<string, long> mine;
        Peer peer;
        lock (_gate)
        {
            if (!_greeting.Add(silo)) return;
            peer = PeerOf(silo);
            mine = new Dictionary<string, long>(_handedOver);
        }
        try
        {
            var theirs = await GetGrainService(silo).GreetAsync(local.SiloAddress, mine).WaitAsync(SendPatience);
            lock (_gate) peer.Greeted = true;
            CompareWith(silo, theirs);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogInformation(error, "Silo {Silo} was not greeted; trying again at the next flush", silo);
        }
        finally
        {
            lock (_gate) _greeting.Remove(silo);
        }
    }

    private Peer PeerOf(SiloAddress silo)
    {
        if (!_peers.TryGetValue(silo, out var peer) && !_dead.Contains(silo)) _peers[silo] = peer = new Peer();
        return peer ?? new Peer(); // a dead silo's greeting: nothing is kept for it
    }

    /// <summary>A peer handed over batches before it sent here: if this silo has not let all of them through, it loads again.</summary>
    private void CompareWith(SiloAddress peer, IReadOnlyDictionary<string, long> peerHandedOver)
    {
        if (!replica.HasStarted) return; // the replica starts after this greeting, from the database as it stands then
        var here = replica.Contiguous();
        if (peerHandedOver.FirstOrDefault(s => here.GetValueOrDefault(s.Key) < s.Value) is { Key: { } shard })
            replica.RequestReload($"silo {peer} handed over batches of {shard} before it was greeted");
    }

    /// <summary>Sends what waits for the peer, unless a send is under way; answers whether the send (or the one under way) got through.</summary>
    private Task<bool> SendAsync(SiloAddress silo, Peer peer)
    {
        lock (_gate)
        {
            if (peer.Sending is { } sending) return sending;
            if (peer.Waiting.Count == 0) return Task.FromResult(true);
            var batches = peer.Waiting;
            peer.Waiting = [];
            return peer.Sending = SendNowAsync(silo, peer, batches);
        }
    }

    private async Task<bool> SendNowAsync(SiloAddress silo, Peer peer, List<Waiting> batches)
    {
        await Task.Yield(); // so that the caller has recorded this send before it can end
        try
        {
            await GetGrainService(silo).ReceiveAsync([.. batches.Select(b => b.Batch)]).WaitAsync(SendPatience);
            foreach (var waiting in batches) Lag.Record(Stopwatch.GetElapsedTime(waiting.HandedOverAt).TotalMilliseconds);
            return true;
        }
        catch (Exception error)
        {
            // Kept, and sent again first with what comes next: a peer takes each batch once, however often it is sent.
            lock (_gate) peer.Waiting.InsertRange(0, batches);
            logger.LogInformation(error, "Sending {Count} rollup batches to silo {Silo} failed; sending them again at the next flush", batches.Count, silo);
            return false;
        }
        finally
        {
            lock (_gate) peer.Sending = null;
        }
    }

    private sealed record Waiting(CommittedChanges Batch, long HandedOverAt);

    private sealed class Peer
    {
        /// <summary>It sends its batches here, and what it handed over before was compared with what this silo let through.</summary>
        public bool Greeted;

        public List<Waiting> Waiting = [];
        public Task<bool>? Sending;
    }
}
