using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace Grassroots.Silo.Apis;

/// <summary>
/// Applies the <see cref="FieldRuleAttribute"/>s of an endpoint's path and query parameters and of its JSON body
/// before the endpoint runs: one 400 naming every bad field, nothing called. Set once on the /api group.
/// </summary>
public static class FieldValidation
{
    public const string MissingBody = "A JSON object is required.";

    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, string Name, FieldRuleAttribute Rule)[]> Rules = new();

    /// <summary>The endpoint filter factory: endpoints without rules get no filter at all.</summary>
    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var checks = context.MethodInfo.GetParameters()
            .Select((p, index) => (Index: index, p.Name, Rule: p.GetCustomAttribute<FieldRuleAttribute>(), Body: IsBody(p.ParameterType)))
            .Where(c => c.Rule is not null || c.Body)
            .ToArray();
        if (checks.Length == 0) return next;
        return async invocation =>
        {
            var v = new Validator();
            var services = invocation.HttpContext.RequestServices;
            foreach (var (index, name, rule, _) in checks)
            {
                var value = invocation.Arguments[index];
                if (rule is null) v.Body(value, services);
                else v.Apply(rule, name!, value is "" ? null : value, new(null, services)); // an empty query value counts as absent
            }
            return v.IsValid ? await next(invocation) : v.Problem();
        };
    }

    /// <summary>Whether a type is a request body with rules, e.g. <see cref="StudySessionRequest"/>.</summary>
    public static bool IsBody(Type type) => RulesOf(Nullable.GetUnderlyingType(type) ?? type).Length > 0;

    /// <summary>The rules of a body type's properties, with their JSON names.</summary>
    public static (PropertyInfo Property, string Name, FieldRuleAttribute Rule)[] RulesOf(Type type) => Rules.GetOrAdd(type, t =>
        [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Rule: p.GetCustomAttribute<FieldRuleAttribute>()))
            .Where(p => p.Rule is not null)
            .Select(p => (p.Property, JsonNamingPolicy.CamelCase.ConvertName(p.Property.Name), p.Rule!))]);

    /// <summary>A JSON body: an object (not absent, not null) whose fields keep their rules.</summary>
    public static void Body(this Validator v, object? body, IServiceProvider? services)
    {
        if (body is null) v.Fail("body", MissingBody);
        else v.Fields(body, services);
    }

    /// <summary>Every rule of <paramref name="value"/>'s properties, fields named "prefix.name".</summary>
    public static void Fields(this Validator v, object value, IServiceProvider? services, string prefix = "")
    {
        foreach (var (property, name, rule) in RulesOf(value.GetType()))
            v.Apply(rule, prefix + name, property.GetValue(value), new(value, services));
    }

    public static void Apply(this Validator v, FieldRuleAttribute rule, string field, object? value, FieldRuleAttribute.Context context)
    {
        if (value is null || (rule.Required && value is string s && string.IsNullOrWhiteSpace(s)))
        {
            if (rule.Required) v.Fail(field, "Is required.");
            return;
        }
        rule.Check(v, field, value, context);
    }
}

/// <summary>
/// The JSON body of an endpoint. An empty or <c>null</c> body reaches <see cref="FieldValidation"/>, which answers
/// "body: A JSON object is required." instead of the framework's message about implicit parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class BodyAttribute : Attribute, Microsoft.AspNetCore.Http.Metadata.IFromBodyMetadata
{
    public bool AllowEmpty => true;
}
