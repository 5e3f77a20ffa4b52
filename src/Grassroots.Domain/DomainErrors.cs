namespace Grassroots.Domain;

/// <summary>Input that names something that does not exist or breaks a rule; <see cref="Field"/> is the JSON path.</summary>
public sealed class FieldValidationException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>The addressed entity does not exist.</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>The entity is in a state that does not allow the change (e.g. writing to a voided record).</summary>
public sealed class StateConflictException(string message) : Exception(message);
