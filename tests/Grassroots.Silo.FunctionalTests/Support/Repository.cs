using System.Reflection;

namespace Grassroots.Silo.FunctionalTests.Support;

/// <summary>The repository this test assembly was built from (recorded at build time), for tests that read its files.</summary>
public static class Repository
{
    public static string Root { get; } =
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
}
