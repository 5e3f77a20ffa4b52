namespace Grassroots.Storage.Tests.Support;

/// <summary>Tables of the real schema the tests write to, and writes of realistic rows.</summary>
public static class Rows
{
    /// <summary>
    /// A plain versioned key-value table made for these tests beside the real schema: the committer's version checks
    /// exercised without any domain rules.
    /// </summary>
    public static readonly Table TestState = new("test_state", ["grain_type", "grain_key", "state_name"], ["payload"], versioned: true);

    public const string TestStateTable = """
        CREATE TABLE test_state (
            grain_type TEXT NOT NULL, grain_key TEXT NOT NULL, state_name TEXT NOT NULL,
            payload TEXT NOT NULL, version BIGINT NOT NULL,
            PRIMARY KEY (grain_type, grain_key, state_name))
        """;
    public static readonly Table Regions = new("regions", ["code"], ["name", "level", "parent_code"]);
    /// <summary>The campaigns projection, written whole here (its version a plain column).</summary>
    public static readonly Table Campaigns = new("campaigns", ["campaign_id"],
        ["title", "starts_on", "ends_on", "description", "created_at", "updated_at", "version"]);
    public static readonly Table Branches = new("branches", ["branch_id"],
        ["name", "region_code", "sector", "member_count", "kind", "created_at", "updated_at", "created_by"], versioned: true);
    public static readonly Table StudySessions = new("study_sessions", ["branch_id", "session_id"],
        ["campaign_id", "region_code", "title", "held_on", "format", "kind", "attendees", "frontline", "youth", "women",
         "online_views", "notes", "voided", "void_reason", "created_at", "updated_at", "created_by"], versioned: true);
    public static readonly Table HonoreeRollups = new("honoree_rollups", ["honoree_id", "campaign_id", "province_code"],
        ["talks", "audience", "online_views"], shardColumn: "shard");
    public static readonly Table CountyDays = new("county_days", ["county_code", "campaign_id", "day"],
        ["study_sessions", "attendance", "frontline", "youth", "women", "honoree_talks", "talk_audience", "online_views",
         "publicity_items", "publicity_reach", "active_branches"], shardColumn: "shard");
    public static readonly Table ChangeLog = new("change_log", ["change_id"],
        ["changed_at", "actor", "entity", "entity_key", "action", "before_json", "after_json"]);

    /// <summary>Branch activity as the service keeps it: earliest records of the record tables, counted in county_days.</summary>
    public static readonly ActivityRules Activity = new(CountyDays, "active_branches",
        [("study_sessions", "held_on"), ("honoree_talks", "held_on"), ("publicity_items", "published_on")]);

    /// <summary>A county under Haidian, Beijing, as the seed data has it.</summary>
    public const string County = "110108";

    /// <summary>Another county of Beijing (Chaoyang).</summary>
    public const string OtherCounty = "110105";

    public const string Campaign = "campaign-1";

    public static VersionedPut State(string key, string payload = "{}", long expectedVersion = 0) =>
        new(TestState, ["TestGrain", key, "state"], [payload], expectedVersion);

    public static Upsert Region(string code, string name, string level = "county", string? parent = null) =>
        new(Regions, [code], [name, level, parent]);

    public static VersionedPut Branch(string id, string regionCode, string? name = "Branch", long expectedVersion = 0) =>
        new(Branches, [id], [name, regionCode, "manufacturing", 120, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "key:test"], expectedVersion);

    public static Increment Talk(string honoreeId, long audience, long onlineViews = 0) =>
        new(HonoreeRollups, [honoreeId, Campaign, "110000"], [1, audience, onlineViews]);

    /// <summary>The regions, campaign and branch a study session needs (its foreign keys).</summary>
    public static RowWrite[] Reference() =>
    [
        Region("110000", "北京市", "province"), Region(County, "海淀区", parent: "110000"), Region(OtherCounty, "朝阳区", parent: "110000"),
        new Upsert(Campaigns, [Campaign], ["学习", new DateOnly(2020, 11, 24), null, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1]),
    ];

    /// <summary>A study session of <paramref name="attendees"/> on <paramref name="day"/> (of December 2020), with what it counts.</summary>
    public static RowWrite[] Session(string branchId, string id, int day, int attendees = 10, string county = County, bool voided = false,
        long expectedVersion = 0)
    {
        var held = new DateOnly(2020, 12, day);
        List<RowWrite> writes =
        [
            new VersionedPut(StudySessions, [branchId, id], [Campaign, county, "学习", held, "offline", null, attendees, null, null, null, null, null,
                voided, voided ? "wrong" : null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "key:test"], expectedVersion),
        ];
        if (!voided)
        {
            writes.Add(new Increment(CountyDays, [county, Campaign, held], [1, attendees, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
            writes.Add(new ActivityChange(branchId, Campaign, held, county, +1));
        }
        return [.. writes];
    }

    /// <summary>What voiding a session written by <see cref="Session"/> writes.</summary>
    public static RowWrite[] Void(string branchId, string id, int day, int attendees = 10, string county = County) =>
    [
        .. Session(branchId, id, day, attendees, county, voided: true, expectedVersion: 1),
        new Increment(CountyDays, [county, Campaign, new DateOnly(2020, 12, day)], [-1, -attendees, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        new ActivityChange(branchId, Campaign, new DateOnly(2020, 12, day), county, -1),
    ];
}
