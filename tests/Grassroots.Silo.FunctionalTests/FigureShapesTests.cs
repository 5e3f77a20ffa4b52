using System.Reflection;
using System.Text.Json;
using Grassroots.Domain.Model;
using Grassroots.Domain.Records;
using Grassroots.Domain.SignOff;
using Grassroots.Silo.Apis;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// The figures are defined once, by <see cref="Figures.Columns"/> (county_days' value columns); every other shape of them —
/// the figures and totals in memory, the sign-off's snapshot, the API's totals, each record kind's SQL, the table itself —
/// is checked against it here, field by field, so a figure added in one place and forgotten in another fails a test.
/// </summary>
public sealed class FigureShapesTests
{
    /// <summary>The figures' names as C# and JSON spell them, in the order of <see cref="Figures.Columns"/>.</summary>
    private static readonly string[] Names =
        [.. Figures.Columns.Select(c => string.Concat(c.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..])))];

    [Fact]
    public void EveryShapeOfTheFiguresHasTheFiguresOfTheColumnsInTheirOrder()
    {
        Assert.Equal(Figures.ActiveColumn, Figures.Columns[^1]);
        Assert.Equal(Names, Parameters<Figures>());
        Assert.Equal([.. Names, "RegisteredBranches"], Parameters<Totals>());
        Assert.Equal([.. Names, "RegisteredBranches"], Parameters<SignedFigures>());
        Assert.Equal([.. Names, "RegisteredBranches", "Coverage"], Parameters<TotalsDto>());
    }

    [Fact]
    public void EachFigureKeepsItsOwnValueThroughEveryConversion()
    {
        // A different value per figure: a conversion that swaps or drops one cannot give the same figures back.
        var figures = Figures.FromColumns([.. Enumerable.Range(1, Figures.Columns.Length).Select(i => (long)i * 10 + i)]);
        Assert.Equal(Enumerable.Range(1, Figures.Columns.Length).Select(i => (long)i * 10 + i), figures.ToColumns());
        Assert.Equal(Names.Select((_, i) => (long)(i + 1) * 10 + i + 1), Names.Select(n => (long)typeof(Figures).GetProperty(n)!.GetValue(figures)!));
        Assert.Equal(figures, figures + figures - figures);
        Assert.Equal(Figures.Zero, figures + -figures);

        var totals = figures.WithRegistered(999);
        Assert.Equal(figures, totals.Figures);
        Assert.Equal(totals, SignedFigures.From(totals).ToTotals());
        var wire = JsonSerializer.SerializeToElement(TotalsDto.From(totals), JsonSerializerOptions.Web);
        foreach (var name in Names.Append("RegisteredBranches"))
            Assert.Equal((long)typeof(Totals).GetProperty(name)!.GetValue(totals)!, wire.GetProperty(JsonNamingPolicy.CamelCase.ConvertName(name)).GetInt64());
    }

    [Fact]
    public void EachKindCountsOnlyFiguresThatExistAndOneExpressionForEachCountedFigure()
    {
        foreach (var kind in RecordKinds.All)
        {
            Assert.All(kind.Counts.Keys, column => Assert.Contains(column, Figures.Columns.SkipLast(1)));
            Assert.Equal(Figures.Columns.Length - 1, kind.FigureColumns.Count);
        }
        // Every figure but the active branches is counted by some kind, and by one kind only.
        Assert.Equal(Figures.Columns.SkipLast(1).Order(), RecordKinds.All.SelectMany(k => k.Counts.Keys).Where(c => c != "online_views").Append("online_views").Order());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task TheRollupTableHoldsExactlyTheFigures(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var database = app.Service<Database>();
        var sql = provider == StorageProvider.Sqlite
            ? "SELECT name FROM pragma_table_info('county_days')"
            : "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'county_days'";
        var columns = await database.QueryAsync(sql, [], r => r.GetString(0));
        Assert.Equal(new[] { "shard", "county_code", "campaign_id", "day" }.Concat(Figures.Columns).Order(), columns.Order());
    }

    private static string[] Parameters<T>() =>
        [.. typeof(T).GetConstructors(BindingFlags.Public | BindingFlags.Instance).OrderByDescending(c => c.GetParameters().Length).First()
            .GetParameters().Select(p => char.ToUpperInvariant(p.Name![0]) + p.Name[1..])];
}
