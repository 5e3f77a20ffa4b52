using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
using System.Reflection;
using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Imports;

/// <summary>
/// The field rules of one kind of import row, gathered once from the DataAnnotations its request type carries — the
/// attributes AddValidation checks a PUT's body with — each property's attributes beside a compiled getter, nested
/// objects' in turn, and the <see cref="IValidatableObject"/> rules of the row and its nested objects. A row that passes
/// them all has no problem; a row that does not is checked again by the framework's validation
/// (<see cref="FieldChecks.ValidateAsync"/>), so its problems are named and worded exactly as the PUT's 400 names them.
/// Why not the framework for every row: its validation of one row cost ~20 µs and ~3 KB (the import bench's profile,
/// docs/benchmarks.md), where an import checks a row in a few µs; the rules are the same attribute instances either way.
/// </summary>
public sealed class ImportRowRules
{
    private readonly Owner[] _owners;

    private ImportRowRules(Owner[] owners) => _owners = owners;

    /// <summary>An object of the row (the row itself, or a nested one) and its rules.</summary>
    private sealed record Owner(Func<object, object?> Get, Rule[] Properties, ValidationAttribute[] TypeRules, bool Validatable);

    private sealed record Rule(string Member, Func<object, object?> Get, ValidationAttribute[] Attributes);

    public static ImportRowRules Of(Type rowType)
    {
        var owners = new List<Owner>();
        var row = Expression.Parameter(typeof(object), "row");
        Gather(rowType, Expression.Convert(row, rowType), row, owners);
        return new ImportRowRules([.. owners]);
    }

    private static void Gather(Type type, Expression owner, ParameterExpression row, List<Owner> owners)
    {
        var self = Expression.Parameter(typeof(object), "owner");
        var rules = new List<Rule>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod is not null))
        {
            var attributes = property.GetCustomAttributes<ValidationAttribute>(inherit: true).ToArray();
            if (attributes.Length > 0)
                rules.Add(new Rule(property.Name, Compile(Expression.Property(Expression.Convert(self, type), property), self), attributes));
            if (ImportColumns.IsNested(property.PropertyType))
                Gather(property.PropertyType, Expression.Property(owner, property), row, owners);
        }
        owners.Add(new Owner(Compile(NullWhereAbsent(owner), row), [.. rules],
            [.. type.GetCustomAttributes<ValidationAttribute>(inherit: true)], typeof(IValidatableObject).IsAssignableFrom(type)));
    }

    /// <summary>Whether every rule passes; a row for which this is false has at least one problem the framework names.</summary>
    public bool Passes(object row, IServiceProvider services)
    {
        // One context for the whole row, its nested objects included, as the framework's validation makes one per value.
        var context = new ValidationContext(row, services, null);
        foreach (var owner in _owners)
        {
            if (owner.Get(row) is not { } instance) continue; // an absent nested object: its own property's Required says so
            foreach (var rule in owner.Properties)
            {
                var value = rule.Get(instance);
                context.MemberName = rule.Member;
                foreach (var attribute in rule.Attributes)
                    if (attribute.GetValidationResult(value, context) != ValidationResult.Success) return false;
            }
            context.MemberName = null;
            foreach (var attribute in owner.TypeRules)
                if (attribute.GetValidationResult(instance, context) != ValidationResult.Success) return false;
            if (owner.Validatable && ((IValidatableObject)instance).Validate(context).Any()) return false;
        }
        return true;
    }

    /// <summary>The row's problems, named as a client names fields; none for a row that passes.</summary>
    public async ValueTask<IReadOnlyList<(string Field, string Message)>> ProblemsAsync(object row, IServiceProvider services) =>
        Passes(row, services) ? [] : await FieldChecks.ValidateAsync(row, services);

    private static Func<object, object?> Compile(Expression body, ParameterExpression parameter)
    {
        if (Nullable.GetUnderlyingType(body.Type) == typeof(int) || body.Type == typeof(int))
        {
            // Counts are small: their boxes are shared rather than made for every row (the attributes take objects).
            var value = Expression.Variable(body.Type, "value");
            var whole = body.Type == typeof(int) ? (Expression)value : Expression.Property(value, "Value");
            var small = Expression.AndAlso(Expression.GreaterThanOrEqual(whole, Expression.Constant(0)), Expression.LessThan(whole, Expression.Constant(Boxes.Length)));
            if (body.Type != typeof(int)) small = Expression.AndAlso(Expression.Property(value, "HasValue"), small);
            body = Expression.Block([value], Expression.Assign(value, body),
                Expression.Condition(small, Expression.ArrayIndex(Expression.Constant(Boxes), whole), Expression.Convert(value, typeof(object))));
        }
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(body, typeof(object)), parameter).Compile();
    }

    private static readonly object[] Boxes = [.. Enumerable.Range(0, 1024).Select(n => (object)n)];

    /// <summary>A path of nested properties whose value is null as soon as one step on the way is.</summary>
    private static Expression NullWhereAbsent(Expression path)
    {
        if (path is not MemberExpression { Expression: { } parent } member || parent is UnaryExpression) return path;
        var outer = NullWhereAbsent(parent);
        var step = Expression.Variable(parent.Type, "step");
        return Expression.Block([step], Expression.Assign(step, outer),
            Expression.Condition(Expression.Equal(step, Expression.Constant(null, parent.Type)), Expression.Constant(null, member.Type),
                Expression.MakeMemberAccess(step, member.Member)));
    }
}
