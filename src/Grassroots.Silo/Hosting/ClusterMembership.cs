using Orleans.Configuration;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// Membership timing for clusters over the database. Orleans' defaults take about a minute to declare a killed silo
/// dead; during that time calls to its grains wait. These settings make it a few seconds (measured in
/// docs/benchmarks.md), at the price of more probe traffic and a risk of declaring a silo dead during a long pause.
/// </summary>
public static class ClusterMembership
{
    public static void Tune(ClusterMembershipOptions o)
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(1);
        o.NumMissedProbesLimit = 2;
        // Two silos must agree that a third is dead, so one silo with a broken link cannot evict a healthy peer. With
        // fewer active silos Orleans asks for fewer votes (half of them, rounded up), so a survivor of two declares its
        // peer dead alone. Measured with three silos: a killed one is marked dead as fast as with one vote (1.1–1.6 s).
        o.NumVotesForDeathDeclaration = 2;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
    }
}
