using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Rollups;
using Grassroots.Runtime;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>What differs between the three kinds of record a branch logs: table, figures, references.</summary>
public abstract class RecordKind<T> where T : class
{
    /// <summary>Entity name in the change log and in messages, e.g. "study-session".</summary>
    public abstract string Entity { get; }

    public abstract Table Table { get; }

    /// <summary>JSON name of the date field, for error messages.</summary>
    public abstract string DateField { get; }

    public abstract string CampaignOf(T data);

    public abstract DateOnly DayOf(T data);

    /// <summary>The record's figures in <see cref="Totals"/> order.</summary>
    public abstract long[] Figures(T data);

    /// <summary>The value columns of <see cref="Table"/>, in order.</summary>
    public abstract object?[] Columns(LoggedRecord<T> record);

    /// <summary>Reads a row selected as key columns, value columns, version.</summary>
    public abstract LoggedRecord<T> Read(DbDataReader reader);

    /// <summary>Checks references beyond campaign and branch (e.g. honorees); throws <see cref="FieldValidationException"/>.</summary>
    public virtual Task CheckReferencesAsync(T data, IGrainFactory grains) => Task.CompletedTask;

    /// <summary>Writes besides the record row and region rollups (e.g. talk honorees and their figures).</summary>
    public virtual IEnumerable<RowWrite> ExtraWrites(LoggedRecord<T>? before, LoggedRecord<T> after, RollupDeltas rollups) => [];

    protected static object? Bool(bool value) => value;
}
