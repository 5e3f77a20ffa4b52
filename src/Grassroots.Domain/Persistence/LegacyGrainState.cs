using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Grassroots.Domain.Persistence;

/// <summary>
/// The Orleans grain state a release before migration 0013 kept for the campaign, period-approval and API-key grains,
/// read once by a grain whose row that release wrote without what only its state held (a key's secret hash, a period's
/// history and pending submission). The storage is resolved on first use: tools that read the tables run no silo.
/// </summary>
public sealed class LegacyGrainState(IServiceProvider services)
{
    private IGrainStorage Storage => services.GetRequiredKeyedService<IGrainStorage>(Constants.GrainStorage);

    /// <summary>The state stored under <paramref name="stateName"/> for <paramref name="grain"/>; null when there is none.</summary>
    public async Task<T?> ReadAsync<T>(string stateName, GrainId grain) where T : class, new()
    {
        var state = new GrainState<T>(new T());
        await Storage.ReadStateAsync(stateName, grain, state).Translated();
        return state.RecordExists ? state.State : null;
    }
}
