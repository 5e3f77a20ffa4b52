using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Hostile;

/// <summary>
/// The real service executable behind Kestrel, as deployed: what Kestrel refuses before any of the service's code runs,
/// and what the service's raised request-line limit lets it answer itself with problem details.
/// </summary>
public sealed class KestrelEdgeTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task KestrelAnswersMalformedPathsAndTheServiceAnswersLongOnesWithProblems(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await SiloProcess.StartAsync(database);
        using var client = new HttpClient { BaseAddress = silo.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", silo.HqKey);

        // %00: Kestrel refuses the request line itself (400, no body, connection closed); nothing reaches the service.
        var nul = await client.GetAsync("/api/branches/x%00");
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Empty(await nul.Content.ReadAsByteArrayAsync());

        // A 100 KB path is within Kestrel's raised limit, so the service answers it: 414 with problem details.
        await (await client.GetAsync("/api/branches/" + new string('a', 100_000))).AssertProblemAsync(HttpStatusCode.RequestUriTooLong);
        // Over 128 KiB Kestrel answers 414 itself, without a body.
        var huge = await client.GetAsync("/api/branches/" + new string('a', 140_000));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, huge.StatusCode);

        // A trailing newline is no id, behind Kestrel too; nothing was registered.
        await (await client.PutAsync("/api/branches/x%0A", new { name = "工会", regionCode = "630102", memberCount = 1 }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "branchId");
        await (await client.GetAsync("/api/branches/x")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>Grassroots.Silo.dll run as its own process on a free loopback port, with an hq key made through its commands.</summary>
    private sealed class SiloProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _directory;

        private SiloProcess(Process process, string directory, Uri address, string hqKey) =>
            (_process, _directory, Address, HqKey) = (process, directory, address, hqKey);

        public Uri Address { get; }
        public string HqKey { get; }

        public static async Task<SiloProcess> StartAsync(TestDatabase database)
        {
            var directory = Path.Combine(Path.GetTempPath(), "grassroots-tests", "kestrel-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            // Its own Orleans ports and cluster id: on the defaults, `keys create` would find any other silo of this
            // machine on port 30000 (another test project's, a developer's) and make the key in that cluster instead.
            string[] settings =
            [
                $"--Storage:Provider={database.Provider}", $"--Storage:ConnectionString={database.Options.ConnectionString}",
                $"--Storage:DataDirectory={directory}", "--Demo:Load=false",
                // A cluster of its own: with the default ports the command could reach another service running on this machine.
                .. FreePorts.ClusterSettings().Select(s => $"--{s.Key}={s.Value}"),
            ];
            var key = (await RunAsync(["keys", "create", "--role", "hq", "--scope", "CN", "--label", "kestrel test", .. settings])).Trim();
            var port = FreePort();
            var process = Start([$"--urls=http://127.0.0.1:{port}", .. settings]);
            var silo = new SiloProcess(process, directory, new Uri($"http://127.0.0.1:{port}"), key);
            using var probe = new HttpClient();
            for (var waited = 0; ; waited += 200)
            {
                try
                {
                    if ((await probe.GetAsync(new Uri(silo.Address, "/readyz"))).IsSuccessStatusCode) return silo;
                }
                catch (HttpRequestException) when (waited < 60_000 && !process.HasExited)
                {
                }
                if (waited >= 60_000 || process.HasExited)
                {
                    await silo.DisposeAsync();
                    throw new InvalidOperationException("The silo did not become ready within 60 s.");
                }
                await Task.Delay(200);
            }
        }

        /// <summary>Runs a command of the service (e.g. keys create) to its end; its standard output.</summary>
        private static async Task<string> RunAsync(string[] args)
        {
            using var process = Start(args);
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"grassroots {string.Join(' ', args.Where(a => !a.Contains("Password", StringComparison.Ordinal)))} failed");
            return output;
        }

        private static Process Start(string[] args)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Grassroots.Silo.dll"));
            foreach (var arg in args) start.ArgumentList.Add(arg);
            var process = Process.Start(start)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            return process;
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
