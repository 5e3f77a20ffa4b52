using System.Text.RegularExpressions;

namespace Grassroots.Domain.Tests.Repository;

/// <summary>
/// The repository explains itself: every file the README and docs/ name in code spans or links is in the checkout, so a
/// reader who follows one lands somewhere. A path is looked up from the repository root, from the document's folder and,
/// when it is not rooted at a top folder, from each project (the docs shorten `src/Grassroots.Domain/Records/…` to
/// `Records/…`) and from the dashboard's folders (its doc names `js/…` and `css/…`).
/// </summary>
public sealed partial class DocumentPathsTests
{
    private static readonly string[] Extensions =
        [".cs", ".sql", ".sh", ".yml", ".yaml", ".csproj", ".props", ".targets", ".js", ".mjs", ".css", ".html", ".md", ".py", ".conf"];

    private static readonly string[] TopFolders = ["src/", "tests/", "bench/", "deploy/", "docs/", "seeds/", ".ci/"];

    [Fact]
    public void EveryFileADocumentNamesExists()
    {
        var root = RepositoryRoot();
        var documents = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md"))
            .Append(Path.Combine(root, "seeds", "README.md")).ToList();
        var bases = new[] { "src", "tests", "bench" }.SelectMany(d => Directory.GetDirectories(Path.Combine(root, d)))
            .Append(Path.Combine(root, "src", "Grassroots.Silo", "wwwroot"))
            .Append(Path.Combine(root, "src", "Grassroots.Silo", "wwwroot", "branch")).ToList();

        var missing = new List<string>();
        foreach (var document in documents)
        {
            foreach (var path in NamedPaths(File.ReadAllText(document)))
            {
                var candidates = new[] { Path.Combine(root, path), Path.Combine(Path.GetDirectoryName(document)!, path) }
                    .Concat(TopFolders.Any(path.StartsWith) ? [] : bases.Select(b => Path.Combine(b, path)));
                if (!candidates.Any(File.Exists)) missing.Add($"{Path.GetRelativePath(root, document)}: {path}");
            }
        }
        Assert.True(documents.Count >= 5, "the docs were not found");
        Assert.True(missing.Count == 0, "Files named in the docs that are not in the repository:\n" + string.Join('\n', missing.Distinct()));
    }

    [Fact]
    public void NoFileInTheRepositoryPointsOutsideIt()
    {
        var root = RepositoryRoot();
        string[] outside = ["DESIGN.md", "API.md", "GLOSSARY.md", "STYLE.md", "/work/shared", "../shared/"];
        var sources = new[] { "src", "tests", "bench", "deploy", "docs", "seeds" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains("node_modules", StringComparison.Ordinal)
                && Extensions.Contains(Path.GetExtension(f)) && !f.EndsWith(nameof(DocumentPathsTests) + ".cs", StringComparison.Ordinal))
            .Append(Path.Combine(root, "README.md"));
        var pointers = sources.SelectMany(f => outside.Where(File.ReadAllText(f).Contains).Select(o => $"{Path.GetRelativePath(root, f)}: {o}")).ToList();
        Assert.True(pointers.Count == 0, "Pointers to files outside the repository:\n" + string.Join('\n', pointers));
    }

    /// <summary>
    /// Paths in code spans and relative links that name a file by its extension. A package's own file (an npm package's
    /// `dist/…` or `build/…`, named beside the package it comes from) is not the repository's.
    /// </summary>
    private static IEnumerable<string> NamedPaths(string markdown) =>
        PathPattern().Matches(markdown).Select(m => m.Groups["code"].Success ? m.Groups["code"].Value : m.Groups["link"].Value)
            .Where(p => p.Contains('/') && !p.StartsWith('/') && !p.StartsWith("http", StringComparison.Ordinal)
                && Extensions.Any(e => p.EndsWith(e, StringComparison.Ordinal)) && !p.StartsWith("dist/", StringComparison.Ordinal)
                && !p.StartsWith("build/", StringComparison.Ordinal));

    [GeneratedRegex(@"`(?<code>[A-Za-z0-9_.\-/]+)`|\]\((?<link>[^)#\s]+)")]
    private static partial Regex PathPattern();

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Grassroots.sln"))) return directory.FullName;
        throw new InvalidOperationException("The repository root (Grassroots.sln) was not found above " + AppContext.BaseDirectory);
    }
}
