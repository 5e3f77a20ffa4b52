using Grassroots.ImportBench;

// Import throughput on PostgreSQL beside plain 100-row INSERTs, in one run; see docs/benchmarks.md.
if (ImportBenchOptions.Parse(args) is not { } options)
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench/Grassroots.ImportBench -- --postgres "<admin connection string>"
                 [--rows 100000] [--branches 100] [--insert-connections 4]
        Creates a fresh database on that server, starts the service in this process over it, imports a generated CSV of
        study sessions over HTTP (then the same file again), times 100-row INSERTs of the same rows into a table of the
        same shape, checks the rollups against a recount, and drops the database.
        """);
    return 2;
}
#if DEBUG
Console.WriteLine("warning: Debug build; pass -c Release for figures worth quoting");
#endif
return await ImportBench.RunAsync(options);
