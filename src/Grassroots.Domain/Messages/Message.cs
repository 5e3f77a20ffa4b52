using System.Globalization;
using System.Resources;

namespace Grassroots.Domain;

/// <summary>
/// Something the service says to a client: a key of the message catalog (Messages/Messages.resx, English, and
/// Messages.zh.resx, Chinese) and the arguments its holes take ({0}, {1}, …). It is made where the problem is found (a
/// field rule, an endpoint, a grain, possibly on another silo: it is serializable) and put into words only where it is
/// said: in the language the request asked for (<see cref="InCurrentCulture"/>, the culture the request localization
/// middleware chose), or in English (<see cref="English"/>) for what is kept or logged rather than answered: an
/// import's conflicts, an exception's own message. An argument is text, a number (written invariantly, as the resource's
/// format says) or a message of its own, said in the same language (the kind of a forbidden character, an open end).
/// </summary>
[GenerateSerializer, Immutable, Alias("message")]
public sealed record Message([property: Id(0)] string Key, [property: Id(1)] params object[] Args)
{
    /// <summary>The catalog. Chinese is the neutral culture zh, so zh-CN, zh-Hans and plain zh all find it.</summary>
    public static readonly ResourceManager Catalog = new("Grassroots.Domain.Messages.Messages", typeof(Message).Assembly);

    /// <summary>The message in <paramref name="culture"/>'s language; English where the catalog has nothing closer.</summary>
    public string In(CultureInfo culture)
    {
        var text = Catalog.GetString(Key, culture) ?? throw new MissingManifestResourceException($"The message catalog has no key '{Key}'.");
        if (Args.Length == 0) return text;
        var args = new object[Args.Length];
        for (var i = 0; i < Args.Length; i++) args[i] = Args[i] is Message inner ? inner.In(culture) : Args[i];
        return string.Format(CultureInfo.InvariantCulture, text, args);
    }

    /// <summary>In the language of the request being answered (the current UI culture).</summary>
    public string InCurrentCulture() => In(CultureInfo.CurrentUICulture);

    /// <summary>In English, the catalog's neutral language: for what is stored or logged rather than answered.</summary>
    public string English => In(CultureInfo.InvariantCulture);

    public override string ToString() => English;
}

/// <summary>Arguments as messages write them, the same in every language.</summary>
public static class MessageArguments
{
    /// <summary>A day as the API writes it: 2020-12-04.</summary>
    public static string Iso(this DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
