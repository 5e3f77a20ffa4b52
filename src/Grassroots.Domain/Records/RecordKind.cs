using System.Data.Common;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>
/// What differs between the kinds of record a branch logs: table, date, figures, references. Stated once
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
    /// SQL expressions, per row of <see cref="Table"/>, of the figures this kind counts, by their county_days column
    /// (<see cref="Model.Figures.Columns"/>): the same numbers <see cref="Figures"/> computes from a record. A figure
    /// left out counts 0 for this kind, so a new figure touches only the kinds that count it.
    /// </summary>
    public abstract IReadOnlyDictionary<string, string> Counts { get; }

    /// <summary>The expressions of <see cref="Counts"/> for every counted figure, in <see cref="Model.Figures.Columns"/> order (all but active branches).</summary>
    public IReadOnlyList<string> FigureColumns => _figureColumns ??=
        [.. Model.Figures.Columns.Where(c => c != Model.Figures.ActiveColumn).Select(c => Counts.GetValueOrDefault(c, "0"))];

    private IReadOnlyList<string>? _figureColumns;

    /// <summary>What the record counts (active branches zero: that is the branch's, not the record's).</summary>
    public abstract Figures Figures(RecordData data);

    /// <summary>The value columns of <see cref="Table"/>, in order.</summary>
    public abstract object?[] Columns(LoggedRecord record);

    /// <summary>Reads a row selected as key columns, value columns, version.</summary>
    public abstract LoggedRecord Read(DbDataReader reader);

    /// <summary>Checks references beyond campaign and branch (e.g. honorees); throws <see cref="FieldValidationException"/>.</summary>
    public virtual Task CheckReferencesAsync(RecordData data, HonoreeDirectory honorees) => Task.CompletedTask;

    /// <summary>Writes besides the record row and its county's figures (e.g. talk honorees and their figures).</summary>
    public virtual IEnumerable<RowWrite> ExtraWrites(LoggedRecord? before, LoggedRecord after, RegionDirectory regions) => [];

    /// <summary>Ids the record holds in a table of their own (a talk's honorees), which <see cref="RecordStore"/> adds after <see cref="Read"/>.</summary>
    public virtual LinkedIds? Linked => null;
}

/// <summary>
/// Ids a record holds in a table of their own, one row each keyed (branch_id, <paramref name="RecordColumn"/>,
/// <paramref name="IdColumn"/>), and how the record takes them (sorted ordinally).
/// </summary>
public sealed record LinkedIds(string Table, string RecordColumn, string IdColumn, Func<LoggedRecord, IReadOnlyList<string>, LoggedRecord> With);

/// <summary>A kind bound to its data type, so each kind's code handles its own record type only.</summary>
public abstract class RecordKind<T> : RecordKind where T : RecordData
{
    public sealed override Figures Figures(RecordData data) => Figures((T)data);

    public sealed override object?[] Columns(LoggedRecord record) =>
        [record.Data.CampaignId, record.RegionCode, .. Values((T)record.Data), record.Voided, record.VoidReason, record.CreatedAt,
         record.UpdatedAt, record.CreatedBy];

    public sealed override Task CheckReferencesAsync(RecordData data, HonoreeDirectory honorees) => CheckReferencesAsync((T)data, honorees);

    protected abstract Figures Figures(T data);

    /// <summary>The columns of <see cref="RecordKind.Table"/> between region_code and voided.</summary>
    protected abstract object?[] Values(T data);

    protected virtual Task CheckReferencesAsync(T data, HonoreeDirectory honorees) => Task.CompletedTask;
}

/// <summary>The kinds, and the kind of a record.</summary>
public static class RecordKinds
{
    public static readonly StudySessionKind StudySessions = new();
    public static readonly HonoreeTalkKind HonoreeTalks = new();
    public static readonly PublicityItemKind Publicity = new();
    public static readonly CompetitionKind Competitions = new();

    public static readonly IReadOnlyList<RecordKind> All = [StudySessions, HonoreeTalks, Publicity, Competitions];

    public static RecordKind Of(RecordData data) => data switch
    {
        StudySession => StudySessions,
        HonoreeTalk => HonoreeTalks,
        PublicityItem => Publicity,
        Competition => Competitions,
        _ => throw new ArgumentException($"Not a record kind: {data.GetType().Name}", nameof(data)),
    };

    public static RecordKind Named(string name) => All.FirstOrDefault(k => k.Name == name)
        ?? throw new ArgumentException($"Not a record kind: {name}", nameof(name));
}
