namespace Grassroots.Domain.Model;

/// <summary>What a create-or-correct PUT did.</summary>
[GenerateSerializer, Alias("put-result")]
public enum PutResult { Created, Updated, Unchanged }

/// <summary>A stored entity with its bookkeeping: who created it (the key's actor name), where the store records that.</summary>
[GenerateSerializer, Immutable, Alias("versioned`1")]
public sealed record Versioned<T>(
    [property: Id(0)] T Value,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] string? CreatedBy = null);

[GenerateSerializer, Immutable, Alias("saved`1")]
public sealed record Saved<T>([property: Id(0)] PutResult Result, [property: Id(1)] Versioned<T> Entity);
