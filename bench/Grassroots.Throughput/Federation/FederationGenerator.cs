using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Grassroots.Throughput.Federation;

/// <summary>What to generate; the defaults are the federation headquarters plans for.</summary>
public sealed record FederationSpec(int Branches = 2_800_000, long Records = 10_000_000, int Honorees = 2_000, int Seed = 20201124)
{
    public const string CampaignId = "fed-2020";
    public static readonly DateOnly StartsOn = new(2020, 11, 24);
    public static readonly DateOnly EndsOn = new(2021, 12, 31);
}

/// <summary>What a generated data set holds, written beside it as manifest.json, so a load can be checked against it.</summary>
public sealed record FederationManifest(
    FederationSpec Spec, int Branches, long StudySessions, long HonoreeTalks, long PublicityItems, long ActiveBranches,
    Dictionary<string, long> NationalTotals, Dictionary<string, int> BranchesByProvince, Dictionary<string, long> RecordsByProvince)
{
    public long Records => StudySessions + HonoreeTalks + PublicityItems;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The rollup totals' figures as the API names them, in its order (the generator's tally and the reads agree on these).</summary>
    public static readonly string[] Figures = ["studySessions", "attendance", "frontline", "youth", "women", "honoreeTalks", "talkAudience",
        "onlineViews", "publicityItems", "publicityReach", "activeBranches", "registeredBranches"];

    public static FederationManifest Read(string directory) =>
        JsonSerializer.Deserialize<FederationManifest>(File.ReadAllText(Path.Combine(directory, "manifest.json")), Json)!;
}

/// <summary>
/// A federation-scale data set in the import formats: campaign.json and honorees.json (PUT bodies with their ids),
/// branches.csv (?type=branches) and one CSV per record kind (?type=study-sessions|honoree-talks|publicity), each
/// record file ordered by branch so an import sends a branch's records together. Deterministic for a seed.
/// <para>
/// Skew: a province's share of branches follows its population at the 2020 census, with the eight eastern provinces
/// where most enterprises are weighted 1.5×; within a province, counties get log-normal weights (urban districts hold
/// many branches, remote counties few). Each province reports at its own rate (55–95 % of its branches log anything),
/// and active branches log log-normally many records (most a few, some dozens), most of them in the first weeks after
/// the conference. Text is plain and comma-free, so the files need no CSV quoting.
/// </para>
/// </summary>
public sealed class FederationGenerator(FederationSpec spec, IReadOnlyList<Region> regions)
{
    /// <summary>Population at the 2020 census in millions, by province code.</summary>
    private static readonly Dictionary<string, double> Population = new()
    {
        ["110000"] = 21.9, ["120000"] = 13.9, ["130000"] = 74.6, ["140000"] = 34.9, ["150000"] = 24.0, ["210000"] = 42.6,
        ["220000"] = 24.1, ["230000"] = 31.9, ["310000"] = 24.9, ["320000"] = 84.7, ["330000"] = 64.6, ["340000"] = 61.0,
        ["350000"] = 41.5, ["360000"] = 45.2, ["370000"] = 101.5, ["410000"] = 99.4, ["420000"] = 57.8, ["430000"] = 66.4,
        ["440000"] = 126.0, ["450000"] = 50.1, ["460000"] = 10.1, ["500000"] = 32.1, ["510000"] = 83.7, ["520000"] = 38.6,
        ["530000"] = 47.2, ["540000"] = 3.6, ["610000"] = 39.5, ["620000"] = 25.0, ["630000"] = 5.9, ["640000"] = 7.2,
        ["650000"] = 25.9,
    };

    private static readonly HashSet<string> East = ["110000", "120000", "310000", "320000", "330000", "350000", "370000", "440000"];

    private static readonly string[] Sectors = ["制造业", "建筑业", "交通运输", "教育", "卫生健康", "公共管理", "信息技术", "批发零售", "能源", "金融"];
    private static readonly string[] BranchKinds = ["enterprise", "institution", "agency", "community", "other"];
    private static readonly double[] BranchKindShares = [0.65, 0.15, 0.10, 0.07, 0.03];
    private static readonly string[] SessionTitles = ["集中学习表彰大会讲话精神", "班组学习劳模精神", "青年职工学习座谈", "劳模精神专题党课", "学习心得交流会"];
    private static readonly string[] SessionKinds = ["group-study", "symposium", "lecture", "team-study", "contest", "other"];
    private static readonly string[] Venues = ["enterprise", "school", "agency", "community", "workshop", "media", "other"];
    private static readonly string[] Channels = ["newspaper", "tv", "website", "wechat", "xuexi", "short-video", "exhibition", "other"];

    private readonly Random _random = new(spec.Seed);

    /// <summary>Writes the data set into <paramref name="directory"/>, reporting progress; returns its manifest.</summary>
    public FederationManifest Write(string directory, Action<string> progress)
    {
        Directory.CreateDirectory(directory);
        var leaves = regions.Where(r => r.IsLeaf).ToArray();
        var names = regions.ToDictionary(r => r.Code, r => r.Name);
        var provinces = Population.Keys.Order().ToArray();

        // Branches per leaf: provinces by weight, then counties by log-normal weight within each.
        var provinceWeight = provinces.Select(p => Population[p] * (East.Contains(p) ? 1.5 : 1.0)).ToArray();
        var perProvince = Apportion(spec.Branches, provinceWeight);
        var perLeaf = new int[leaves.Length];
        for (var p = 0; p < provinces.Length; p++)
        {
            var inProvince = Enumerable.Range(0, leaves.Length).Where(i => leaves[i].Province == provinces[p]).ToArray();
            var shares = Apportion(perProvince[p], [.. inProvince.Select(_ => Math.Exp(Normal() * 0.9))]);
            for (var i = 0; i < inProvince.Length; i++) perLeaf[inProvince[i]] = shares[i];
        }
        var reportingRate = provinces.ToDictionary(p => p, _ => 0.55 + 0.40 * _random.NextDouble());

        // Which branches are active, and how many records each logs: one each, the rest spread by log-normal weight.
        var branchCount = perLeaf.Sum();
        var leafOf = new int[branchCount];
        var members = new int[branchCount];
        var records = new int[branchCount];
        var activeWeights = new List<(int Branch, double Weight)>();
        for (int leaf = 0, b = 0; leaf < leaves.Length; leaf++)
            for (var n = 0; n < perLeaf[leaf]; n++, b++)
            {
                leafOf[b] = leaf;
                members[b] = (int)Math.Clamp(Math.Round(60 * Math.Exp(Normal() * 1.1)), 3, 100_000);
                if (_random.NextDouble() < reportingRate[leaves[leaf].Province]) activeWeights.Add((b, Math.Exp(Normal() * 0.8)));
            }
        var active = activeWeights.Count;
        if (spec.Records < active) throw new ArgumentException($"{spec.Records:N0} records cannot give each of {active:N0} active branches one.");
        var extra = Apportion(spec.Records - active, [.. activeWeights.Select(a => a.Weight)]);
        for (var i = 0; i < active; i++) records[activeWeights[i].Branch] = 1 + extra[i];
        progress($"{branchCount:N0} branches in {leaves.Length:N0} counties, {active:N0} of them active, {spec.Records:N0} records");

        var honorees = WriteSetup(directory, provinces);
        var totals = new long[12];
        var byProvince = provinces.ToDictionary(p => p, _ => 0L);
        long sessions = 0, talks = 0, items = 0;
        using (var branchesCsv = Writer(directory, "branches.csv", "id,name,regionCode,sector,memberCount,kind"))
        using (var sessionsCsv = Writer(directory, "study-sessions.csv",
            "branchId,id,campaignId,title,heldOn,format,kind,attendees.total,attendees.frontline,attendees.youth,attendees.women,onlineViews,notes"))
        using (var talksCsv = Writer(directory, "honoree-talks.csv", "branchId,id,campaignId,honoreeIds,title,heldOn,venue,format,audience,onlineViews"))
        using (var publicityCsv = Writer(directory, "publicity.csv", "branchId,id,campaignId,channel,outlet,title,url,publishedOn,reach"))
        {
            var days = FederationSpec.EndsOn.DayNumber - FederationSpec.StartsOn.DayNumber + 1;
            for (int b = 0, inCounty = 0; b < branchCount; b++)
            {
                inCounty = b > 0 && leafOf[b] == leafOf[b - 1] ? inCounty + 1 : 1;
                var leaf = leaves[leafOf[b]];
                var id = $"{leaf.Code}-{b:D7}";
                var sector = _random.Next(4) == 0 ? "" : Sectors[_random.Next(Sectors.Length)];
                branchesCsv.WriteLine($"{id},{names[leaf.Code]}第{inCounty}基层工会,{leaf.Code},{sector},{members[b]},{Pick(BranchKinds, BranchKindShares)}");
                if (records[b] > 0) totals[10]++;
                totals[11]++;
                byProvince[leaf.Province] += records[b];
                for (var r = 0; r < records[b]; r++)
                {
                    // Squared uniform: most records fall in the first weeks after the conference.
                    var u = _random.NextDouble();
                    var day = FederationSpec.StartsOn.AddDays((int)(u * u * days)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    var roll = _random.NextDouble();
                    if (roll < 0.70)
                    {
                        var total = (int)Math.Clamp(Math.Round(members[b] * (0.3 + 0.6 * _random.NextDouble())), 1, 1_000_000);
                        var (frontline, youth, women) = (total * 6 / 10, total * 3 / 10, total * 4 / 10);
                        var online = _random.Next(5) == 0 ? total * 3 : 0;
                        sessionsCsv.WriteLine($"{id},s{r + 1},{FederationSpec.CampaignId},{SessionTitles[_random.Next(SessionTitles.Length)]},{day}," +
                            $"{(online > 0 ? "hybrid" : "offline")},{SessionKinds[_random.Next(SessionKinds.Length)]},{total},{frontline},{youth},{women}," +
                            $"{(online > 0 ? online.ToString(CultureInfo.InvariantCulture) : "")},");
                        sessions++;
                        Add(totals, (0, 1), (1, total), (2, frontline), (3, youth), (4, women), (7, online));
                    }
                    else if (roll < 0.80)
                    {
                        var speakers = honorees[leaf.Province];
                        var first = speakers[_random.Next(speakers.Length)];
                        var second = speakers[_random.Next(speakers.Length)];
                        var audience = 20 + _random.Next(300);
                        var livestream = _random.Next(6) == 0;
                        var views = livestream ? 500 + _random.Next(20_000) : 0;
                        talksCsv.WriteLine($"{id},t{r + 1},{FederationSpec.CampaignId},{(first == second || _random.Next(3) > 0 ? first : $"{first};{second}")}," +
                            $"劳模宣讲进基层,{day},{Venues[_random.Next(Venues.Length)]},{(livestream ? "livestream" : "onsite")},{audience}," +
                            $"{(livestream ? views.ToString(CultureInfo.InvariantCulture) : "")}");
                        talks++;
                        Add(totals, (5, 1), (6, audience), (7, views));
                    }
                    else
                    {
                        var channel = Channels[_random.Next(Channels.Length)];
                        var reach = _random.Next(3) == 0 ? 0 : 100 + _random.Next(50_000);
                        publicityCsv.WriteLine($"{id},p{r + 1},{FederationSpec.CampaignId},{channel},{names[leaf.Province]}职工之声,学习劳模精神系列报道," +
                            $",{day},{(reach > 0 ? reach.ToString(CultureInfo.InvariantCulture) : "")}");
                        items++;
                        Add(totals, (8, 1), (9, reach));
                    }
                }
                if ((b + 1) % 200_000 == 0) progress($"  {b + 1:N0} of {branchCount:N0} branches written");
            }
        }

        var manifest = new FederationManifest(spec, branchCount, sessions, talks, items, active,
            FederationManifest.Figures.Select((f, i) => (f, totals[i])).ToDictionary(x => x.f, x => x.Item2),
            provinces.Select((p, i) => (p, perProvince[i])).ToDictionary(x => x.p, x => x.Item2), byProvince);
        File.WriteAllText(Path.Combine(directory, "manifest.json"), JsonSerializer.Serialize(manifest, FederationManifest.Json));
        return manifest;
    }

    /// <summary>campaign.json and honorees.json; returns each province's honoree ids (the talks of its branches use them).</summary>
    private Dictionary<string, string[]> WriteSetup(string directory, string[] provinces)
    {
        var campaign = new
        {
            id = FederationSpec.CampaignId,
            title = "学习全国劳模表彰大会精神（规模测试）",
            startsOn = FederationSpec.StartsOn,
            endsOn = FederationSpec.EndsOn,
            description = "由生成器产生的全国规模测试数据",
        };
        File.WriteAllText(Path.Combine(directory, "campaign.json"), JsonSerializer.Serialize(campaign, FederationManifest.Json));
        var shares = Apportion(spec.Honorees, [.. provinces.Select(p => Population[p])]);
        var honorees = new List<object>();
        var byProvince = new Dictionary<string, string[]>();
        for (var p = 0; p < provinces.Length; p++)
        {
            var ids = Enumerable.Range(0, Math.Max(1, shares[p])).Select(n => $"h{provinces[p][..2]}-{n + 1:D4}").ToArray();
            byProvince[provinces[p]] = ids;
            honorees.AddRange(ids.Select(id => new
            {
                id,
                name = $"劳模{id}",
                title = _random.Next(5) == 0 ? "national-advanced-worker" : "national-model-worker",
                honoredYear = 2020,
                provinceCode = provinces[p],
            }));
        }
        File.WriteAllText(Path.Combine(directory, "honorees.json"), JsonSerializer.Serialize(honorees, FederationManifest.Json));
        return byProvince;
    }

    /// <summary>Splits <paramref name="total"/> over the weights in whole numbers that add up exactly (largest remainders).</summary>
    public static int[] Apportion(long total, double[] weights)
    {
        var sum = weights.Sum();
        var exact = weights.Select(w => total * w / sum).ToArray();
        var shares = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = total - shares.Sum(s => (long)s);
        foreach (var i in Enumerable.Range(0, weights.Length).OrderByDescending(i => exact[i] - shares[i]).Take((int)left)) shares[i]++;
        return shares;
    }

    private static void Add(long[] totals, params (int At, long Value)[] values)
    {
        foreach (var (at, value) in values) totals[at] += value;
    }

    private string Pick(string[] values, double[] shares)
    {
        var roll = _random.NextDouble();
        for (var i = 0; i < values.Length - 1; i++)
            if ((roll -= shares[i]) < 0) return values[i];
        return values[^1];
    }

    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    private static StreamWriter Writer(string directory, string file, string header)
    {
        var writer = new StreamWriter(Path.Combine(directory, file), false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        writer.WriteLine(header);
        return writer;
    }
}

/// <summary>A row of seeds/regions.csv; a leaf is where branches register (a county, or a city without counties).</summary>
public sealed record Region(string Code, string Name, string Level, string? Parent, bool IsLeaf)
{
    public string Province => Code == "CN" ? "CN" : Code[..2] + "0000";

    public static IReadOnlyList<Region> Read(string regionsCsv)
    {
        var rows = File.ReadLines(regionsCsv).Skip(1).Select(l => l.Split(',')).ToArray();
        var parents = rows.Select(r => r[3]).ToHashSet();
        return [.. rows.Select(r => new Region(r[0], r[1], r[2], r[3] == "" ? null : r[3],
            r[2] is "county" || (r[2] is "city" && !parents.Contains(r[0]))))];
    }
}
