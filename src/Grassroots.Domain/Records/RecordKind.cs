using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>
/// What differs between the three kinds of record a branch logs: table, date, figures, references. Stated once
/// here and used by the grains, the branch's activity, the reconciler and the reports.
/// </summary>
public abstract class RecordKind
{
    /// <summary>Name in grain keys, the change log and messages, e.g. "study-session".</summary>
    public abstract string Name { get; }

    public abstract Table Table { get; }

    /// <summary>The column holding the record's own id (the second key column).</summary>
    public string IdColumn => Table.Key[1];

    /// <summary>The column holding the day the record counts on.</summary>
    public abstract string DateColumn { get; }

    /// <summary>JSON name of the date field, for error messages.</summary>
    public abstract string DateField { get; }

    /// <summary>
    /// SQL expressions, per row of <see cref="Table"/>, of the counted figures in <see cref="Totals"/> order (the ten
    /// before active and registered branches): the same numbers <see cref="Figures"/> computes from a record.
    /// </summary>
    public abstract IReadOnlyList<string> FigureColumns { get; }

    /// <summary>The record's figures in <see cref="Totals"/> order (active and registered branches zero).</summary>
    public abstract long[] Figures(RecordData data);

    /// <summary>The value columns of <see cref="Table"/>, in order.</summary>
    public abstract object?[] Columns(LoggedRecord record);

    /// <summary>Reads a row selected as key columns, value columns, version.</summary>
    public abstract LoggedRecord Read(DbDataReader reader);

    /// <summary>Checks references beyond campaign and branch (e.g. honorees); throws <see cref="FieldValidationException"/>.</summary>
    public virtual Task CheckReferencesAsync(RecordData data, IGrainFactory grains) => Task.CompletedTask;

    /// <summary>Writes besides the record row and region rollups (e.g. talk honorees and their figures).</summary>
    public virtual IEnumerable<RowWrite> ExtraWrites(LoggedRecord? before, LoggedRecord after, RollupDeltas rollups) => [];

    /// <summary>Adds what the record's row does not hold (a talk's honorees) after <see cref="Read"/>.</summary>
    public virtual Task<LoggedRecord> CompleteAsync(LoggedRecord record, Database database) => Task.FromResult(record);

    /// <summary>As <see cref="CompleteAsync"/> for many records of one branch at once (an import).</summary>
    public virtual Task<IReadOnlyList<LoggedRecord>> CompleteAllAsync(string branchId, IReadOnlyList<LoggedRecord> records, Database database) =>
        Task.FromResult(records);

    protected static long[] Counted(params (int At, long Value)[] figures)
    {
        var values = new long[Totals.Count];
        foreach (var (at, value) in figures) values[at] = value;
        return values;
    }
}

/// <summary>A kind bound to its data type, so each kind's code handles its own record type only.</summary>
public abstract class RecordKind<T> : RecordKind where T : RecordData
{
    public sealed override long[] Figures(RecordData data) => Figures((T)data);

    public sealed override object?[] Columns(LoggedRecord record) =>
        [record.Data.CampaignId, record.RegionCode, .. Values((T)record.Data), record.Voided, record.VoidReason, record.CreatedAt, record.UpdatedAt];

    public sealed override Task CheckReferencesAsync(RecordData data, IGrainFactory grains) => CheckReferencesAsync((T)data, grains);

    protected abstract long[] Figures(T data);

    /// <summary>The columns of <see cref="RecordKind.Table"/> between region_code and voided.</summary>
    protected abstract object?[] Values(T data);

    protected virtual Task CheckReferencesAsync(T data, IGrainFactory grains) => Task.CompletedTask;
}

/// <summary>The three kinds, and the kind of a record.</summary>
public static class RecordKinds
{
    public static readonly StudySessionKind StudySessions = new();
    public static readonly HonoreeTalkKind HonoreeTalks = new();
    public static readonly PublicityItemKind Publicity = new();

    public static readonly IReadOnlyList<RecordKind> All = [StudySessions, HonoreeTalks, Publicity];

    public static RecordKind Of(RecordData data) => data switch
    {
        StudySession => StudySessions,
        HonoreeTalk => HonoreeTalks,
        PublicityItem => Publicity,
        _ => throw new ArgumentException($"Not a record kind: {data.GetType().Name}", nameof(data)),
    };

    public static RecordKind Named(string name) => All.FirstOrDefault(k => k.Name == name)
        ?? throw new ArgumentException($"Not a record kind: {name}", nameof(name));
}
