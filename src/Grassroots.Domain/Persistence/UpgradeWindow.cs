using Orleans.Metadata;

namespace Grassroots.Domain.Persistence;

/// <summary>
/// Marks a grain interface whose entity is stored as its table row only (migration 0013, docs/architecture.md "State:
/// grain state and facts"): every silo of this release says so in the cluster's manifest, as a property of the
/// interface. A silo of an earlier release kept the entity as Orleans grain state and read only that, and does not say it.
/// </summary>
[AttributeUsage(AttributeTargets.Interface)]
public sealed class StoredAsRowAttribute : Attribute, IGrainInterfacePropertiesProviderAttribute
{
    public const string Property = "grassroots-stored-as", Row = "row";

    public void Populate(IServiceProvider services, Type type, Dictionary<string, string> properties) => properties[Property] = Row;
}

/// <summary>
/// While silos of an earlier release run beside this one's (a rolling upgrade), a change this release makes to a
/// campaign, a period's sign-off or a key would reach the row but not the grain state those silos read, and they would go
/// on answering from the older copy. So this release's grains refuse such a change (503, retry later) until every silo
/// of the cluster stores the entity as a row; changes the earlier release's silos make reach both, as that release wrote
/// them. Which silos run is Orleans' cluster manifest, kept current from the membership: no read of the database.
/// </summary>
public sealed class UpgradeWindow(IClusterManifestProvider manifests, GrainInterfaceTypeResolver interfaces)
{
    /// <summary>The silos that do not store <paramref name="grainInterface"/>'s entity as a row: an earlier release's.</summary>
    public IReadOnlyList<SiloAddress> OlderSilos(Type grainInterface)
    {
        var type = interfaces.GetGrainInterfaceType(grainInterface);
        return [.. manifests.Current.Silos
            .Where(silo => !(silo.Value.Interfaces.TryGetValue(type, out var properties)
                && properties.Properties.TryGetValue(StoredAsRowAttribute.Property, out var stored) && stored == StoredAsRowAttribute.Row))
            .Select(silo => silo.Key)];
    }

    /// <summary>Throws <see cref="ServiceUnavailableException"/> (503 with Retry-After) while an earlier release's silo runs.</summary>
    public void EnsureAllSilosStoreRows(Type grainInterface, string change)
    {
        var older = OlderSilos(grainInterface);
        if (older.Count > 0)
            throw new ServiceUnavailableException($"{change} is refused until the upgrade is over: {older.Count} silo(s) of an earlier release " +
                $"({string.Join(", ", older)}) keep this as Orleans grain state and would not see the change.");
    }
}
