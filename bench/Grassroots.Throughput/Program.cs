using Grassroots.Throughput;
using Grassroots.Throughput.Federation;

// Throughput measurements that need a real database; see docs/benchmarks.md for how they are run and what they showed.
#if DEBUG
Console.WriteLine("warning: Debug build; pass -c Release for figures worth quoting");
#endif
switch (args)
{
    case ["storage", .. var rest] when StorageBenchOptions.Parse(rest) is { } storage:
        await StorageBench.RunAsync(storage);
        return 0;
    case ["ingest", .. var rest] when IngestBenchOptions.Parse(rest) is { } ingest:
        await IngestBench.RunAsync(ingest);
        return 0;
    case ["cluster", .. var rest] when ClusterBenchOptions.Parse(rest) is { } cluster:
        await ClusterBench.RunAsync(cluster);
        return 0;
    case ["alloc-report", var file, var operations, .. var rest]:
        AllocationProfile.Report(file, long.Parse(operations, System.Globalization.CultureInfo.InvariantCulture),
            rest is ["--top", var top, ..] ? int.Parse(top, System.Globalization.CultureInfo.InvariantCulture) : 40,
            rest.SkipWhile(a => a != "--filter").Skip(1).FirstOrDefault());
        return 0;
    case ["federation", var verb, .. var rest] when FederationOptions.Parse(verb, rest) is { } federation:
        return await FederationOptions.RunAsync(federation);
    default:
        Console.Error.WriteLine("""
            usage: dotnet run -c Release --project bench/Grassroots.Throughput -- storage --postgres "<admin connection string>"
                     [--writers 64] [--seconds 10] [--warmup 2] [--max-batch-size 512] [--max-batch-delay-ms 1]
                     [--insert-connections 4] [--phases abc]
                   dotnet run -c Release --project bench/Grassroots.Throughput -- ingest --postgres "<admin connection string>"
                     [--connections 64] [--baseline-connections 32] [--read-connections 64] [--seconds 20] [--warmup 20]
                     [--branches 2000] [--phases bir] [--configuration Release] [--sweep 8,16,32,64,128 --chart docs/ingest-vs-connections.png]
                     [--load wrk|http] [--wrk-threads 2] [--gc build|workstation|server|datas|all, or a list: server,datas]
                     [--trace silo.nettrace] [--perf silo.perf.data] [--alloc ingest.nettrace] [--alloc-read read.nettrace]
                   dotnet run -c Release --project bench/Grassroots.Throughput -- ingest --sqlite [same options; --baseline-connections 1]
                   dotnet run -c Release --project bench/Grassroots.Throughput -- cluster [--silos 1,3] [--phases bwrfms] [--connections 64]
                     [--baseline-connections 32] [--read-connections 16] [--load-connections 32] [--seconds 20] [--warmup 20]
                     [--branches 2000] [--probes 300] [--configuration Release] [--load wrk|http] [--metrics-token T] [--compose]
                   dotnet run -c Release --project bench/Grassroots.Throughput -- federation generate --data DIR
                     [--branches 2800000] [--records 10000000] [--honorees 2000] [--seed 20201124]
                   dotnet run -c Release --project bench/Grassroots.Throughput -- federation load --postgres "<admin connection string>"
                     --data DIR --database NAME [--via direct|import]
                   dotnet run -c Release --project bench/Grassroots.Throughput -- federation scale --postgres "<admin connection string>"
                     --data DIR --database NAME [--connections 8,64] [--baseline-connections 2] [--seconds 20] [--warmup 10] [--touch 100000] [--load wrk|http]
                     [--phases rcm: reads, cold-branch ingest, memory per branch]
            Each of storage, ingest and cluster creates a fresh database on that server, measures, and drops it. `ingest` runs the service built with
            `dotnet build -c Release src/Grassroots.Silo` as a process of its own; with --sqlite, over the embedded default
            in a temporary folder, which it deletes at the end. Its baselines on PostgreSQL are pgbench (single-row autocommit
            INSERTs) and Npgsql (BEGIN/INSERT/COMMIT); HTTP load comes from wrk when it is installed (else --load http); each
            phase reports the silo's CPU, bytes allocated and GC per operation; --gc starts a silo per GC mode in turn;
            --trace writes a .nettrace of the silo over the ingest window, --perf a Linux perf CPU profile of it with the
            top methods in µs per record (see docs/benchmarks.md, "How to profile"); --alloc and --alloc-read sample the silo's
            allocations by type and method over the ingest and the national read. `cluster` runs deploy/local-cluster.sh in
            /tmp/grassroots-bench-cluster (nginx on 5400, silo I on 5400+I, its management port 9400+I, PostgreSQL on 15540)
            with that build, or with --compose docker-compose.yml on the images of deploy/build-local-images.sh; phases:
            b pgbench on its PostgreSQL; w PUTs and r rollup reads through nginx for each number of silos in --silos, started
            afresh, with CPU per silo and the silos' own Orleans metrics per request; f freshness probes; m one silo with its
            management port on, then off; s the cluster configuration's silo against the standalone one. /metrics is sent
            the bearer token in $GRASSROOTS_METRICS_TOKEN (or --metrics-token) when there is one. It stops the cluster and
            removes its folder at the end.
            `federation` writes a federation-scale data set in the import formats, loads it into a database it creates and
            keeps, and measures the service over it (see docs/benchmarks.md).
            """);
        return 2;
}
