using Grassroots.Storage;
using Xunit;
using Xunit.Sdk;

namespace Grassroots.TestSupport;

/// <summary>A test that needs PostgreSQL: skipped on a developer machine without it, run (and failing loudly) in CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = TestDatabase.PostgresSkipReason;
}

/// <summary>A theory that needs PostgreSQL; see <see cref="PostgresFactAttribute"/>.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute() => Skip = TestDatabase.PostgresSkipReason;
}

/// <summary>
/// Supplies <see cref="StorageProvider.Postgres"/> (and the theory's other arguments, if it has any) to a theory that runs
/// on both databases, next to <c>[InlineData(StorageProvider.Sqlite)]</c>; only this row is skipped when PostgreSQL is not
/// configured, and the skip says why.
/// </summary>
public sealed class PostgresDataAttribute(params object[] more) : DataAttribute
{
    public override string? Skip => TestDatabase.PostgresSkipReason;

    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [[StorageProvider.Postgres, .. more]];
}
