using Microsoft.AspNetCore.StaticFiles;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// How the pages' files are served. A page, a service worker script and a web app manifest are answered with
/// <c>Cache-Control: no-cache</c>: the browser asks again every time (a 304 when unchanged), so a new version of the
/// pages reaches an officer's phone on its next visit instead of whenever a heuristic cache lets it. The branch page
/// keeps its own offline copy in its service worker's cache, so this costs it nothing without a network.
/// </summary>
public static class StaticFileCaching
{
    public static StaticFileOptions Options() => new()
    {
        ContentTypeProvider = ContentTypes(),
        OnPrepareResponse = context =>
        {
            var name = context.File.Name;
            if (name.EndsWith(".html", StringComparison.Ordinal) || name.EndsWith(".webmanifest", StringComparison.Ordinal)
                || name == "sw.js")
                context.Context.Response.Headers.CacheControl = "no-cache";
        },
    };

    private static FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".webmanifest"] = "application/manifest+json";
        return types;
    }
}
