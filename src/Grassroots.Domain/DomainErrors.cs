using Grassroots.Storage;

namespace Grassroots.Domain;

// The errors grains raise to their callers. They cross grain calls (and silos), so each is serializable; storage's
// own exceptions are translated into them where grains await the database (see DomainErrors.Translate). What a client
// is told is the error's Reason, a message key and its arguments put into words in the request's language where it is
// answered; the exception's own Message is that reason in English, for logs.

/// <summary>An error whose <see cref="Reason"/> is told to the client.</summary>
[GenerateSerializer]
public abstract class DomainException(Message reason) : Exception(reason.English)
{
    [Id(0)]
    public Message Reason { get; } = reason;
}

/// <summary>Input that names something that does not exist or breaks a rule; <see cref="Field"/> is the JSON path. → 400</summary>
[GenerateSerializer, Alias("field-validation-error")]
public sealed class FieldValidationException(string field, Message reason) : DomainException(reason)
{
    [Id(0)]
    public string Field { get; } = field;
}

/// <summary>The addressed entity does not exist. → 404</summary>
[GenerateSerializer, Alias("not-found-error")]
public sealed class NotFoundException(Message reason) : DomainException(reason);

/// <summary>The entity is in a state that does not allow the change (e.g. writing to a voided record). → 409</summary>
[GenerateSerializer, Alias("state-conflict-error")]
public sealed class StateConflictException(Message reason) : DomainException(reason);

/// <summary>
/// Someone else changed what this write was based on (a versioned row moved on). Grains retry these themselves after
/// reloading; one that still escapes after the retries is answered 409.
/// </summary>
[GenerateSerializer, Alias("write-conflict-error")]
public sealed class WriteConflictException(Message reason) : DomainException(reason);

/// <summary>
/// The database is unreachable or failed mid-write; nothing of this write was acknowledged. → 503 with Retry-After. The
/// client is told only that (ApiProblems); the message says for the log what failed.
/// </summary>
[GenerateSerializer, Alias("unavailable-error")]
public sealed class ServiceUnavailableException(string message) : Exception(message);

/// <summary>The database refused this write's data although it passed validation. → 400</summary>
[GenerateSerializer, Alias("write-refused-error")]
public sealed class WriteRefusedException(Message reason) : DomainException(reason);

public static class DomainErrors
{
    /// <summary>Storage's exception as the domain error a grain caller understands; other exceptions unchanged.</summary>
    public static Exception Translate(Exception error) => error switch
    {
        VersionConflictException e => new WriteConflictException(new Message(MessageKeys.WriteConflict, e.Message)),
        StorageUnavailableException e => new ServiceUnavailableException(e.Message),
        // The database's own words, in the frame the catalog gives them.
        WriteRejectedException e => new WriteRefusedException(new Message(MessageKeys.WriteRefused, e.InnerException?.Message ?? e.Message)),
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
