using System.Net;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Reference;

public sealed class RegionsApiTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task NationalRegionHasThirtyOneProvincesAsChildren(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var response = await client.GetAsync("/api/regions/CN");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cn = await response.JsonAsync();
        Assert.Equal("CN", cn.GetProperty("code").GetString());
        Assert.Equal("national", cn.GetProperty("level").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cn.GetProperty("parentCode").ValueKind);
        var children = cn.GetProperty("children").EnumerateArray().ToList();
        Assert.Equal(31, children.Count);
        Assert.Contains(children, c => c.GetProperty("code").GetString() == "630000" && c.GetProperty("name").GetString() == "青海省");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task CountyParentCodesLeadThroughCityAndProvinceToNational(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var chain = new List<(string Code, string Level, string? Parent, int Children)>();
        for (string? code = "440106"; code is not null;)
        {
            var region = await (await client.GetAsync($"/api/regions/{code}")).JsonAsync();
            var parent = region.GetProperty("parentCode").GetString();
            chain.Add((code, region.GetProperty("level").GetString()!, parent, region.GetProperty("children").GetArrayLength()));
            code = parent;
        }

        Assert.Equal(["440106", "440100", "440000", "CN"], chain.Select(r => r.Code));
        Assert.Equal(["county", "city", "province", "national"], chain.Select(r => r.Level));
        Assert.Equal(0, chain[0].Children);
        var guangzhou = await (await client.GetAsync("/api/regions/440100")).JsonAsync();
        Assert.Equal("广州市", guangzhou.GetProperty("name").GetString());
        Assert.Contains(guangzhou.GetProperty("children").EnumerateArray(), c => c.GetProperty("name").GetString() == "天河区");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task UnknownRegionCodeIsNotFound(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        await client.AssertNotFoundAsync("/api/regions/999999");
        await client.AssertNotFoundAsync("/api/regions/cn");
    }
}
