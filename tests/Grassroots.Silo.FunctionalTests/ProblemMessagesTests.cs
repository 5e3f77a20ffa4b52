using System.Net;
using System.Text;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;

namespace Grassroots.Silo.FunctionalTests;

public sealed class ProblemMessagesTests
{
    [Theory]
    [InlineData("{\"campaignId\":\"c\",\"title\":\"t\",\"heldOn\":\"2020-12-04\",\"format\":\"offline\",\"attendees\":{\"total\":\"many\"}}", "attendees.total")]
    [InlineData("{\"campaignId\":\"c\",\"title\":\"t\",\"heldOn\":\"04/12/2020\"}", "heldOn")]
    [InlineData("{\"campaignId\":\"c\",\"title\": ", "title")]
    public async Task BadJsonIsExplainedByFieldWithoutNamingDotNetTypes(string body, string field)
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await RecordScenario.SeedAsync(app);
        var client = app.CreateClient();

        var response = await client.PutAsync("/api/branches/b1/study-sessions/s1", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        var message = problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.DoesNotContain("System.", message);
        Assert.DoesNotContain("Grassroots.", message);
        Assert.Contains("line 1", message);
    }
}
