using System.Text.Json;
using Grassroots.Storage;

namespace Grassroots.Domain.Persistence;

/// <summary>Builds the append-only change-log row that goes into every unit that changes a fact.</summary>
public static class ChangeLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RowWrite Entry(DateTimeOffset at, string actor, string entity, string key, string action, object? before, object? after) =>
        new Append(Tables.ChangeLog, [at, actor, entity, key, action,
            before is null ? null : JsonSerializer.Serialize(before, Json),
            after is null ? null : JsonSerializer.Serialize(after, Json)]);
}
