using Grassroots.ImportBench;

// Import throughput on PostgreSQL beside binary COPY and plain 100-row INSERTs, in one run; see docs/benchmarks.md.
if (ImportBenchOptions.Parse(args) is not { } options)
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench/Grassroots.ImportBench -- --postgres "<admin connection string>"
                 [--rows 100000] [--branches 100] [--insert-connections 4] [--xlsx-rows 100000] [--perf FILE-PREFIX] [--allocations]
               dotnet run -c Release --project bench/Grassroots.ImportBench -- --excel-readers [--xlsx-rows 100000]
        Creates a fresh database on that server, starts the service in this process over it, imports a generated CSV of
        study sessions over HTTP (a dry run, for real, then the same file again) and an Excel sheet of other rows, times
        binary COPY and 100-row INSERTs of the same rows into tables of the same shape, checks the rollups against a
        recount, and drops the database. --perf profiles each phase with Linux perf (run with DOTNET_PerfMapEnabled=1
        DOTNET_EnableWriteXorExecute=0). --allocations samples what each phase allocates, by type. --excel-readers compares the Excel readers that restore here on the same sheet.
        """);
    return 2;
}
#if DEBUG
Console.WriteLine("warning: Debug build; pass -c Release for figures worth quoting");
#endif
return options.ExcelReaders ? ExcelReaders.Run(options) : await ImportBench.RunAsync(options);
