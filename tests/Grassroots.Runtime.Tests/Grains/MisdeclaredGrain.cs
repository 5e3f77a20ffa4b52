namespace Grassroots.Runtime.Tests.Grains;

/// <summary>A grain interface with a method that does not return a task, which the runtime must refuse.</summary>
public interface IMisdeclaredGrain : IGrainWithStringKey
{
    int Count();
}

/// <summary>Never registered with the runtime.</summary>
public interface IUnregisteredGrain : IGrainWithStringKey
{
    Task PingAsync();
}

public sealed class MisdeclaredGrain : Grain, IMisdeclaredGrain
{
    public int Count() => 0;
}
