using Grassroots.Throughput;

// Throughput measurements that need a real database; see docs/benchmarks.md for how they are run and what they showed.
if (args is not ["storage", .. var rest] || StorageBenchOptions.Parse(rest) is not { } options)
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench/Grassroots.Throughput -- storage --postgres "<admin connection string>"
                 [--writers 64] [--seconds 10] [--warmup 2] [--max-batch-size 512] [--max-batch-delay-ms 1]
                 [--insert-connections 4] [--phases abc]
        Creates a fresh database on that server, migrates it, measures, and drops it.
        """);
    return 2;
}
#if DEBUG
Console.WriteLine("warning: Debug build; pass -c Release for figures worth quoting");
#endif
await StorageBench.RunAsync(options);
return 0;
