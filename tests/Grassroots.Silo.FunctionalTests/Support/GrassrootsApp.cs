using System.Net.Http.Headers;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Silo.FunctionalTests.Support;

/// <summary>
/// The real service on a real HTTP host (the test server) over a fresh SQLite file or PostgreSQL database,
/// without demo data. One per test: <c>await using var app = await GrassrootsApp.StartAsync(provider);</c>
/// <see cref="WebApplicationFactory{T}.CreateClient()"/> sends an hq key (issued at start) so tests about other
/// things need not think about keys; <see cref="ClientWith"/> sends any other key, or none.
/// <para>
/// The service answers a write once its batch has committed and this silo's rollup figures hold it; other silos have it
/// a flush later (100 ms). So that a test reads what it has just written without guessing a wait, the clients of this
/// class have the silo send its peers what it holds before each GET (<see cref="SettleAsync"/>). Tests of that delay
/// itself read through <see cref="RawClient"/>.
/// </para>
/// </summary>
public sealed class GrassrootsApp : WebApplicationFactory<Program>
{
    private readonly TestDatabase _database;
    private readonly string _shard;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Dictionary<string, string?> _cluster;
    private Action<IServiceCollection>? _services;
    private bool _ownsDatabase = true;

    private GrassrootsApp(TestDatabase database, string shard, IReadOnlyDictionary<string, string?>? settings = null, string? clusterId = null)
    {
        _database = database;
        _shard = shard;
        _settings = settings ?? new Dictionary<string, string?>();
        _cluster = FreePorts.ClusterSettings(clusterId);
    }

    /// <summary>The Orleans cluster this silo belongs to; a <see cref="SecondSilo"/> joins it.</summary>
    public string ClusterId => _cluster["Cluster:ClusterId"]!;

    /// <summary>This silo's settings for its Orleans cluster (ports, cluster id), e.g. for a command to reach it.</summary>
    public IReadOnlyDictionary<string, string?> ClusterSettings => _cluster;

    public TestDatabase Database => _database;

    /// <summary>The hq key <see cref="WebApplicationFactory{T}.CreateClient()"/> sends.</summary>
    public string HqKey { get; private set; } = "";

    /// <summary>Where Storage:DataDirectory points: the SQLite file's folder (first-start key file included).</summary>
    public string DataDirectory => DataDirectoryOf(_database);

    /// <param name="services">Changes to the service's services, e.g. a logger provider that captures what it logs.</param>
    public static async Task<GrassrootsApp> StartAsync(StorageProvider provider, string shard = "silo-1",
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        await StartOnAsync(new GrassrootsApp(await TestDatabase.CreateAsync(provider, shard), shard, settings) { _services = services });

    /// <summary>The service over a database the caller owns (and disposes), e.g. one a command has already worked on.</summary>
    public static Task<GrassrootsApp> StartAsync(TestDatabase database, string shard = "silo-1") =>
        StartOnAsync(new GrassrootsApp(database, shard) { _ownsDatabase = false });

    /// <summary>A second silo over the same PostgreSQL database, joining the first one's cluster; it accepts the first one's hq key.</summary>
    public static GrassrootsApp SecondSilo(GrassrootsApp first, string shard, Action<IServiceCollection>? services = null) =>
        new(first._database, shard, first._settings, first.ClusterId) { _ownsDatabase = false, HqKey = first.HqKey, _services = services };

    /// <summary>The service on Kestrel at a loopback port, for clients that need a real address (the import command).</summary>
    public static async Task<GrassrootsApp> StartOnKestrelAsync(StorageProvider provider)
    {
        var app = new GrassrootsApp(await TestDatabase.CreateAsync(provider), "silo-1") { _kestrel = true };
        app.UseKestrel(0);
        return await StartOnAsync(app);
    }

    private bool _kestrel;

    /// <summary>Where a Kestrel-hosted app listens (see <see cref="StartOnKestrelAsync"/>).</summary>
    public Uri Address => new(Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());

    private static async Task<GrassrootsApp> StartOnAsync(GrassrootsApp app)
    {
        try
        {
            if (app._kestrel) app.StartServer();
            else _ = app.Server; // start the host: migrations, regions, grains
            app.HqKey = (await app.Service<ApiKeyStore>().CreateAsync(Roles.Hq, "CN", "functional tests", "test")).Key;
            return app;
        }
        catch
        {
            await app.DisposeAsync(); // drops the test database, which nobody else holds yet
            throw;
        }
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// Has this silo send its peers every batch it committed, and waits until they have it and any reload of the figures
    /// here has finished. (A write is in this silo's own figures before it is answered.)
    /// </summary>
    public async Task SettleAsync()
    {
        await Service<Domain.Rollups.RollupBroadcast>().FlushAsync();
        await Service<Domain.Rollups.RollupReplica>().ReloadedAsync();
    }

    /// <summary>A client with the hq key whose reads settle the rollups first (see the class summary).</summary>
    public new HttpClient CreateClient() => CreateDefaultClient(new Settling(this));

    /// <summary>A client with the hq key whose reads do not wait for the aggregator: what an outside client sees.</summary>
    public HttpClient RawClient() => CreateDefaultClient();

    /// <summary>A client that sends <paramref name="key"/> as its bearer key, or no Authorization header when null.</summary>
    public HttpClient ClientWith(string? key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        if (HqKey.Length > 0) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HqKey);
    }

    /// <summary>Before a GET, the aggregator sends what it holds (see the class summary).</summary>
    private sealed class Settling(GrassrootsApp app) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Get) await app.SettleAsync();
            return await base.SendAsync(request, cancellationToken);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:Provider", _database.Options.Provider.ToString());
        builder.UseSetting("Storage:ConnectionString", _database.Options.ConnectionString);
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Storage:Shard", _shard);
        builder.UseSetting("Demo:Load", "false");
        foreach (var (key, value) in _cluster) builder.UseSetting(key, value);
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        if (_services is not null) builder.ConfigureServices(_services);
    }

    /// <summary>The SQLite file's folder, so nothing lands in the working directory; a fresh temp folder for PostgreSQL.</summary>
    public static string DataDirectoryOf(TestDatabase database) =>
        database.Provider == StorageProvider.Sqlite
            ? Path.GetDirectoryName(new SqliteConnectionStringBuilder(database.Options.ConnectionString).DataSource)!
            : Path.Combine(Path.GetTempPath(), "grassroots-tests", database.Name!);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase) await _database.DisposeAsync();
    }
}
