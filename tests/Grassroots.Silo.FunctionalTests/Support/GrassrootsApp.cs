using Grassroots.Storage;
using Grassroots.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Silo.FunctionalTests.Support;

/// <summary>
/// The real service on a real HTTP host (the test server) over a fresh SQLite file or PostgreSQL database,
/// without demo data. One per test: <c>await using var app = await GrassrootsApp.StartAsync(provider);</c>
/// </summary>
public sealed class GrassrootsApp : WebApplicationFactory<Program>
{
    private readonly TestDatabase _database;
    private readonly string _shard;

    private GrassrootsApp(TestDatabase database, string shard)
    {
        _database = database;
        _shard = shard;
    }

    public TestDatabase Database => _database;

    public static async Task<GrassrootsApp> StartAsync(StorageProvider provider, string shard = "silo-1")
    {
        var app = new GrassrootsApp(await TestDatabase.CreateAsync(provider, shard), shard);
        _ = app.Server; // start the host: migrations, regions, grains
        return app;
    }

    /// <summary>A second silo over the same database, as in a cluster.</summary>
    public static GrassrootsApp SecondSilo(GrassrootsApp first, string shard) => new(first._database, shard) { _ownsDatabase = false };

    private bool _ownsDatabase = true;

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:Provider", _database.Options.Provider.ToString());
        builder.UseSetting("Storage:ConnectionString", _database.Options.ConnectionString);
        builder.UseSetting("Storage:Shard", _shard);
        builder.UseSetting("Demo:Load", "false");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase) await _database.DisposeAsync();
    }
}
