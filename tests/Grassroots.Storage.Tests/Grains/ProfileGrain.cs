using Grassroots.Runtime;
using Grassroots.Runtime.Persistence;

namespace Grassroots.Storage.Tests.Grains;

/// <summary>A grain with one piece of persistent state, to drive the runtime's state semantics over SQL storage.</summary>
public interface IProfileGrain : IGrainWithStringKey
{
    Task RenameAsync(string name);
    Task<ProfileSnapshot> GetAsync();
    Task ReloadAsync();
    Task ClearAsync();
}

public sealed record ProfileState
{
    public string? Name { get; init; }
}

public sealed record ProfileSnapshot(string? Name, string? ETag, bool RecordExists);

public sealed class ProfileGrain([PersistentState("profile")] IPersistentState<ProfileState> state) : Grain, IProfileGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) => state.ReadStateAsync();

    public Task RenameAsync(string name)
    {
        state.State = state.State with { Name = name };
        return state.WriteStateAsync();
    }

    public Task<ProfileSnapshot> GetAsync() => Task.FromResult(new ProfileSnapshot(state.State.Name, state.ETag, state.RecordExists));

    public Task ReloadAsync() => state.ReadStateAsync();

    public Task ClearAsync() => state.ClearStateAsync();
}
