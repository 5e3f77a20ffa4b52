namespace Grassroots.Silo.Security;

/// <summary>Settings under "Security".</summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// Requests without a key act as hq. For a developer's own machine only: off by default, and a warning is
    /// logged at start while it is on. A key that is sent is still checked (a wrong key is still 401).
    /// </summary>
    public bool OpenDevelopmentMode { get; set; }

    /// <summary>Name of the file in Storage:DataDirectory that receives the hq key created on first start.</summary>
    public const string FirstKeyFile = "hq-key.txt";
}
