using System.Data.Common;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Grassroots.Storage;

/// <summary>
/// One SQL statement of a batch with its positional parameters ($1, $2, … in both dialects). Public so that an
/// <see cref="IBatchStage"/> can write its statements: text, parameters, and text that names parameters of its own.
/// </summary>
public sealed class Statement(bool returns = false)
{
    private readonly StringBuilder _sql = new();
    private readonly string? _text;
    internal List<object?> Parameters { get; } = [];

    /// <summary>A statement whose text is known already, with its parameters in order.</summary>
    internal Statement(bool returns, string text, IEnumerable<object?> parameters) : this(returns)
    {
        _text = text;
        Parameters.AddRange(parameters);
    }

    /// <summary>True when the statement returns rows to read (tagged with what they are in their first column).</summary>
    public bool Returns { get; } = returns;

    public Statement Sql(string text)
    {
        _sql.Append(text);
        return this;
    }

    /// <summary>Appends a placeholder for <paramref name="value"/>.</summary>
    public Statement Param(object? value)
    {
        Parameters.Add(value);
        _sql.Append('$').Append(Parameters.Count.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>The number the next parameter takes: where text built apart (<see cref="Database.PairsRelation"/>) numbers its own from.</summary>
    public int NextParameter => Parameters.Count + 1;

    /// <summary>Appends text that names <paramref name="parameters"/> as $<see cref="NextParameter"/>, $<see cref="NextParameter"/>+1, ….</summary>
    public Statement Sql(string text, IReadOnlyList<object?> parameters)
    {
        _sql.Append(text);
        Parameters.AddRange(parameters);
        return this;
    }

    /// <summary>Appends "(p, p, …)" for a row's values.</summary>
    internal Statement Tuple(IEnumerable<object?> values)
    {
        _sql.Append('(');
        var first = true;
        foreach (var value in values)
        {
            if (!first) _sql.Append(", ");
            Param(value);
            first = false;
        }
        _sql.Append(')');
        return this;
    }

    internal string Text => _text ?? _sql.ToString();

    internal void Bind(DbCommand command)
    {
        command.CommandText = Text;
        foreach (var p in Parameters) command.Parameters.Add(CreateParameter(command is NpgsqlCommand, command.Parameters.Count, p, command.CreateParameter()));
    }

    internal void Bind(DbBatchCommand command)
    {
        command.CommandText = Text;
        foreach (var p in Parameters) command.Parameters.Add(CreateParameter(command is NpgsqlBatchCommand, command.Parameters.Count, p, command.CreateParameter()));
    }

    private static DbParameter CreateParameter(bool positional, int index, object? value, DbParameter parameter)
    {
        // Npgsql binds unnamed parameters to $1..$n; SQLite treats "$1" as a parameter name.
        if (!positional) parameter.ParameterName = "$" + (index + 1).ToString(CultureInfo.InvariantCulture);
        parameter.Value = value ?? DBNull.Value;
        return parameter;
    }
}
