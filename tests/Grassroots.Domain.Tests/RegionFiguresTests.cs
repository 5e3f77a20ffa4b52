using Grassroots.Domain.Model;
using Grassroots.Domain.Rollups;

namespace Grassroots.Domain.Tests;

/// <summary>
/// A region's figures answer a campaign's running total with the totals made for the last read until a change arrives:
/// a read after a change or a new registered count sees it, and a read with nothing changed between gets the same answer.
/// </summary>
public sealed class RegionFiguresTests
{
    private static readonly DateOnly Today = new(2020, 12, 31);

    [Fact]
    public void ARunningTotalIsReusedUntilAChangeArrives()
    {
        var figures = new RegionFigures("630000", ["630100", "632200"]);
        figures.AddRegistered("630100", 3);
        figures.Add("630100", "c1", new DateOnly(2020, 12, 1), Figures.Zero with { StudySessions = 1, Attendance = 40, ActiveBranches = 1 });

        var first = figures.Sum("630000", "c1", null, null, Today);
        Assert.Equal((1, 40, 1, 3), (first.StudySessions, first.Attendance, first.ActiveBranches, first.RegisteredBranches));
        Assert.Same(first, figures.Sum("630000", "c1", null, null, Today));
        Assert.Same(first, figures.View("630000", "c1", null, null, Today).Totals);

        figures.Add("632200", "c1", new DateOnly(2020, 12, 2), Figures.Zero with { StudySessions = 2, Attendance = 15 });
        var second = figures.Sum("630000", "c1", null, null, Today);
        Assert.Equal((3, 55), (second.StudySessions, second.Attendance));
        Assert.Equal((1, 40), (first.StudySessions, first.Attendance)); // an answer given is never changed

        figures.AddRegistered("632200", 2);
        Assert.Equal(5, figures.Sum("630000", "c1", null, null, Today).RegisteredBranches);
        Assert.Equal(2, figures.Sum("632200", "c1", null, null, Today).RegisteredBranches);

        var view = figures.View("630000", "c1", null, null, Today);
        Assert.Equal(["630100", "632200"], view.Children.Select(c => c.Code));
        Assert.Equal([1L, 2L], view.Children.Select(c => c.Totals.StudySessions));
        Assert.Empty(figures.View("630100", "c1", null, null, Today).Children);
        Assert.Equal(Totals.Zero with { RegisteredBranches = 5 }, figures.Sum("630000", "other", null, null, Today));
    }
}
