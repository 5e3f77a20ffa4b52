using Grassroots.Domain.Model;
using Grassroots.Storage;

namespace Grassroots.Domain.Persistence;

/// <summary>The tables the domain writes through the group committer (schema: Storage/Migrations).</summary>
public static class Tables
{
    public static readonly Table Branches = new("branches", ["branch_id"],
        ["name", "region_code", "sector", "member_count", "kind", "created_at", "updated_at", "created_by"], versioned: true);

    public static readonly Table Honorees = new("honorees", ["honoree_id"],
        ["name", "gender", "ethnicity", "title", "honored_year", "employer", "province_code", "created_at", "updated_at", "created_by"],
        versioned: true);

    public static readonly Table StudySessions = new("study_sessions", ["branch_id", "session_id"],
        ["campaign_id", "region_code", "title", "held_on", "format", "kind", "attendees", "frontline", "youth", "women",
         "online_views", "notes", "voided", "void_reason", "created_at", "updated_at", "created_by"], versioned: true);

    public static readonly Table HonoreeTalks = new("honoree_talks", ["branch_id", "talk_id"],
        ["campaign_id", "region_code", "title", "held_on", "venue", "format", "audience", "online_views",
         "voided", "void_reason", "created_at", "updated_at", "created_by"], versioned: true);

    public static readonly Table TalkHonorees = new("talk_honorees", ["branch_id", "talk_id", "honoree_id"], []);

    public static readonly Table PublicityItems = new("publicity_items", ["branch_id", "item_id"],
        ["campaign_id", "region_code", "channel", "outlet", "title", "url", "published_on", "reach",
         "voided", "void_reason", "created_at", "updated_at", "created_by"], versioned: true);

    public static readonly Table Competitions = new("competitions", ["branch_id", "competition_id"],
        ["campaign_id", "region_code", "title", "kind", "starts_on", "ends_on", "participants", "frontline", "youth", "women",
         "awardees", "notes", "voided", "void_reason", "created_at", "updated_at", "created_by"], versioned: true);

    /// <summary>Who changed what, when, before and after; with the branch and region it belongs to, so audits scope it like reads.</summary>
    public static readonly Table ChangeLog = new("change_log", [],
        ["changed_at", "actor", "entity", "entity_key", "action", "before_json", "after_json", "branch_id", "region_code"]);

    /// <summary>Per branch and campaign, the day and county its activity counts from, NULL when it has no counting record (Records/BranchActivity.cs).</summary>
    public static readonly Table BranchActivity = new("branch_activity", ["branch_id", "campaign_id"], ["first_on", "region_code"]);

    /// <summary>Figures per writer shard, county, campaign and day (docs/architecture.md, "Rollups"); regions above a county sum them.</summary>
    public static readonly Table CountyDays = new("county_days", ["county_code", "campaign_id", "day"], Figures.Columns, shardColumn: "shard");

    /// <summary>Registered branches per writer shard and county.</summary>
    public static readonly Table CountyBranches = new("county_branches", ["county_code"], ["registered"], shardColumn: "shard");

    /// <summary>Honoree figures per writer shard, honoree, campaign and the province where the talk was held.</summary>
    public static readonly Table HonoreeRollups = new("honoree_rollups", ["honoree_id", "campaign_id", "province_code"],
        TalkFigures.Columns, shardColumn: "shard");
}
