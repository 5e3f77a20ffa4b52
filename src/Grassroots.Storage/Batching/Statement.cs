using System.Data.Common;
using System.Globalization;
using System.Text;
using Npgsql;

namespace Grassroots.Storage;

/// <summary>One SQL statement of a batch with its positional parameters ($1, $2, … in both dialects).</summary>
internal sealed class Statement(bool returns = false)
{
    private readonly StringBuilder _sql = new();
    private readonly string? _text;
    public List<object?> Parameters { get; } = [];

    /// <summary>A statement whose text is known already, with its parameters in order.</summary>
    public Statement(bool returns, string text, IEnumerable<object?> parameters) : this(returns)
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

    /// <summary>Appends "(p, p, …)" for a row's values.</summary>
    public Statement Tuple(IEnumerable<object?> values)
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

    public string Text => _text ?? _sql.ToString();

    public void Bind(DbCommand command)
    {
        command.CommandText = Text;
        foreach (var p in Parameters) command.Parameters.Add(CreateParameter(command is NpgsqlCommand, command.Parameters.Count, p, command.CreateParameter()));
    }

    public void Bind(DbBatchCommand command)
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
