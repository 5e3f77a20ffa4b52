using Grassroots.Storage;

namespace Grassroots.Domain;

// The errors grains raise to their callers. They cross grain calls (and silos), so each is serializable; storage's
// own exceptions are translated into them where grains await the database (see DomainErrors.Translate).

/// <summary>Input that names something that does not exist or breaks a rule; <see cref="Field"/> is the JSON path. → 400</summary>
[GenerateSerializer, Alias("field-validation-error")]
public sealed class FieldValidationException(string field, string message) : Exception(message)
{
    [Id(0)]
    public string Field { get; } = field;
}

/// <summary>The addressed entity does not exist. → 404</summary>
[GenerateSerializer, Alias("not-found-error")]
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>The entity is in a state that does not allow the change (e.g. writing to a voided record). → 409</summary>
[GenerateSerializer, Alias("state-conflict-error")]
public sealed class StateConflictException(string message) : Exception(message);

/// <summary>
/// Someone else changed what this write was based on (a versioned row moved on). Grains retry these themselves after
/// reloading; one that still escapes after the retries is answered 409.
/// </summary>
[GenerateSerializer, Alias("write-conflict-error")]
public sealed class WriteConflictException(string message) : Exception(message);

/// <summary>The database is unreachable or failed mid-write; nothing of this write was acknowledged. → 503 with Retry-After</summary>
[GenerateSerializer, Alias("unavailable-error")]
public sealed class ServiceUnavailableException(string message) : Exception(message);

/// <summary>The database refused this write's data although it passed validation. → 400</summary>
[GenerateSerializer, Alias("write-refused-error")]
public sealed class WriteRefusedException(string message) : Exception(message);

public static class DomainErrors
{
    /// <summary>Storage's exception as the domain error a grain caller understands; other exceptions unchanged.</summary>
    public static Exception Translate(Exception error) => error switch
    {
        VersionConflictException e => new WriteConflictException(e.Message),
        StorageUnavailableException e => new ServiceUnavailableException(e.Message),
        WriteRejectedException e => new WriteRefusedException(e.Message),
        _ when StorageFailures.IsUnavailable(error) => new ServiceUnavailableException($"The database is unavailable. ({error.Message})"),
        _ => error,
    };

    /// <summary>Awaits a storage operation, rethrowing its errors as domain errors.</summary>
    public static async Task Translated(this Task work)
    {
        try
        {
            await work;
        }
        catch (Exception error) when (Translate(error) is var translated && !ReferenceEquals(translated, error))
        {
            throw translated;
        }
    }

    /// <summary>Awaits a storage operation, rethrowing its errors as domain errors.</summary>
    public static async Task<T> Translated<T>(this Task<T> work)
    {
        try
        {
            return await work;
        }
        catch (Exception error) when (Translate(error) is var translated && !ReferenceEquals(translated, error))
        {
            throw translated;
        }
    }
}
