using Grassroots.Silo.Commands;
using Grassroots.Silo.Hosting;

if (CommandLine.IsCommand(args)) return await CommandLine.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddGrassroots();
var app = builder.Build();
app.MapGrassroots();
await app.RunAsync();
return 0;

public partial class Program;
