using Grassroots.Runtime;
using Grassroots.Runtime.Persistence;
using Grassroots.Storage.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grassroots.Storage.Tests.Support;

/// <summary>One silo's grain runtime with its grain state in the SQL database of a test: its own connections and committer.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly Database _database;
    private readonly GroupCommitter _committer;

    public TestSilo(TestDatabase test, string shard)
    {
        _database = Database.Create(test.OptionsFor(shard));
        _committer = new GroupCommitter(_database, NullLogger<GroupCommitter>.Instance);
        Storage = new SqlGrainStorage(_database, _committer);
        var services = new ServiceCollection();
        services.AddGrainRuntime(grains => grains.Add<IProfileGrain, ProfileGrain>());
        services.AddKeyedSingleton<IGrainStorage>(PersistentStateAttribute.DefaultStorage, Storage);
        _services = services.BuildServiceProvider();
    }

    public SqlGrainStorage Storage { get; }

    public TGrain Get<TGrain>(string key) where TGrain : IGrainWithStringKey => _services.GetRequiredService<GrainRuntime>().Get<TGrain>(key);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _committer.DisposeAsync();
        await _database.DisposeAsync();
    }
}
