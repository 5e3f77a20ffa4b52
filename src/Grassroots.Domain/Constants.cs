namespace Grassroots.Domain;

/// <summary>Well-known names, stated once: storage providers, grain state names and the national root.</summary>
public static class Constants
{
    /// <summary>The Orleans grain storage (ADO.NET) that holds grain state: import jobs; before migration 0013 also campaigns, API keys and sign-offs.</summary>
    public const string GrainStorage = "grassroots";

    /// <summary>The national root of the region tree (全总).</summary>
    public const string National = "CN";

    /// <summary>
    /// Orleans keys a stored state by service id, state name and grain id, so every grain class gets a name of
    /// its own: renaming a class never orphans its state, and two classes never share a row.
    /// </summary>
    public static class StateNames
    {
        public const string ApiKey = "api-key";
        public const string ImportJob = "import-job";
        public const string PeriodApproval = "period-approval";
    }

    /// <summary>Grain type names pinned with [GrainType], so stored ids and directory entries survive class renames.</summary>
    public static class GrainTypes
    {
        public const string Campaign = "campaign";
        public const string Branch = "branch";
        public const string Honoree = "honoree";
        public const string StudySession = "study-session";
        public const string HonoreeTalk = "honoree-talk";
        public const string PublicityItem = "publicity-item";
        public const string Competition = "competition";
        public const string ImportJob = "import-job";
        public const string PeriodApproval = "period-approval";
    }
}
