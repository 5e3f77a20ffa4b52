namespace Grassroots.Silo.Apis;

/// <summary>Who is calling, as the change log records it. API keys (DESIGN.md §5) will name the key here.</summary>
public static class Caller
{
    public static string Actor(HttpContext context) => context.User.Identity?.Name ?? "anonymous";
}
