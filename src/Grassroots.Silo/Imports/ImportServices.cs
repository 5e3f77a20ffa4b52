namespace Grassroots.Silo.Imports;

public static class ImportServices
{
    /// <summary>What imports and import jobs need: the importer, the stored bodies of jobs, and how often a job's reminder looks.</summary>
    public static IServiceCollection AddGrassrootsImports(this IServiceCollection services)
    {
        services.AddSingleton<Importer>();
        services.AddSingleton<ImportUploadStore>();
        services.AddOptions<ImportJobOptions>().BindConfiguration("Imports");
        return services;
    }
}
