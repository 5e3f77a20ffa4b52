using Grassroots.Storage;
using Microsoft.Extensions.Options;

namespace Grassroots.Silo.Security;

/// <summary>
/// Makes the embedded default usable at once without opening it: on the first start over an empty SQLite key
/// table, creates an hq key, prints it once and saves it to Storage:DataDirectory/hq-key.txt, readable by its owner
/// only. PostgreSQL deployments are provisioned on purpose instead (`keys create`), so nothing is created there.
/// Also where the open development mode announces itself.
/// </summary>
public sealed class FirstStartHqKey(ApiKeyStore keys, IOptions<StorageOptions> storage, IOptions<SecurityOptions> security,
    ILogger<FirstStartHqKey> logger) : IHostedService
{
    public const string Actor = "first-start";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (security.Value.OpenDevelopmentMode)
            logger.LogWarning("SECURITY: OPEN DEVELOPMENT MODE IS ON. Requests without an API key act as hq and may change anything. " +
                "Never run like this where anyone else can reach the service; switch it off with Security:OpenDevelopmentMode=false.");
        if (storage.Value.Provider != StorageProvider.Sqlite || await keys.AnyAsync(cancellationToken)) return;

        var issued = await keys.CreateAsync(Roles.Hq, "CN", "created on first start", Actor);
        var path = Path.GetFullPath(Path.Combine(storage.Value.DataDirectory, SecurityOptions.FirstKeyFile));
        string saved;
        try
        {
            WriteOwnerOnly(path, issued.Key);
            saved = $"It is saved, readable by this user only, in\n  {path}";
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            logger.LogError(error, "Could not save the first hq key to {Path}", path);
            saved = "It could NOT be saved to a file: copy it now.";
        }
        // Printed rather than logged: logs are shipped and kept, and the key must not end up there.
        var rule = new string('=', 78);
        Console.Out.WriteLine($"""

            {rule}
            First start: an hq API key (all rights, all of China) was created. It is shown this once.
              {issued.Key}
            {saved}
            Send it as:  Authorization: Bearer <key>
            Issue narrower keys with POST /api/keys or `keys create`; revoke this one when it is no longer needed.
            {rule}

            """);
        logger.LogInformation("Created the first hq API key {KeyId} and printed it to the console", issued.Record.KeyId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Created with mode 0600 from the start, so there is no moment at which others could read it.</summary>
    private static void WriteOwnerOnly(string path, string key)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path); // a file left from an earlier database holds a key that no longer exists
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.WriteLine(key);
    }
}
