namespace Grassroots.Silo.Apis;

public static class GrassrootsApis
{
    /// <summary>Every /api endpoint, one static class per resource.</summary>
    public static IEndpointRouteBuilder MapGrassrootsApis(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapReferenceApis();
        api.MapRecordApis();
        return app;
    }
}
