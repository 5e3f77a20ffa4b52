using Microsoft.Extensions.Hosting;

namespace Grassroots.Storage;

/// <summary>
/// Stops the group committer when the host stops, after the services started after it (the silo, the HTTP server):
/// what is queued is written and acknowledged before the shard lease and the connections go.
/// </summary>
public sealed class CommitterDrain(GroupCommitter committer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await committer.DisposeAsync().ConfigureAwait(false);
}
