namespace Grassroots.Silo.Apis;

/// <summary>Who is calling, as the change log records it: "key:&lt;keyId&gt;" for the API key of the request (docs/architecture.md, "Security").</summary>
public static class Caller
{
    public static string Actor(HttpContext context) => context.User.Identity?.Name ?? "anonymous";
}
