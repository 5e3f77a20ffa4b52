using Grassroots.Domain.Model;
using Grassroots.Runtime;

namespace Grassroots.Domain.Grains;

/// <summary>A campaign (学习宣传贯彻活动), keyed by its id.</summary>
public interface ICampaignGrain : IGrainWithStringKey
{
    Task<Versioned<Campaign>?> GetAsync();

    /// <summary>Creates or corrects the campaign. The id inside <paramref name="campaign"/> must be the grain key.</summary>
    Task<Saved<Campaign>> PutAsync(Campaign campaign, string actor);
}

/// <summary>A branch (基层工会), keyed by the id its registering authority chose.</summary>
public interface IBranchGrain : IGrainWithStringKey
{
    Task<Versioned<BranchProfile>?> GetAsync();

    /// <summary>Registers or corrects the branch; moving it to another county moves its registered count, not its past records.</summary>
    Task<Saved<BranchProfile>> PutAsync(BranchProfile profile, string actor);

    /// <summary>The branch's own figures, from its records (optionally one campaign, within from..to).</summary>
    Task<Totals> GetTotalsAsync(string? campaignId, DateOnly? from, DateOnly? to);

    /// <summary>
    /// Commits a record change together with the branch's campaign activity (earliest non-voided record) and
    /// the resulting active-branch deltas, in one group-committed unit. Called by record grains only.
    /// </summary>
    Task CommitRecordChangeAsync(RecordChange change);
}

/// <summary>An honoree (劳模、先进工作者、工匠).</summary>
public interface IHonoreeGrain : IGrainWithStringKey
{
    Task<Versioned<HonoreeProfile>?> GetAsync();
    Task<Saved<HonoreeProfile>> PutAsync(HonoreeProfile profile, string actor);
    Task<HonoreeFigures> GetFiguresAsync(string? campaignId);
}

/// <summary>A record a branch logs, keyed "{branchId}/{recordId}". PUT creates or corrects; a void keeps it readable.</summary>
public interface IRecordGrain<T> : IGrainWithStringKey
{
    Task<LoggedRecord<T>?> GetAsync();

    Task<RecordSaved<T>> PutAsync(T data, string actor);

    /// <summary>Voids the record: its figures leave every rollup; it stays readable. Voiding twice changes nothing.</summary>
    Task<LoggedRecord<T>> VoidAsync(string reason, string actor);
}

public interface IStudySessionGrain : IRecordGrain<StudySession>;

public interface IHonoreeTalkGrain : IRecordGrain<HonoreeTalk>;

public interface IPublicityItemGrain : IRecordGrain<PublicityItem>;

/// <summary>
/// One region's figures (county, city, province or national CN) for every campaign, held in memory:
/// this process's committed deltas are pushed at once, other processes' shards folded in by a short timer.
/// </summary>
public interface IRegionRollupGrain : IGrainWithStringKey
{
    /// <summary>Totals over records dated from..to (inclusive, either open); active branches as of <paramref name="to"/> or today.</summary>
    Task<Totals> GetTotalsAsync(string campaignId, DateOnly? from, DateOnly? to);

    /// <summary>Totals per day, week (from Monday) or month between from and to.</summary>
    Task<IReadOnlyList<SeriesPoint>> GetSeriesAsync(string campaignId, SeriesInterval interval, DateOnly from, DateOnly to);

    /// <summary>Absolute row values of some shard, newer than what the grain holds.</summary>
    Task ApplyAsync(IReadOnlyList<RollupRow> rows);
}

public enum SeriesInterval { Day, Week, Month }

public sealed record SeriesPoint(DateOnly Start, Totals Totals);

/// <summary>One region_rollups row as committed by a shard.</summary>
public sealed record RollupRow(string Shard, string RegionCode, string CampaignId, DateOnly Day, long[] Values, long Seq);

/// <summary>Where a record counts: campaign, date and the county it was logged under. Null when it does not count (absent or voided).</summary>
public sealed record Placement(string CampaignId, DateOnly Day, string RegionCode);

/// <summary>A record's change as the branch must see it to keep its campaign activity exact, with the record's own writes.</summary>
public sealed record RecordChange(Placement? Before, Placement? After, IReadOnlyList<Storage.RowWrite> Writes);
