namespace Grassroots.Silo.Hosting;

public sealed class DemoOptions
{
    /// <summary>Load the demo campaign, honorees and records on first start (on by default for the embedded setup).</summary>
    public bool Load { get; set; }
}
