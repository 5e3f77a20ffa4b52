using Grassroots.Silo.Commands;
using Grassroots.Silo.Hosting;

// Without a command: serve. With one (reconcile, keys, import) or --help: run it and exit (Commands/CommandLine.cs).
return await CommandLine.RunAsync(args, serve: ServeAsync);

static async Task<int> ServeAsync(string[] args)
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddGrassroots();
    var app = builder.Build();
    app.MapGrassroots();
    return await app.RunUntilStoppedAsync();
}

public partial class Program;
