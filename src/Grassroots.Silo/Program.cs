using Grassroots.Silo.Commands;
using Grassroots.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddGrassroots();
if (CommandLine.IsCommand(args)) CommandLine.LogToStandardError(builder);

var app = builder.Build();
if (CommandLine.IsCommand(args)) return await CommandLine.RunAsync(app, args);

app.MapGrassroots();
await app.RunAsync();
return 0;

public partial class Program;
