namespace Grassroots.Silo.Apis;

/// <summary>Who is calling, as the change log records it: "key:&lt;keyId&gt;" for the API key of the request (DESIGN.md §5).</summary>
public static class Caller
{
    public static string Actor(HttpContext context) => context.User.Identity?.Name ?? "anonymous";
}
