namespace Grassroots.Runtime.Tests.Grains;

/// <summary>Methods of every shape a grain interface may have: plain Task, Task of value and reference types, many arguments, nulls.</summary>
public interface IEchoGrain : IGrainWithStringKey
{
    Task<string> DescribeAsync(string? text, int number, double ratio, Guid id, DateTimeOffset when, int? optional);
    Task RememberAsync(string? value);
    Task<string?> RecallAsync();
    Task<int> AddAsync(int a, int b);
    Task<EchoMessage> EchoAsync(EchoMessage message);

    /// <summary>Calls another echo grain through the grain factory.</summary>
    Task<int> AddThroughAsync(string otherKey, int a, int b);
}

public sealed record EchoMessage(string Text, IReadOnlyList<int> Numbers);

public sealed class EchoGrain : Grain, IEchoGrain
{
    private string? _remembered = "nothing yet";

    public Task<string> DescribeAsync(string? text, int number, double ratio, Guid id, DateTimeOffset when, int? optional) =>
        Task.FromResult(string.Join('|', text ?? "<null>", number, ratio.ToString(System.Globalization.CultureInfo.InvariantCulture),
            id, when.ToUnixTimeSeconds(), optional?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<null>"));

    public async Task RememberAsync(string? value)
    {
        await Task.Yield();
        _remembered = value;
    }

    public Task<string?> RecallAsync() => Task.FromResult(_remembered);

    public Task<int> AddAsync(int a, int b) => Task.FromResult(a + b);

    public Task<EchoMessage> EchoAsync(EchoMessage message) => Task.FromResult(message with { Text = $"{GrainKey}: {message.Text}" });

    public Task<int> AddThroughAsync(string otherKey, int a, int b) => GrainFactory.Get<IEchoGrain>(otherKey).AddAsync(a, b);
}
