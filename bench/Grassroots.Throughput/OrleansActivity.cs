namespace Grassroots.Throughput;

/// <summary>
/// What Orleans did on one silo over a measured window, from its own instruments (Orleans' InstrumentNames, meter
/// "Microsoft.Orleans") as the silo's Prometheus exporter names them: the difference of two scrapes of its /metrics.
/// <list type="bullet">
/// <item>Messages and bytes sent to other silos: the orleans-messaging-sent-messages-size histogram, which Orleans
/// records for every message it writes to a connection, tagged ConnectionDirection=SiloToSilo between silos (its count
/// is messages, its sum bytes). Calls between grains of the same silo never reach a connection; they are
/// orleans-messaging-sent-local.</item>
/// <item>Grain-directory operations: registrations of a new activation (orleans-directory-registrations-single-act-*:
/// issued, of which sent to the silo that owns that part of the directory), unregistrations when an activation goes (one by
/// one where this silo owns the entry, else a message, usually a batch, to the silo that does), and lookups sent to another silo.</item>
/// <item>Activations created and destroyed (orleans-catalog-activation-created/-destroyed), by grain type.</item>
/// </list>
/// </summary>
public sealed record OrleansActivity(
    double MessagesSent, double BytesSent, double MessagesReceived, double BytesReceived, double LocalMessages,
    double Registrations, double RemoteRegistrations, double LocalUnregistrations, double RemoteUnregistrations,
    double RemoteLookups, double Activations, double Deactivations, IReadOnlyDictionary<string, double> ActivationsByGrainType)
{
    public static readonly OrleansActivity None = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, double>());

    private const string Sent = "orleans_messaging_sent_messages_size_bytes", Received = "orleans_messaging_received_messages_size_bytes",
        Created = "orleans_catalog_activation_created_total";

    private static bool BetweenSilos(IReadOnlyDictionary<string, string> labels) =>
        labels.TryGetValue("ConnectionDirection", out var direction) && direction == "SiloToSilo";

    public static OrleansActivity Between(PrometheusText before, PrometheusText after)
    {
        double Change(string name, Func<IReadOnlyDictionary<string, string>, bool>? where = null) => after.Sum(name, where) - before.Sum(name, where);
        var createdBefore = before.SumBy(Created, "grain_type");
        var byType = after.SumBy(Created, "grain_type")
            .Select(t => (t.Key, Count: t.Value - createdBefore.GetValueOrDefault(t.Key)))
            .Where(t => t.Count > 0)
            .ToDictionary(t => t.Key, t => t.Count);
        return new(
            MessagesSent: Change(Sent + "_count", BetweenSilos),
            BytesSent: Change(Sent + "_sum", BetweenSilos),
            MessagesReceived: Change(Received + "_count", BetweenSilos),
            BytesReceived: Change(Received + "_sum", BetweenSilos),
            LocalMessages: Change("orleans_messaging_sent_local_total"),
            Registrations: Change("orleans_directory_registrations_single_act_issued_total"),
            RemoteRegistrations: Change("orleans_directory_registrations_single_act_remote_sent_total"),
            LocalUnregistrations: Change("orleans_directory_unregistrations_local_total"),
            RemoteUnregistrations: Change("orleans_directory_unregistrations_many_remote_sent_total") +
                Change("orleans_directory_unregistrations_remote_sent_total"),
            RemoteLookups: Change("orleans_directory_lookups_remote_sent_total"),
            Activations: Change(Created),
            Deactivations: Change("orleans_catalog_activation_destroyed_total"),
            ActivationsByGrainType: byType);
    }

    /// <summary>The silos' activity added up: what the cluster did.</summary>
    public static OrleansActivity Total(IEnumerable<OrleansActivity> silos) => silos.Aggregate(None, (sum, s) => new(
        sum.MessagesSent + s.MessagesSent, sum.BytesSent + s.BytesSent, sum.MessagesReceived + s.MessagesReceived, sum.BytesReceived + s.BytesReceived,
        sum.LocalMessages + s.LocalMessages, sum.Registrations + s.Registrations, sum.RemoteRegistrations + s.RemoteRegistrations,
        sum.LocalUnregistrations + s.LocalUnregistrations, sum.RemoteUnregistrations + s.RemoteUnregistrations,
        sum.RemoteLookups + s.RemoteLookups, sum.Activations + s.Activations, sum.Deactivations + s.Deactivations,
        sum.ActivationsByGrainType.Concat(s.ActivationsByGrainType).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Sum(t => t.Value))));
}
