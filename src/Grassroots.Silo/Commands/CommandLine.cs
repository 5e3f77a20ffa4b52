using System.CommandLine;
using System.CommandLine.Help;
using Grassroots.Domain.Hosting;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Hosting;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Orleans.Configuration;

namespace Grassroots.Silo.Commands;

/// <summary>
/// The command line, on System.CommandLine: without a command the service serves HTTP; `reconcile`, `keys` and `import`
/// run and exit. `--help` on any of them prints its usage and starts nothing; an unknown command or a malformed one
/// prints the usage on standard error and exits 2. Settings go as configuration (`--Section:Key=value`, read as the
/// service reads appsettings and the environment). Commands that change keys go through the key grains: connected as an
/// Orleans client to the running service when there is one, so a revocation holds there at once; otherwise in a silo of
/// their own, started for the command alone.
/// </summary>
public static class CommandLine
{
    public const int UsageError = 2;

    /// <param name="serve">What the root command does: runs the service with the arguments as its configuration.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null,
        IReadOnlyDictionary<string, string?>? settings = null, Func<string[], Task<int>>? serve = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = Build(output, error, settings, () => (serve ?? (_ => Task.FromResult(UsageError)))(args));
        var parsed = root.Parse(args);
        var problem = parsed.Errors.FirstOrDefault()?.Message
            ?? (Configuration.Unknown(parsed.UnmatchedTokens) is { } unknown ? $"Unrecognized command or argument '{unknown}'." : null);
        var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        if (problem is null) return parsed.Action is HelpAction ? await HelpAsync(parsed, output) : await parsed.InvokeAsync(invocation);

        error.WriteLine(problem);
        error.WriteLine();
        var path = Path(parsed.CommandResult).ToArray();
        await HelpAsync(root.Parse([.. path, "--help"]), error);
        return UsageError;
    }

    /// <summary>
    /// System.CommandLine's help, but for its usage line of a command that takes settings: its resources write
    /// "[[--] &lt;additional arguments&gt;...]]", one closing bracket too many (and its help builder is not public to change).
    /// </summary>
    private static async Task<int> HelpAsync(ParseResult help, TextWriter output)
    {
        using var text = new StringWriter();
        var exit = await help.InvokeAsync(new InvocationConfiguration { Output = text });
        output.Write(string.Join('\n', text.ToString().Split('\n').Select(WithoutUnopenedBrackets)));
        return exit;
    }

    private static RootCommand Build(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? settings, Func<Task<int>> serve)
    {
        var root = new RootCommand(
            "Grassroots: serves the HTTP API, the dashboard and the Orleans silo until stopped (SIGTERM or Ctrl+C). " +
            "Any setting may be given as --Section:Key=value, e.g. --Storage:Provider=Postgres (appsettings.json, docs/operations.md).")
        {
            new Option<string>("--urls") { Description = "Where HTTP is served, e.g. http://127.0.0.1:5080 (default http://localhost:5000).", HelpName = "URLS" },
            new Option<string>("--contentRoot") { Description = "The folder holding wwwroot and the data directory (default: the current folder).", HelpName = "DIR" },
            new Option<string>("--environment") { Description = "Development or Production (default Production).", HelpName = "NAME" },
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((_, _) => serve());

        var reconcile = Configurable(new Command("reconcile", "Recounts every rollup from the facts and prints any difference (exit 1 when there is one)."));
        reconcile.SetAction(parsed => WithHostAsync(parsed, settings, UsingData, sp => ReconcileAsync(sp.GetRequiredService<Reconciler>(), output)));
        root.Add(reconcile);
        root.Add(KeysCommands(output, error, settings));
        root.Add(ImportCommand.Define(output, error));
        return root;
    }

    private static Command KeysCommands(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? settings)
    {
        var role = new Option<string>("--role") { Description = $"{string.Join(", ", Roles.All)}." };
        var scope = new Option<string>("--scope") { Description = "CN for hq, a region code for a region-admin, a branch id for a branch." };
        var label = new Option<string>("--label") { Description = "Who holds the key, e.g. 西宁市总工会." };
        var create = Configurable(new Command("create", "Issues a key; only the key goes to standard output, shown this once.") { role, scope, label });
        create.SetAction(parsed => WithGrainsAsync(parsed, settings, sp => new KeysCommand(sp, output, error)
            .CreateAsync(parsed.GetValue(role), parsed.GetValue(scope), parsed.GetValue(label)), error));

        var list = Configurable(new Command("list", "Lists every key (never the keys themselves, which are not stored)."));
        list.SetAction(parsed => WithHostAsync(parsed, settings, UsingData, sp => new KeysCommand(sp, output, error).ListAsync()));

        var keyId = new Argument<string>("keyId") { Description = "The id of the key, as `keys list` shows it." };
        var revoke = Configurable(new Command("revoke", "Revokes a key; every silo refuses it from then on.") { keyId });
        revoke.SetAction(parsed => WithGrainsAsync(parsed, settings, sp => new KeysCommand(sp, output, error).RevokeAsync(parsed.GetValue(keyId)!), error));

        return new Command("keys", "Manages API keys, with or without a running service.") { create, list, revoke };
    }

    /// <summary>The line without the closing brackets that no opening bracket before them opened.</summary>
    public static string WithoutUnopenedBrackets(string line)
    {
        var kept = new System.Text.StringBuilder(line.Length);
        var open = 0;
        foreach (var c in line)
        {
            if (c == ']' && open == 0) continue;
            open += c switch { '[' => 1, ']' => -1, _ => 0 };
            kept.Append(c);
        }
        return kept.ToString();
    }

    /// <summary>A command that takes settings (--Section:Key=value) besides its own options.</summary>
    public static Command Configurable(Command command)
    {
        command.TreatUnmatchedTokensAsErrors = false;
        return command;
    }

    private static IEnumerable<string> Path(System.CommandLine.Parsing.CommandResult? command)
    {
        var names = new Stack<string>();
        for (var c = command; c?.Parent is System.CommandLine.Parsing.CommandResult parent; c = parent) names.Push(c.Command.Name);
        return names;
    }

    private static async Task<int> ReconcileAsync(Reconciler reconciler, TextWriter output)
    {
        output.WriteLine("Recounting every rollup from the facts…");
        var differences = await reconciler.CompareAsync();
        foreach (var difference in differences) output.WriteLine(difference);
        output.WriteLine(differences.Count == 0 ? "No differences: every rollup equals a recount of the facts." : $"{differences.Count} rows differ.");
        return differences.Count == 0 ? 0 : 1;
    }

    /// <summary>Grains through a client of the running cluster when one answers, else through a silo of the command's own.</summary>
    private static async Task<int> WithGrainsAsync(ParseResult parsed, IReadOnlyDictionary<string, string?>? settings,
        Func<IServiceProvider, Task<int>> run, TextWriter error)
    {
        try
        {
            return await WithHostAsync(parsed, settings, UsingClient, run);
        }
        catch (Exception failure) when (IsNoGateway(failure))
        {
            error.WriteLine("No running service answered; starting a silo for this command.");
            return await WithHostAsync(parsed, settings, UsingSilo, run);
        }
    }

    private static void UsingData(HostApplicationBuilder builder) =>
        builder.Services.AddGrassrootsData().AddSingleton<ApiKeyTable>().AddFieldValidation();

    private static void UsingClient(HostApplicationBuilder builder)
    {
        UsingData(builder);
        var storage = builder.Configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        var cluster = builder.Configuration.GetSection("Cluster").Get<ClusterSettings>() ?? new ClusterSettings();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
            if (cluster.UsesDatabaseMembership(storage))
                client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) =
                    (SiloHosting.InvariantOf(storage.Provider), Database.ConnectionStringFor(storage)));
            else
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
            // No service answering is an answer: the command then runs its own silo rather than waiting for one.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        builder.Services.AddApiKeys();
    }

    private static void UsingSilo(HostApplicationBuilder builder)
    {
        builder.AddGrassrootsSilo();
        builder.Services.AddApiKeys();
        builder.Services.AddFieldValidation();
    }

    /// <summary>
    /// A host with the service's configuration (the command's settings among it) and <paramref name="compose"/>'s
    /// services, started without the HTTP server; its log goes to standard error, so standard output carries only the
    /// command's result.
    /// </summary>
    private static async Task<int> WithHostAsync(ParseResult parsed, IReadOnlyDictionary<string, string?>? settings,
        Action<HostApplicationBuilder> compose, Func<IServiceProvider, Task<int>> run)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. parsed.UnmatchedTokens] });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // A command says what it did itself; the log only needs what went wrong (Orleans warns of every closed connection).
        builder.Logging.AddFilter(null, LogLevel.Warning).AddFilter("Orleans", LogLevel.Error)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical); // a client finding no service is expected
        compose(builder);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return await run(host.Services);
        }
        finally
        {
            await host.StopAsync();
            await ((IAsyncDisposable)host).DisposeAsync();
        }
    }

    private static bool IsNoGateway(Exception error) => error is SiloUnavailableException or OrleansException
        || error is System.Net.Sockets.SocketException || (error.InnerException is { } inner && IsNoGateway(inner));

    /// <summary>Settings on the command line: --Section:Key=value, --Section:Key value, or --name=value.</summary>
    private static class Configuration
    {
        /// <summary>The first token that is no setting (an unknown command or option); null when all are settings.</summary>
        public static string? Unknown(IReadOnlyList<string> tokens)
        {
            for (var i = 0; i < tokens.Count; i++)
            {
                var token = tokens[i];
                if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length < 3) return token;
                if (token.Contains('=')) continue;
                if (!token.Contains(':') || ++i >= tokens.Count) return token; // --Section:Key needs its value next
            }
            return null;
        }
    }
}
