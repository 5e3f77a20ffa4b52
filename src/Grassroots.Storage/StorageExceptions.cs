namespace Grassroots.Storage;

/// <summary>The database could not be reached or failed mid-batch; the write may be retried.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The database refused this unit's data (a constraint); its batch-mates were committed.</summary>
public sealed class WriteRejectedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A versioned row was not at the version the writer expected: someone else changed it first.</summary>
public sealed class VersionConflictException(string message) : Exception(message);

/// <summary>
/// This process no longer holds the writer shard at the epoch it took it with (the lease's connection broke, and another
/// process may hold the shard now): the batch was not committed.
/// </summary>
public sealed class ShardLostException(string shard, long epoch)
    : Exception($"Writer shard '{shard}' is no longer held at epoch {epoch}; nothing in this batch was stored.");
