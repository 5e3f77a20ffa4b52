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
    /// <summary>A table of running totals kept by <see cref="TallyStage"/>, made for these tests beside the real schema.</summary>
    public const string TestTallyTable = "CREATE TABLE test_tally (name TEXT PRIMARY KEY, total BIGINT NOT NULL DEFAULT 0)";

    public static readonly Table Regions = new("regions", ["code"], ["name", "level", "parent_code"]);
    public static readonly Table Branches = new("branches", ["branch_id"],
        ["name", "region_code", "sector", "member_count", "kind", "created_at", "updated_at", "created_by"], versioned: true);
    public static readonly Table HonoreeRollups = new("honoree_rollups", ["honoree_id", "campaign_id", "province_code"],
        ["talks", "audience", "online_views"], shardColumn: "shard");
    public static readonly Table ChangeLog = new("change_log", ["change_id"],
        ["changed_at", "actor", "entity", "entity_key", "action", "before_json", "after_json"]);

    /// <summary>A county under Haidian, Beijing, as the seed data has it.</summary>
    public const string County = "110108";

    public const string Campaign = "campaign-1";

    public static VersionedPut State(string key, string payload = "{}", long expectedVersion = 0) =>
        new(TestState, ["TestGrain", key, "state"], [payload], expectedVersion);

    public static Upsert Region(string code, string name, string level = "county", string? parent = null) =>
        new(Regions, [code], [name, level, parent]);

    public static VersionedPut Branch(string id, string regionCode, string? name = "Branch", long expectedVersion = 0) =>
        new(Branches, [id], [name, regionCode, "manufacturing", 120, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "key:test"], expectedVersion);

    public static Increment Talk(string honoreeId, long audience, long onlineViews = 0) =>
        new(HonoreeRollups, [honoreeId, Campaign, "110000"], [1, audience, onlineViews]);
}
