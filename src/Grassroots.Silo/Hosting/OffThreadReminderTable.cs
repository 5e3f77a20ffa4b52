namespace Grassroots.Silo.Hosting;

/// <summary>
/// Runs another reminder table's operations on the thread pool, as <see cref="OffThreadGrainStorage"/> does for grain
/// state: Microsoft.Data.Sqlite does its I/O synchronously even in its async methods, so Orleans' ADO.NET reminder table
/// over SQLite would otherwise block the thread of the reminder service that awaits it.
/// </summary>
public sealed class OffThreadReminderTable(IReminderTable inner) : IReminderTable
{
    public Task StartAsync(CancellationToken cancellationToken = default) => Task.Run(() => inner.StartAsync(cancellationToken), cancellationToken);
    [Obsolete("Implement and use StartAsync instead")]
    public Task Init() => Task.Run(inner.Init);
    public Task StopAsync(CancellationToken cancellationToken = default) => Task.Run(() => inner.StopAsync(cancellationToken), cancellationToken);

    public Task<ReminderTableData> ReadRows(GrainId grainId) => Task.Run(() => inner.ReadRows(grainId));
    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        Task.Run(() => inner.ReadRows(grainId, cancellationToken), cancellationToken);

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => Task.Run(() => inner.ReadRows(begin, end));
    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) =>
        Task.Run(() => inner.ReadRows(begin, end, cancellationToken), cancellationToken);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => Task.Run(() => inner.ReadRow(grainId, reminderName));
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
        Task.Run(() => inner.ReadRow(grainId, reminderName, cancellationToken), cancellationToken);

    public Task<string?> UpsertRow(ReminderEntry entry) => Task.Run(() => inner.UpsertRow(entry));
    public Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken) =>
        Task.Run(() => inner.UpsertRow(entry, cancellationToken), cancellationToken);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => Task.Run(() => inner.RemoveRow(grainId, reminderName, eTag));
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken) =>
        Task.Run(() => inner.RemoveRow(grainId, reminderName, eTag, cancellationToken), cancellationToken);

    public Task TestOnlyClearTable() => Task.Run(inner.TestOnlyClearTable);
    public Task TestOnlyClearTable(CancellationToken cancellationToken) => Task.Run(() => inner.TestOnlyClearTable(cancellationToken), cancellationToken);
}
