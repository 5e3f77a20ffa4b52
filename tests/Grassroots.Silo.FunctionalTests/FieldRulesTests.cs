using System.Reflection;
using System.Runtime.CompilerServices;
using Grassroots.Domain;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Branches;
using Grassroots.Silo.Campaigns;
using Grassroots.Silo.Honorees;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Records;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// The compiled field rules (Apis/FieldRules.cs), which check every record PUT and every import row, pass exactly the
/// values the framework's validation finds no problem with: both read the same attributes, and a disagreement would let a
/// bad value in or refuse a good one without naming why.
/// </summary>
public sealed class FieldRulesTests
{
    /// <summary>Values of each property type a request has: absent, blank, good, each edge of a rule and past it.</summary>
    private static readonly Dictionary<Type, object?[]> Samples = new()
    {
        [typeof(string)] =
        [
            null, "", " ", "b1", "c1", "bad id/", new string('i', 64), new string('i', 65), "offline", "online", "Offline", "group-study",
            "symposium", "enterprise", "party", "440106", "440100", "440000", "12345", "abcdef", "标题", new string('题', 200),
            new string('题', 201), "line\nbreak", "tab\there", "bell\u0007", "https://example.org/x", "ftp://example.org/x", "http:/x",
            "=1+2", "2020-12-04", "2020-13-01",
            // Every value of every list of choices the API has (formats, venues, channels, kinds, titles…).
            .. typeof(FieldRules).Assembly.GetTypes().SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
                .Where(f => f.FieldType == typeof(Choices)).SelectMany(f => (Choices)f.GetValue(null)!),
        ],
        [typeof(int?)] = [null, -1, 0, 1, 5, 10, 11, 1023, 1024, 50_000, 1_000_000, 1_000_001, 1949, 2020, 3000],
        [typeof(DateOnly?)] = [null, new DateOnly(1999, 12, 31), new DateOnly(2000, 1, 1), new DateOnly(2020, 11, 24), new DateOnly(2020, 12, 4)],
        [typeof(IReadOnlyList<string?>)] =
        [
            null, Array.Empty<string?>(), new string?[] { "h1" }, new string?[] { "h1", "bad id/" }, new string?[] { "h1", null },
            Enumerable.Range(1, 10).Select(i => (string?)$"h{i}").ToArray(), Enumerable.Range(1, 11).Select(i => (string?)$"h{i}").ToArray(),
            new string?[] { "county", "city", "province" }, new string?[] { "province" }, new string?[] { "province", "county" },
        ],
        [typeof(AttendeesRequest)] =
        [
            null, new AttendeesRequest(null, null, null, null), new AttendeesRequest(10, 5, 11, 3), new AttendeesRequest(10, 10, 0, null),
            new AttendeesRequest(-1, null, null, null), new AttendeesRequest(5, null, null, 6), new AttendeesRequest(40, 20, 10, 5),
        ],
    };

    /// <summary>Each record kind's request and import row, the other import rows, and the requests of the reference data.</summary>
    private static readonly Type[] CheckedTypes =
    [
        .. RecordApis.All.SelectMany(kind => new[] { kind.RowType, kind.RowType.BaseType! }),
        .. ImportKinds.All.Select(kind => kind.RowType), typeof(BranchRequest), typeof(HonoreeRequest), typeof(CampaignRequest),
    ];

    [Fact]
    public async Task TheCompiledRulesPassExactlyWhatTheFrameworksValidationPasses()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        foreach (var type in CheckedTypes.Distinct()) await AgreeAsync(app.Services, type);
    }

    private static async Task AgreeAsync(IServiceProvider services, Type type)
    {
        var rules = FieldRules.Of(type);
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToArray();
        Assert.All(properties, p => Assert.True(Samples.ContainsKey(p.PropertyType), $"{type.Name}.{p.Name} is a {p.PropertyType}, which this test has no samples of"));

        // The samples each property passes with on its own (no problem named at its field), so that most values drawn
        // are good but for a few fields: a value drawn wholly at random would almost never pass.
        var good = new Dictionary<PropertyInfo, object?[]>();
        foreach (var property in properties)
        {
            var passing = new List<object?>();
            foreach (var sample in Samples[property.PropertyType])
            {
                var value = RuntimeHelpers.GetUninitializedObject(type);
                property.SetValue(value, sample);
                var field = FieldChecks.FieldName(property.Name);
                if (!(await FieldChecks.ValidateAsync(value, services)).Any(p => p.Field == field || p.Field.StartsWith(field + ".") || p.Field.StartsWith(field + "[")))
                    passing.Add(sample);
            }
            good[property] = [.. passing];
        }

        var random = new Random(20201124);
        var (passed, refused) = (0, 0);
        for (var i = 0; i < 2_000; i++)
        {
            var value = RuntimeHelpers.GetUninitializedObject(type);
            foreach (var property in properties)
            {
                var samples = good[property] is { Length: > 0 } fine && random.Next(8) > 0 ? fine : Samples[property.PropertyType];
                property.SetValue(value, samples[random.Next(samples.Length)]);
            }
            var problems = await FieldChecks.ValidateAsync(value, services);
            Assert.True(rules.Passes(value, services) == (problems.Count == 0),
                $"{type.Name} {value}: the compiled rules say {(problems.Count == 0 ? "no" : "yes")} to a value the framework finds " +
                $"{(problems.Count == 0 ? "no problem with" : string.Join("; ", problems))}");
            if (problems.Count == 0) passed++; else refused++;
        }
        // Both answers were seen, so the comparison covered something.
        Assert.True(refused > 0, $"no value of {type.Name} was refused");
        Assert.True(passed > 0, $"no value of {type.Name} passed");
    }
}
