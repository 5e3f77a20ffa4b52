using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Grassroots.Domain;
using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Imports;

/// <summary>What a column holds, and so how a cell of it is read.</summary>
public enum ColumnValue { Text, Whole, Date, IdList }

/// <summary>
/// A column of a CSV or Excel import: the row's field (a JSON path, "attendees.total") and the headers that name it, the
/// API's field name first, then its Chinese names. Its setter is compiled once, so a cell is stored into the row being
/// read without reflection.
/// </summary>
public sealed class ImportColumn
{
    private readonly Delegate _set;

    internal ImportColumn(string field, IReadOnlyList<string> headers, ColumnValue value, Delegate set)
    {
        (Field, Headers, Value, _set) = (field, headers, value, set);
    }

    public string Field { get; }
    public IReadOnlyList<string> Headers { get; }
    public ColumnValue Value { get; }

    /// <summary>The values the field may take, each with its Chinese label, which a cell may hold instead; null for free values.</summary>
    public Choices? Values { get; init; }

    public bool Required { get; init; }

    /// <summary>As a person writes the header: its first Chinese name, else the field.</summary>
    public string Title => Headers.Count > 1 ? Headers[1] : Headers[0];

    public void SetText(object row, string value) => ((Action<object, string>)_set)(row, value);
    public void SetWhole(object row, int value) => ((Action<object, int>)_set)(row, value);
    public void SetDate(object row, DateOnly value) => ((Action<object, DateOnly>)_set)(row, value);
    public void SetIds(object row, IReadOnlyList<string?> value) => ((Action<object, IReadOnlyList<string?>>)_set)(row, value);
}

/// <summary>The columns of a row type, made from its properties and their rules (so a new field is a new column).</summary>
internal static class ImportColumns
{
    public static IReadOnlyList<ImportColumn> Of(Type rowType, IReadOnlyDictionary<string, string[]> chinese)
    {
        var columns = new List<ImportColumn>();
        var row = Expression.Parameter(typeof(object), "row");
        Add(rowType, "", Expression.Convert(row, rowType), row, [], columns, chinese);
        // Key columns first, in the order a person reads a sheet.
        return [.. columns.OrderBy(c => c.Field switch { "branchId" => 0, "id" => 1, _ => 2 })];
    }

    /// <param name="owner">The object of <paramref name="type"/> within the row, as an expression of the row.</param>
    /// <param name="makeOwners">Statements that make the nested objects on the way to <paramref name="owner"/> when absent.</param>
    private static void Add(Type type, string prefix, Expression owner, ParameterExpression row, IReadOnlyList<Expression> makeOwners,
        List<ImportColumn> columns, IReadOnlyDictionary<string, string[]> chinese)
    {
        foreach (var property in type.GetProperties().Where(p => p.IsDefined(typeof(System.ComponentModel.DataAnnotations.ValidationAttribute)) || FieldRules.IsChecked(p.PropertyType)))
        {
            var field = prefix + JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var access = Expression.Property(owner, property);
            if (FieldRules.IsChecked(property.PropertyType))
            {
                // A nested object (a study session's attendees) is made when a column first sets one of its values.
                // Positional records' properties are init-only, which a compiled expression may still set while the row is read.
                var make = Expression.IfThen(Expression.Equal(access, Expression.Constant(null, property.PropertyType)),
                    Expression.Assign(access, Empty(property.PropertyType)));
                Add(property.PropertyType, field + ".", access, row, [.. makeOwners, make], columns, chinese);
                continue;
            }
            var (value, cell) = ValueOf(property.PropertyType);
            var parameter = Expression.Parameter(cell, "value");
            var body = Expression.Block([.. makeOwners, Expression.Assign(access, Expression.Convert(parameter, property.PropertyType))]);
            var set = Expression.Lambda(typeof(Action<,>).MakeGenericType(typeof(object), cell), body, row, parameter).Compile();
            columns.Add(new ImportColumn(field, [field, .. chinese.GetValueOrDefault(field) ?? []], value, set)
            {
                Required = property.IsDefined(typeof(System.ComponentModel.DataAnnotations.RequiredAttribute)),
                Values = property.GetCustomAttribute<OneOfAttribute>()?.Allowed,
            });
        }
    }

    private static (ColumnValue, Type) ValueOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => (ColumnValue.Text, typeof(string)),
        var t when t == typeof(int) => (ColumnValue.Whole, typeof(int)),
        var t when t == typeof(DateOnly) => (ColumnValue.Date, typeof(DateOnly)),
        var t when t.IsAssignableFrom(typeof(List<string?>)) => (ColumnValue.IdList, typeof(IReadOnlyList<string?>)),
        var t => throw new NotSupportedException($"An import column of type {t.Name} is not read."),
    };

    private static NewExpression Empty(Type positional)
    {
        var constructor = positional.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return Expression.New(constructor, constructor.GetParameters().Select(p => Expression.Default(p.ParameterType)));
    }
}
