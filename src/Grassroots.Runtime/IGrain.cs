namespace Grassroots.Runtime;

/// <summary>Marker for grain interfaces. Every method must return <see cref="Task"/> or <see cref="Task{T}"/>.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key (the only kind this runtime has).</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>Gives typed references to grains; a reference is cheap and may be kept.</summary>
public interface IGrainFactory
{
    TGrain Get<TGrain>(string key) where TGrain : IGrainWithStringKey;
}

/// <summary>Why an activation is going away.</summary>
public enum DeactivationReason { Idle, Requested, Shutdown }
