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
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
    }
}
