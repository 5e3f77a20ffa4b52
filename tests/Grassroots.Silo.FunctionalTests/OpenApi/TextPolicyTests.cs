using System.Text.RegularExpressions;
using CsCheck;
using Grassroots.Silo.Apis;

namespace Grassroots.Silo.FunctionalTests.OpenApi;

/// <summary>The text policy and the pattern the OpenAPI document gives for it agree on every string.</summary>
public sealed class TextPolicyTests
{
    /// <summary>Characters from every class the policy cares about, and ordinary ones (Chinese, Latin, supplementary CJK).</summary>
    private static readonly Gen<string> Text = Gen.OneOf(
            Gen.Char['\u0000', '\u00A0'], Gen.Char['\u2000', '\u206F'], Gen.Char['\uFDC0', '\uFDF0'], Gen.Char['\uFFF0', '\uFFFF'],
            Gen.Char['\uD800', '\uDFFF'], Gen.Char['\u4E00', '\u9FFF'], Gen.Char['a', 'z'],
            Gen.Int[1, 16].Select(plane => (char)(0xD83F + (plane - 1) * 0x40)), Gen.Int[0, 4].Select(i => "\uDFFE\uDFFF\t\n\r"[i]))
        .Array[0, 12].Select(chars => new string(chars));

    [Fact]
    public void ThePatternAcceptsExactlyWhatThePolicyAccepts()
    {
        foreach (var multiLine in new[] { false, true })
        {
            // JSON Schema patterns are ECMA-262, where '$' is the end of the input; .NET's '$' also matches before a final '\n'.
            var pattern = new Regex(TextPolicy.Pattern(multiLine)[..^1] + @"\z", RegexOptions.CultureInvariant);
            Text.Sample(s => Assert.True(pattern.IsMatch(s) == (TextPolicy.Problem(s, multiLine) is null),
                $"multiLine={multiLine}: {Escape(s)} pattern={pattern.IsMatch(s)} policy={TextPolicy.Problem(s, multiLine)}"), iter: 20_000);
        }
    }

    [Theory]
    [InlineData("学习劳模精神", false, true)]
    [InlineData("𠮷野家 emoji 🎉", false, true)]
    [InlineData("a\u0000b", true, false)]
    [InlineData("a\nb", false, false)]
    [InlineData("a\nb\tc\r\n", true, true)]
    [InlineData("a\u202Eb", true, false)]
    [InlineData("a\uFFFFb", true, false)]
    [InlineData("a\U0010FFFFb", true, false)]
    [InlineData("a\u200Fb", false, true)] // a right-to-left mark is not an override: Uyghur and Arabic text use it
    public void ThePolicyRefusesControlsNoncharactersAndBidiOverrides(string text, bool multiLine, bool allowed) =>
        Assert.Equal(allowed, TextPolicy.Problem(text, multiLine) is null);

    [Fact]
    public void LengthsCountCharactersNotUtf16Units() => Assert.Equal(3, TextPolicy.Length("𠮷a🎉"));

    [Fact]
    public void IdsAreMatchedToTheVeryEnd()
    {
        var id = new Grassroots.Silo.Apis.IdAttribute();
        Assert.True(id.IsValid("a.b_c:d-9"));
        Assert.False(id.IsValid("x\n"));
        Assert.False(id.IsValid(new string('a', 65)));
        Assert.False(id.IsValid(""));
        Assert.Matches(new Regex(Grassroots.Silo.Apis.IdAttribute.Pattern[..^1] + @"\z"), "x");
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}"));
}
