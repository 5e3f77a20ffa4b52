using System.Data.Common;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Profiles;
using Grassroots.Domain.Regions;
using Grassroots.Storage;

namespace Grassroots.Domain.Honorees;

/// <summary>
/// The honorees' data module: an honoree as a row of the honorees table, which honorees exist, the search by name and the
/// leaderboard of talks (honoree_rollups summed over writer shards, so it moves with every talk logged).
/// </summary>
public sealed class HonoreeStore(Database database) : ProfileStore<HonoreeProfile>(database, Tables.Honorees)
{
    protected override object?[] Columns(HonoreeProfile h) =>
        [h.Name, h.Gender, h.Ethnicity, h.Title, h.HonoredYear, h.Employer, h.ProvinceCode];

    protected override HonoreeProfile Read(DbDataReader r) =>
        new(r.GetString(1), r.Text(2), r.Text(3), r.GetString(4), r.NullableInt(5), r.Text(6), r.GetString(7));

    /// <summary>The provinces of the honorees that exist among <paramref name="honoreeIds"/>.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> ProvincesOfAsync(IReadOnlyList<string> honoreeIds) =>
        (await Database.QueryAsync(
            $"SELECT honoree_id, province_code FROM {Table.Name} WHERE honoree_id {Database.InList(honoreeIds, out var args)}", args,
            r => (Id: r.GetString(0), Province: r.GetString(1))).Translated()).ToDictionary(x => x.Id, x => (string?)x.Province);

    /// <summary>
    /// Honorees whose name contains <paramref name="name"/> (optionally of one province), by name, one page of them with
    /// how many there are in all.
    /// </summary>
    public async Task<(long Total, IReadOnlyList<FoundHonoree> Items)> FindAsync(string? name, string? provinceCode, int pageNumber, int size,
        CancellationToken cancellationToken)
    {
        var conditions = new List<string>();
        var args = new List<object?>();
        if (name is not null)
        {
            // LIKE with its wildcards escaped: the text is matched as written, on both databases.
            args.Add("%" + name.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
                .Replace("_", @"\_", StringComparison.Ordinal) + "%");
            conditions.Add($"name LIKE ${args.Count} ESCAPE '\\'");
        }
        if (provinceCode is not null)
        {
            args.Add(provinceCode);
            conditions.Add($"province_code = ${args.Count}");
        }
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        var total = (await Database.QueryAsync($"SELECT COUNT(*) FROM honorees{where}", args, r => r.Long(0), cancellationToken))[0];
        var items = await Database.QueryAsync(
            $"SELECT honoree_id, name, title, province_code, employer FROM honorees{where} ORDER BY name, honoree_id " +
            $"LIMIT ${args.Count + 1} OFFSET ${args.Count + 2}",
            [.. args, size, (long)(pageNumber - 1) * size],
            r => new FoundHonoree(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Text(4)), cancellationToken);
        return (total, items);
    }

    /// <summary>
    /// The <paramref name="count"/> honorees with most talks, then audience, of one campaign (or all), nationally or for the
    /// talks held in one province. Talks, audience and views count where the talk was held; provinces reached counts
    /// everywhere the honoree spoke.
    /// </summary>
    public Task<List<HonoreeStanding>> LeaderboardAsync(string? campaignId, string region, int count, CancellationToken cancellationToken)
    {
        var args = new List<object?>();
        string Param(object value)
        {
            args.Add(value);
            return "$" + args.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var campaignFilter = campaignId is null ? "" : $" WHERE campaign_id = {Param(campaignId)}";
        var inRegion = region == RegionDirectory.National ? "1 = 1" : $"p.province_code = {Param(region)}";
        return Database.QueryAsync(
            "SELECT h.honoree_id, h.name, h.title, h.province_code, " +
            $"SUM(CASE WHEN {inRegion} THEN p.talks ELSE 0 END) AS talks, " +
            $"SUM(CASE WHEN {inRegion} THEN p.audience ELSE 0 END) AS audience, " +
            $"SUM(CASE WHEN {inRegion} THEN p.online_views ELSE 0 END) AS online_views, " +
            "SUM(CASE WHEN p.talks > 0 THEN 1 ELSE 0 END) AS provinces " +
            "FROM (SELECT honoree_id, province_code, SUM(talks) AS talks, SUM(audience) AS audience, SUM(online_views) AS online_views " +
            $"FROM {Tables.HonoreeRollups.Name}{campaignFilter} GROUP BY honoree_id, province_code) p " +
            "JOIN honorees h ON h.honoree_id = p.honoree_id " +
            "GROUP BY h.honoree_id, h.name, h.title, h.province_code " +
            $"HAVING SUM(CASE WHEN {inRegion} THEN p.talks ELSE 0 END) > 0 " +
            $"ORDER BY 5 DESC, 6 DESC, 1 LIMIT {Param(count)}",
            args, r => new HonoreeStanding(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
                r.Long(4), r.Long(5), r.Long(6), r.Int(7)), cancellationToken);
    }
}

/// <summary>An honoree a search by name found.</summary>
public sealed record FoundHonoree(string Id, string Name, string Title, string ProvinceCode, string? Employer);

/// <summary>An honoree's figures on the leaderboard; <see cref="ProvinceCode"/> is the honoree's own province.</summary>
public sealed record HonoreeStanding(string Id, string Name, string Title, string ProvinceCode, long Talks, long Audience, long OnlineViews,
    int ProvincesReached);
