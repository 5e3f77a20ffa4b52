using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Validation;

namespace Grassroots.Silo.Apis;

/// <summary>
/// Whether a value passes the field rules of its type (FieldAttributes.cs), compiled once per type into one delegate: each
/// property's rules called with the property's own type (<see cref="IFieldRule{T}"/>: no box, no ValidationContext), a
/// <see cref="NotAboveAttribute"/> as a comparison, nested request objects in turn. It answers only yes or no: a value that
/// does not pass is handed to the framework's validation, which names and words its problems from the same attribute
/// instances, so a PUT's 400 and an import row's problems read as they always have.
/// Why not the framework for every value: its walk of one study session cost ~2.4 KB and a ValidationContext per object
/// (docs/benchmarks.md, "One silo: where a PUT's bytes go"), where this costs nothing allocated. The PUT of every record
/// kind (<see cref="Filter"/>) and every import row (Imports/Importer.cs) are checked through it.
/// </summary>
public sealed class FieldRules
{
    private readonly Func<object, IServiceProvider, bool> _passes;

    private FieldRules(Func<object, IServiceProvider, bool> passes) => _passes = passes;

    private static readonly ConcurrentDictionary<Type, FieldRules> Compiled = new();

    public static FieldRules Of(Type type) => Compiled.GetOrAdd(type, static type => new FieldRules(Compile(type)));

    /// <summary>Whether every rule of <paramref name="value"/> passes; a value for which this is false has at least one problem the framework names.</summary>
    public bool Passes(object value, IServiceProvider services) => _passes(value, services);

    /// <summary>A type whose objects are checked (and whose nested objects are): it carries the generator's [ValidatableType].</summary>
    public static bool IsChecked(Type type) => type.IsDefined(typeof(ValidatableTypeAttribute), inherit: false);

    /// <summary>
    /// The problems of <paramref name="values"/> (the checked arguments of a request) as the framework's validation names
    /// them, in the current UI culture, fields named as a client names them.
    /// </summary>
    public static async Task<Dictionary<string, string[]>> ProblemsAsync(IEnumerable<object> values, IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<ValidationOptions>>().Value;
        var errors = new Dictionary<string, string[]>();
        foreach (var value in values)
        {
            if (!options.TryGetValidatableTypeInfo(value.GetType(), out var info)) continue;
            var context = new ValidateContext { ValidationOptions = options, ValidationContext = new ValidationContext(value, services, null) };
            await info.ValidateAsync(value, context, CancellationToken.None);
            foreach (var (path, messages) in context.ValidationErrors ?? [])
            {
                var field = FieldChecks.FieldName(path);
                errors[field] = errors.TryGetValue(field, out var earlier) ? [.. earlier, .. messages] : messages;
            }
        }
        return errors;
    }

    /// <summary>
    /// The endpoint filter factory that checks an endpoint's checked arguments (its path record, its body) through their
    /// compiled rules, for an endpoint mapped with the framework's validation disabled; a value that does not pass is
    /// answered with the framework's problems, as its own filter would answer (400, every field named). A null body is
    /// left to <see cref="FieldChecks.RequireBody"/>.
    /// </summary>
    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var checkedArguments = context.MethodInfo.GetParameters()
            .Select((parameter, index) => (parameter, index))
            .Where(x => IsChecked(x.parameter.ParameterType))
            .Select(x => (x.index, Rules: Of(x.parameter.ParameterType))).ToArray();
        if (checkedArguments.Length == 0) return next;
        return invocation =>
        {
            var services = invocation.HttpContext.RequestServices;
            foreach (var (index, rules) in checkedArguments)
                if (invocation.Arguments[index] is { } value && !rules.Passes(value, services))
                    return Refuse(invocation, checkedArguments.Select(a => invocation.Arguments[a.index]).OfType<object>());
            return next(invocation);
        };
    }

    private static async ValueTask<object?> Refuse(EndpointFilterInvocationContext invocation, IEnumerable<object> values) =>
        TypedResults.ValidationProblem(await ProblemsAsync(values, invocation.HttpContext.RequestServices), title: FieldChecks.Title.InCurrentCulture());

    private static Func<object, IServiceProvider, bool> Compile(Type type)
    {
        var value = Expression.Parameter(typeof(object), "value");
        var services = Expression.Parameter(typeof(IServiceProvider), "services");
        var owner = Expression.Variable(type, "owner");
        var body = Expression.Block([owner], Expression.Assign(owner, Expression.Convert(value, type)), Checks(owner, services));
        return Expression.Lambda<Func<object, IServiceProvider, bool>>(body, value, services).Compile();
    }

    /// <summary>Every rule of the object in <paramref name="owner"/> (not null), nested objects' included, joined by "and".</summary>
    private static Expression Checks(Expression owner, ParameterExpression services)
    {
        var type = owner.Type;
        var checks = new List<Expression>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0))
        {
            var member = Expression.Property(owner, property);
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>(inherit: true))
                checks.Add(Check(attribute, member, owner, property.Name, services));
            if (property.GetCustomAttribute<NotAboveAttribute>() is { } notAbove)
                checks.Add(NotAbove(member, Path(owner, notAbove.Other)));
            if (IsChecked(property.PropertyType))
            {
                // An absent nested object passes here: its own property's Required says whether it may be absent.
                var nested = Expression.Variable(property.PropertyType, "nested");
                checks.Add(Expression.Block([nested], Expression.Assign(nested, member),
                    Expression.OrElse(Expression.Equal(nested, Expression.Constant(null, nested.Type)), Checks(nested, services))));
            }
        }
        foreach (var attribute in type.GetCustomAttributes<ValidationAttribute>(inherit: true))
            checks.Add(Fallback(attribute, owner, owner, null, services));
        // Object rules of the type's own (IValidatableObject) are run as the framework runs them; those that only state
        // their properties' NotAbove and IdList attributes are the checks above.
        if (typeof(IValidatableObject).IsAssignableFrom(type) && !typeof(IRulesInAttributes).IsAssignableFrom(type))
            checks.Add(Expression.Call(typeof(FieldRules).GetMethod(nameof(PassesObjectRules), BindingFlags.NonPublic | BindingFlags.Static)!,
                Expression.Convert(owner, typeof(IValidatableObject)), services));
        return checks.Count == 0 ? Expression.Constant(true) : checks.Aggregate(Expression.AndAlso);
    }

    /// <summary>One attribute on one property: the framework's Required as it defines it, an <see cref="IFieldRule{T}"/> of the property's type typed, anything else through the framework.</summary>
    private static Expression Check(ValidationAttribute attribute, MemberExpression member, Expression owner, string name, ParameterExpression services)
    {
        var type = member.Type;
        if (attribute is RequiredAttribute { AllowEmptyStrings: false })
            return type == typeof(string)
                ? Expression.Not(Expression.Call(typeof(string).GetMethod(nameof(string.IsNullOrWhiteSpace), [typeof(string)])!, member))
                : Nullable.GetUnderlyingType(type) is not null ? Expression.Property(member, "HasValue")
                : type.IsValueType ? Expression.Constant(true)
                : Expression.NotEqual(member, Expression.Constant(null, type));
        var rule = typeof(IFieldRule<>).MakeGenericType(type);
        return rule.IsInstanceOfType(attribute)
            ? Expression.Call(Expression.Constant(attribute, rule), rule.GetMethod(nameof(IFieldRule<object>.Passes))!, member, Expression.Convert(owner, typeof(object)), services)
            : Fallback(attribute, member, owner, name, services);
    }

    /// <summary>A rule checked through <see cref="ValidationAttribute.GetValidationResult"/>, with a context made for the call.</summary>
    private static MethodCallExpression Fallback(ValidationAttribute attribute, Expression value, Expression owner, string? name, ParameterExpression services) =>
        Expression.Call(typeof(FieldRules).GetMethod(nameof(PassesAttribute), BindingFlags.NonPublic | BindingFlags.Static)!,
            Expression.Constant(attribute, typeof(ValidationAttribute)), Expression.Convert(value, typeof(object)),
            Expression.Convert(owner, typeof(object)), Expression.Constant(name, typeof(string)), services);

    private static bool PassesAttribute(ValidationAttribute attribute, object? value, object owner, string? name, IServiceProvider services) =>
        attribute.GetValidationResult(value, new ValidationContext(owner, services, null) { MemberName = name }) == ValidationResult.Success;

    private static bool PassesObjectRules(IValidatableObject owner, IServiceProvider services) =>
        !owner.Validate(new ValidationContext(owner, services, null)).Any();

    /// <summary>part ≤ most, where either is a count and an absent one passes.</summary>
    private static Expression NotAbove(Expression part, Expression most)
    {
        var (p, m) = (Expression.Variable(typeof(int?), "part"), Expression.Variable(typeof(int?), "most"));
        return Expression.Block([p, m], Expression.Assign(p, Expression.Convert(part, typeof(int?))), Expression.Assign(m, Expression.Convert(most, typeof(int?))),
            Expression.OrElse(Expression.OrElse(Expression.Not(Expression.Property(p, "HasValue")), Expression.Not(Expression.Property(m, "HasValue"))),
                Expression.LessThanOrEqual(Expression.Property(p, "Value"), Expression.Property(m, "Value"))));
    }

    /// <summary>The value at a path of properties from <paramref name="owner"/> ("Participants.Total"); null as soon as an object on the way is.</summary>
    private static Expression Path(Expression owner, string path)
    {
        var names = path.Split('.');
        var next = Expression.Property(owner, names[0]);
        if (names.Length == 1) return Expression.Convert(next, typeof(int?));
        var step = Expression.Variable(next.Type, "step");
        return Expression.Block([step], Expression.Assign(step, next),
            Expression.Condition(Expression.Equal(step, Expression.Constant(null, step.Type)), Expression.Constant(null, typeof(int?)),
                Path(step, string.Join('.', names[1..]))));
    }
}
