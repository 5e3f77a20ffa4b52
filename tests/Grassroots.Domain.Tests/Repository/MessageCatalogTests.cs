using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Grassroots.Domain.Tests.Repository;

/// <summary>
/// The message catalog (src/Grassroots.Domain/Messages) says everything the service says in both its languages: every
/// key the code names (<see cref="MessageKeys"/>) has an English text and a Chinese one, Chinese has no key English
/// lacks, no text is left without a key naming it, and a Chinese text uses only the arguments its English one is given.
/// </summary>
public sealed partial class MessageCatalogTests
{
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh");

    private static readonly string[] Keys =
        [.. typeof(MessageKeys).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];

    private static Dictionary<string, string> Texts(CultureInfo culture) =>
        Message.Catalog.GetResourceSet(culture, createIfNotExists: true, tryParents: false)!.Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string)e.Value!);

    [Fact]
    public void EveryKeyHasEnglishAndChineseAndNeitherLanguageHasAKeyTheCodeDoesNotName()
    {
        var english = Texts(CultureInfo.InvariantCulture);
        var chinese = Texts(Chinese);

        Assert.True(Keys.Length > 100, $"only {Keys.Length} keys found in MessageKeys");
        Assert.DoesNotContain(Keys, k => !english.ContainsKey(k));
        Assert.DoesNotContain(Keys, k => !chinese.ContainsKey(k));
        Assert.Empty(chinese.Keys.Except(english.Keys));
        Assert.Empty(english.Keys.Except(Keys));
        Assert.All(english.Concat(chinese), e => Assert.False(string.IsNullOrWhiteSpace(e.Value), $"{e.Key} is blank"));
    }

    [Fact]
    public void ChineseUsesOnlyTheArgumentsEnglishIsGivenAndBothAreValidFormats()
    {
        var english = Texts(CultureInfo.InvariantCulture);
        var chinese = Texts(Chinese);
        foreach (var key in Keys)
        {
            var holes = Holes(english[key]);
            Assert.Empty(Holes(chinese[key]).Except(holes));
            // Formatting with as many arguments as English takes must not throw in either language.
            var args = Enumerable.Range(0, holes.Count == 0 ? 0 : holes.Max() + 1).Select(i => (object)i).ToArray();
            Assert.NotNull(new Message(key, args).In(CultureInfo.InvariantCulture));
            Assert.NotNull(new Message(key, args).In(Chinese));
        }
    }

    [Fact]
    public void EveryKeyIsUsedByTheCodeAndEveryMessageIsMadeFromAKey()
    {
        var src = Path.Combine(DocumentPathsTests.RepositoryRoot(), "src");
        var code = string.Join("\n", Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && Path.GetFileName(f) != "MessageKeys.cs")
            .Select(File.ReadAllText));

        Assert.DoesNotContain(Keys, k => !code.Contains($"MessageKeys.{k}", StringComparison.Ordinal));
        // A message names its key by its constant, never by a string the catalog might not hold.
        Assert.Empty(LiteralKey().Matches(code).Select(m => m.Value));
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("zh")]
    [InlineData("zh-Hans")]
    public void ChineseRequestsFindTheChineseCatalog(string culture)
    {
        var day = new DateOnly(2020, 12, 4);
        var message = new Message(MessageKeys.OutsideCampaign, day.Iso(), "2020-06-01", new Message(MessageKeys.OpenEnd));

        Assert.Equal("2020-12-04 不在活动期间（2020-06-01 至 未定）。", message.In(CultureInfo.GetCultureInfo(culture)));
        Assert.Equal("2020-12-04 is outside the campaign (2020-06-01 to open).", message.In(CultureInfo.GetCultureInfo("en-US")));
        Assert.Equal(message.English, message.In(CultureInfo.InvariantCulture));
    }

    private static HashSet<int> Holes(string text) => [.. Hole().Matches(text).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"(?<!\{)\{(\d+)(?:[,:][^}]*)?\}")]
    private static partial Regex Hole();

    [GeneratedRegex(@"new Message\(\s*""")]
    private static partial Regex LiteralKey();
}
