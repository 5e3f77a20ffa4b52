using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests.Grains;

/// <summary>Waits inside its call until two grains have entered; only completes if grains run in parallel.</summary>
public interface IRendezvousGrain : IGrainWithStringKey
{
    Task MeetAsync();
}

public sealed class RendezvousGrain(GrainProbe probe) : Grain, IRendezvousGrain
{
    public async Task MeetAsync()
    {
        probe.Entered.Increment();
        await probe.Entered.WhenAtLeastAsync(2);
    }
}
