using System.Reflection;
using NetArchTest.Rules;

namespace Grassroots.Domain.Tests;

/// <summary>
/// The dependency rules of docs/architecture.md ("Dependencies"), read from the compiled assemblies: the namespaces of
/// Storage, Domain and Silo form no cycle, and no layer reaches up or sideways where it must not.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Storage = typeof(Grassroots.Storage.StorageOptions).Assembly;
    private static readonly Assembly Domain = typeof(Constants).Assembly;
    private static readonly Assembly Silo = typeof(Program).Assembly;
    private static readonly Assembly[] Layers = [Storage, Domain, Silo];

    [Fact]
    public void NoNamespaceDependsOnItselfThroughOthers()
    {
        var graph = NamespaceGraph.Of(Layers);
        Assert.True(graph.Namespaces.Count > 10, $"only {graph.Namespaces.Count} namespaces found: is the graph read at all?");
        Assert.Contains("Grassroots.Domain.Model", graph.Edges["Grassroots.Domain.Rollups"]);

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, "namespace cycles:\n" + string.Join("\n", cycles.Select(graph.Describe)));
    }

    /// <summary>
    /// The shared kernel beside the feature folders (docs/architecture.md, "Where things are") is used by every feature
    /// and names none of its own project's: what two features share moves down into it, what one feature needs stays in
    /// that feature's folder. The API kernel may name the domain's features (a campaign filter checks that the campaign
    /// exists), never the silo's.
    /// </summary>
    [Fact]
    public void TheKernelNamesNoFeature()
    {
        var graph = NamespaceGraph.Of(Layers);
        string[] kernel = ["Grassroots.Domain", "Grassroots.Domain.Model", "Grassroots.Domain.Persistence",
            "Grassroots.Domain.Caching", "Grassroots.Silo.Apis"];
        Assert.All(kernel, name => Assert.Contains(name, graph.Namespaces));
        Assert.Contains("Grassroots.Domain.Model", graph.Edges["Grassroots.Domain.Persistence"]);

        var wrong = kernel
            .SelectMany(from => graph.Edges.GetValueOrDefault(from, []).Select(to => (From: from, To: to)))
            .Where(edge => !kernel.Contains(edge.To) && ProjectOf(edge.To) == ProjectOf(edge.From))
            .Select(edge => $"{edge.From} → {edge.To}: {string.Join(", ", graph.Why(edge.From, edge.To))}")
            .ToList();

        Assert.True(wrong.Count == 0, "the kernel names a feature:\n" + string.Join("\n", wrong));
    }

    private static string ProjectOf(string ns) => string.Join('.', ns.Split('.').Take(2));

    [Fact]
    public void TheCycleFinderFindsACycle()
    {
        var graph = new NamespaceGraph();
        graph.Add("A", "B", "A.X");
        graph.Add("B", "C", "B.Y");
        graph.Add("C", "A", "C.Z");
        graph.Add("C", "D", "C.Z");
        graph.Add("D", "E", "D.W");

        var cycle = Assert.Single(graph.Cycles());

        Assert.Equal(["A", "B", "C", "A"], cycle);
        Assert.Contains("A → B → C → A", graph.Describe(cycle));
        Assert.Contains("C.Z", graph.Describe(cycle));

        var acyclic = new NamespaceGraph();
        acyclic.Add("A", "B", "A.X");
        acyclic.Add("A", "C", "A.X");
        acyclic.Add("B", "C", "B.Y");
        Assert.Empty(acyclic.Cycles());
    }

    [Fact]
    public void StorageKnowsNothingOfTheDomainOrTheSilo()
    {
        AssertNoDependency(Types.InAssembly(Storage), "Grassroots.Domain", "Grassroots.Silo");
    }

    /// <summary>
    /// Storage holds no rule of the domain either, not even one written without naming a domain type (as branch activity
    /// once was, now the domain's stage of the committer): no type or member of its code and no string in it speaks of
    /// the domain's things. Its migrations, which make the domain's tables, are embedded files and not code.
    /// </summary>
    [Fact]
    public void StorageCodeNamesNothingOfTheDomain()
    {
        string[] domainWords = ["branch", "activity", "campaign", "county", "honoree", "region", "publicity", "study_session"];
        const BindingFlags declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var names = Storage.GetTypes().SelectMany(type => type.GetMembers(declared).Select(member => $"{type.FullName}.{member.Name}").Prepend(type.FullName!))
            .ToList();
        var strings = UserStrings(Storage);
        Assert.Contains("Grassroots.Storage.GroupCommitter.CommitAsync", names);
        Assert.Contains(strings, text => text.Contains("#fence", StringComparison.Ordinal));

        var naming = names.Concat(strings).Where(text => domainWords.Any(word => text.Contains(word, StringComparison.OrdinalIgnoreCase))).ToList();

        Assert.True(naming.Count == 0, "storage code that speaks of the domain: " + string.Join(", ", naming));
    }

    /// <summary>The string literals of an assembly's code (its #US metadata heap).</summary>
    private static List<string> UserStrings(Assembly assembly)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(assembly.Location));
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var strings = new List<string>();
        for (var handle = System.Reflection.Metadata.Ecma335.MetadataTokens.UserStringHandle(1); !handle.IsNil; handle = System.Reflection.Metadata.Ecma335.MetadataReaderExtensions.GetNextHandle(metadata, handle))
            strings.Add(metadata.GetUserString(handle));
        return strings;
    }

    [Fact]
    public void TheDomainKnowsNothingOfTheSilo()
    {
        AssertNoDependency(Types.InAssembly(Domain), "Grassroots.Silo");
    }

    [Fact]
    public void ThePlainDataKnowsNoStorageNoGrainsAndNoHttp()
    {
        var grainTypes = GrainTypes();
        Assert.Contains(typeof(Branches.IBranchGrain).FullName, grainTypes);

        AssertNoDependency(
            Types.InAssembly(Domain).That().ResideInNamespace("Grassroots.Domain.Model"),
            ["Grassroots.Storage", "Microsoft.AspNetCore", "Orleans.Grain", "Orleans.Grain`1", "Orleans.IGrainFactory", "Orleans.IClusterClient", .. grainTypes]);
    }

    /// <summary>The parts of the storage layer that run SQL, and the drivers under them: only data modules use them.</summary>
    private static readonly string[] SqlRunning =
    [
        "Grassroots.Storage.Database", "Grassroots.Storage.PostgresDatabase", "Grassroots.Storage.SqliteDatabase",
        "Grassroots.Storage.Snapshot", "Grassroots.Storage.Reading", "Grassroots.Storage.DbCommandExtensions",
        "Npgsql", "Microsoft.Data.Sqlite", "System.Data.Common",
    ];

    /// <summary>
    /// One persistence boundary: grains (classes deriving from Orleans' Grain) and endpoints (the static *Api classes of the
    /// silo) call their feature's data module and never run SQL themselves.
    /// </summary>
    [Fact]
    public void GrainsAndEndpointsRunNoSqlOfTheirOwn()
    {
        var grainsAndEndpoints = GrainsAndEndpoints();
        Assert.Contains("Grassroots.Domain.Branches.BranchGrain", grainsAndEndpoints);
        Assert.Contains("Grassroots.Silo.Honorees.HonoreesApi", grainsAndEndpoints);

        var running = TypesDependingOn(Layers, SqlRunning).Where(grainsAndEndpoints.Contains).ToHashSet();

        Assert.True(running.Count == 0, "grains and endpoints that run SQL themselves (call their data module): " + string.Join(", ", running));
    }

    /// <summary>
    /// The domain's rules and state know no database driver: only its data modules (the *Store types, with what they nest)
    /// reach the storage layer, and they too only through its dialect-neutral <c>Database</c>.
    /// </summary>
    [Fact]
    public void TheDomainOutsideItsDataModulesKnowsNoDatabaseDriver()
    {
        var domainTypes = Domain.GetTypes().Where(type => !type.IsNested && IsOurs(type.Namespace)).Select(type => type.FullName!).ToList();
        Assert.Contains(typeof(Branches.BranchStore).FullName, domainTypes);

        var offenders = TypesDependingOn([Domain], ["Npgsql", "Microsoft.Data.Sqlite"]).Where(name => !name.EndsWith("Store", StringComparison.Ordinal));

        Assert.True(offenders.ToList() is [], "domain types that use a database driver: " + string.Join(", ", offenders));
    }

    /// <summary>
    /// The domain depends on the storage layer's dialect-neutral parts (<c>Database</c>, the group committer, its writes)
    /// and never on an implementation: no domain type, data modules included, names a driver or a dialect's database. The
    /// storage layer, which chooses the dialect's database for the provider, does name them: the rule sees them where they are.
    /// </summary>
    [Fact]
    public void TheDomainNamesNoStorageImplementation()
    {
        string[] implementations = ["Npgsql", "Microsoft.Data.Sqlite", "Grassroots.Storage.PostgresDatabase", "Grassroots.Storage.SqliteDatabase"];
        Assert.Contains("Grassroots.Storage.Database", TypesDependingOn([Storage], implementations));

        Assert.Empty(TypesDependingOn([Domain], implementations));
    }

    /// <summary>The top-level types (a nested type counts as the type it is declared in) that use any of <paramref name="names"/>.</summary>
    private static HashSet<string> TypesDependingOn(IReadOnlyList<Assembly> assemblies, string[] names) =>
        [.. Types.InAssemblies(assemblies).That().HaveDependencyOnAny(names).GetTypes().Select(Outermost).Where(type => IsOurs(type.Namespace))
            .Select(type => type.FullName!)];

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    private static bool IsOurs(string? @namespace) => @namespace?.StartsWith("Grassroots", StringComparison.Ordinal) == true;

    /// <summary>Grains of the three assemblies, and the silo's endpoints: its static classes named *Api.</summary>
    private static HashSet<string> GrainsAndEndpoints() =>
    [
        .. Layers.SelectMany(assembly => assembly.GetTypes()).Where(type => type.IsClass && typeof(Grain).IsAssignableFrom(type)).Select(type => type.FullName!),
        .. Silo.GetTypes().Where(type => type is { IsClass: true, IsAbstract: true, IsSealed: true, IsNested: false } && type.Name.EndsWith("Api", StringComparison.Ordinal))
            .Select(type => type.FullName!),
    ];

    /// <summary>
    /// The rules above pass only if NetArchTest sees no forbidden dependency; here it must see ones that are there: across
    /// assemblies, on ASP.NET Core, and on the grain types the plain data may not use.
    /// </summary>
    [Fact]
    public void TheRulesSeeADependencyWhereThereIsOne()
    {
        Assert.NotEmpty(Types.InAssembly(Silo).That().HaveDependencyOn("Grassroots.Domain.Model").GetTypes());
        Assert.NotEmpty(Types.InAssembly(Silo).That().ResideInNamespace("Grassroots.Silo.Apis").And().HaveDependencyOn("Microsoft.AspNetCore").GetTypes());
        Assert.NotEmpty(Types.InAssembly(Domain).That().ResideInNamespace("Grassroots.Domain.Caching")
            .And().HaveDependencyOnAny([.. GrainTypes()]).GetTypes());
    }

    /// <summary>
    /// The plain data keeps a campaign's default approval path itself, so as not to reach up into the sign-off rules;
    /// the rules must still read it as a path of their levels.
    /// </summary>
    [Fact]
    public void TheDefaultApprovalPathIsAPathOfTheSignOffLevels()
    {
        Assert.Null(Campaigns.ApprovalLevels.Problem(Campaigns.Campaign.DefaultApprovalPath));
        Assert.Equal([Campaigns.ApprovalLevels.County, Campaigns.ApprovalLevels.Province, Campaigns.ApprovalLevels.National],
            Campaigns.ApprovalLevels.DefaultPath);
    }

    /// <summary>Grains, grain interfaces and grain services of the three assemblies, by full name.</summary>
    private static string[] GrainTypes() => [.. Layers.SelectMany(assembly => assembly.GetTypes())
        .Where(type => typeof(Orleans.Runtime.IAddressable).IsAssignableFrom(type) || typeof(IGrainBase).IsAssignableFrom(type))
        .Select(type => type.FullName!)];

    private static void AssertNoDependency(Types types, params string[] forbidden) =>
        AssertNoDependency(types.That().ResideInNamespaceStartingWith("Grassroots"), forbidden);

    private static void AssertNoDependency(PredicateList types, params string[] forbidden)
    {
        Assert.NotEmpty(types.GetTypes());
        var result = types.ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful,
            "depend on what they must not: " + string.Join(", ", result.FailingTypeNames ?? []));
    }
}

/// <summary>
/// Which namespace uses which, with the types that make each edge. An edge A → B means a type of A (its members, its
/// method bodies, its compiler-generated closures and state machines) uses a type declared in B.
/// </summary>
internal sealed class NamespaceGraph
{
    public SortedDictionary<string, SortedSet<string>> Edges { get; } = new(StringComparer.Ordinal);
    public SortedSet<string> Namespaces { get; } = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), SortedSet<string>> _why = [];

    public void Add(string from, string to, string becauseOf)
    {
        Namespaces.Add(from);
        Namespaces.Add(to);
        if (from == to)
            return;
        if (!Edges.TryGetValue(from, out var targets))
            Edges[from] = targets = new(StringComparer.Ordinal);
        targets.Add(to);
        if (!_why.TryGetValue((from, to), out var types))
            _why[(from, to)] = types = new(StringComparer.Ordinal);
        types.Add(becauseOf);
    }

    /// <summary>
    /// NetArchTest answers "which types use any of these names", reading the IL through Mono.Cecil; asked once per
    /// namespace with the full names of the types declared there, it gives every edge into that namespace.
    /// </summary>
    public static NamespaceGraph Of(IReadOnlyList<Assembly> assemblies)
    {
        var graph = new NamespaceGraph();
        var declared = assemblies.SelectMany(assembly => assembly.GetTypes())
            .Where(type => !type.IsNested && IsOurs(type.Namespace))
            .GroupBy(type => type.Namespace!);
        foreach (var target in declared)
        {
            graph.Namespaces.Add(target.Key);
            var users = Types.InAssemblies(assemblies)
                .That().ResideInNamespaceStartingWith("Grassroots")
                .And().HaveDependencyOnAny(target.Select(type => type.FullName!).ToArray())
                .GetTypes();
            foreach (var user in users.Where(type => IsOurs(type.Namespace)))
                graph.Add(user.Namespace!, target.Key, user.FullName!);
        }
        return graph;
    }

    private static bool IsOurs(string? @namespace) =>
        @namespace is not null && (@namespace == "Grassroots" || @namespace.StartsWith("Grassroots.", StringComparison.Ordinal));

    /// <summary>
    /// One cycle through each strongly connected component of more than one namespace (Tarjan), as the path
    /// A → … → A; none when the graph is acyclic.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in Targets(node))
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                    low[node] = Math.Min(low[node], index[next]);
            }
            if (low[node] != index[node])
                return;
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            } while (member != node);
            if (component.Count > 1)
                components.Add(component);
        }

        foreach (var node in Namespaces)
            if (!index.ContainsKey(node))
                Visit(node);

        return components.Select(component => CycleWithin(component.ToHashSet())).ToList();
    }

    /// <summary>The shortest way from the component's first namespace back to itself (breadth first).</summary>
    private List<string> CycleWithin(HashSet<string> component)
    {
        var start = component.Min(StringComparer.Ordinal)!;
        var cameFrom = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var next in Targets(node).Where(component.Contains))
            {
                if (next == start)
                {
                    var path = new List<string> { start };
                    for (var at = node; at != start; at = cameFrom[at])
                        path.Add(at);
                    path.Add(start);
                    path.Reverse();
                    return path;
                }
                if (cameFrom.TryAdd(next, node))
                    queue.Enqueue(next);
            }
        }
        throw new InvalidOperationException($"{start} is in a strongly connected component but on no cycle");
    }

    private IEnumerable<string> Targets(string node) => Edges.TryGetValue(node, out var targets) ? targets : [];

    /// <summary>
    /// The cycle, then every edge among the namespaces on some cycle with it, each with the types that make it: one
    /// cycle shown may hide others through the same namespaces.
    /// </summary>
    /// <summary>The types of <paramref name="from"/> that use <paramref name="to"/>.</summary>
    public IEnumerable<string> Why(string from, string to) => _why.TryGetValue((from, to), out var types) ? types : [];

    public string Describe(IReadOnlyList<string> cycle)
    {
        var reached = Reachable(cycle[0], Targets);
        var reaching = Reachable(cycle[0], node => Edges.Where(edge => edge.Value.Contains(node)).Select(edge => edge.Key));
        reached.IntersectWith(reaching);
        var edges = _why.Where(edge => reached.Contains(edge.Key.From) && reached.Contains(edge.Key.To))
            .OrderBy(edge => edge.Key.From, StringComparer.Ordinal).ThenBy(edge => edge.Key.To, StringComparer.Ordinal)
            .Select(edge => $"  {edge.Key.From} → {edge.Key.To}: {string.Join(", ", edge.Value)}");
        return string.Join(" → ", cycle) + "\n" + string.Join("\n", edges);
    }

    private static HashSet<string> Reachable(string start, Func<string, IEnumerable<string>> next)
    {
        var seen = new HashSet<string> { start };
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
            foreach (var node in next(queue.Dequeue()))
                if (seen.Add(node))
                    queue.Enqueue(node);
        return seen;
    }
}
