using System.Buffers;
using System.Globalization;
using System.Text;
using Grassroots.Domain;

namespace Grassroots.Silo.Apis;

/// <summary>
/// What any text the service stores may hold, on every database: no control characters (a multi-line field may
/// hold tab, line feed and carriage return), no Unicode noncharacters, no bidirectional embedding, override or
/// isolate controls (they make a title read differently from what is stored), no unpaired surrogates. PostgreSQL
/// refuses NUL outright; the others would be stored and shown to every reader. Lengths count characters (code
/// points), as JSON Schema's maxLength does. <see cref="Pattern"/> states the same rule for the OpenAPI document.
/// </summary>
public static class TextPolicy
{
    /// <summary>Forbidden in every text field, as inclusive code point ranges (outside the surrogate block).</summary>
    private static readonly (int First, int Last, string What)[] Forbidden =
    [
        (0x0000, 0x001F, MessageKeys.CharacterControl),
        (0x007F, 0x009F, MessageKeys.CharacterControl),
        (0x202A, 0x202E, MessageKeys.CharacterBidirectional),
        (0x2066, 0x2069, MessageKeys.CharacterIsolate),
        (0xFDD0, 0xFDEF, MessageKeys.CharacterNoncharacter),
        (0xFFFE, 0xFFFF, MessageKeys.CharacterNoncharacter),
    ];

    /// <summary>What a multi-line field (notes, descriptions) allows of the control characters.</summary>
    private static readonly int[] LineBreaksAndTab = ['\t', '\n', '\r'];

    /// <summary>Characters, as JSON Schema counts them: a surrogate pair is one.</summary>
    public static int Length(string value)
    {
        var length = value.Length;
        for (var i = 0; i + 1 < value.Length; i++)
            if (char.IsSurrogatePair(value[i], value[i + 1])) { length--; i++; }
        return length;
    }

    /// <summary>
    /// Every UTF-16 unit that may begin something forbidden: the forbidden ranges, and surrogates (unpaired, or a pair
    /// that is a noncharacter). Text without any — nearly all text — is allowed after one vectorized search.
    /// </summary>
    private static readonly SearchValues<char> Suspect = SearchValues.Create(
        [.. Forbidden.SelectMany(f => Enumerable.Range(f.First, f.Last - f.First + 1)).Concat(Enumerable.Range(0xD800, 0x800)).Select(c => (char)c)]);

    /// <summary>Why <paramref name="value"/> may not be stored, naming the first offending character; null when it may.</summary>
    public static Message? Problem(string value, bool multiLine)
    {
        if (!value.AsSpan().ContainsAny(Suspect)) return null;
        var position = 0;
        for (var i = 0; i < value.Length; i++, position++)
        {
            int code = value[i];
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                code = char.ConvertToUtf32(value[i], value[++i]);
            else if (char.IsSurrogate(value[i]))
                return Describe(code, MessageKeys.CharacterUnpairedSurrogate, position);
            if (multiLine && LineBreaksAndTab.Contains(code)) continue;
            if (code > 0xFFFF && (code & 0xFFFE) == 0xFFFE) return Describe(code, MessageKeys.CharacterNoncharacter, position);
            foreach (var (first, last, what) in Forbidden)
                if (code >= first && code <= last)
                    return Describe(code, code is '\n' or '\r' or '\t' ? MessageKeys.CharacterLineBreak : what, position);
        }
        return null;
    }

    /// <summary>
    /// The same rule as an ECMA-262 regular expression (JSON Schema's dialect; '$' is the end of the input): every
    /// character outside the forbidden ranges, or a surrogate pair that is not a supplementary-plane noncharacter.
    /// </summary>
    public static string Pattern(bool multiLine)
    {
        var forbidden = new StringBuilder();
        foreach (var (first, last, _) in Forbidden)
        {
            if (first == 0 && multiLine)
            {
                // Keep tab (09), line feed (0A) and carriage return (0D).
                forbidden.Append(Range(0x00, 0x08)).Append(Range(0x0B, 0x0C)).Append(Range(0x0E, 0x1F));
                continue;
            }
            forbidden.Append(Range(first, last));
        }
        // The high surrogates of U+1FFFE/U+1FFFF … U+10FFFE/U+10FFFF: D83F, D87F, … DBFF.
        var nonCharacterHighs = string.Concat(Enumerable.Range(0, 16).Select(plane => Escape(0xD83F + plane * 0x40)));
        return $"^(?:[^{forbidden}{Range(0xD800, 0xDFFF)}]|(?![{nonCharacterHighs}][{Escape(0xDFFE)}{Escape(0xDFFF)}])"
            + $"[{Range(0xD800, 0xDBFF)}][{Range(0xDC00, 0xDFFF)}])*$";
    }

    /// <summary>For the OpenAPI document: the rule in words.</summary>
    public static string Description(bool multiLine) => multiLine
        ? "Text without control characters other than tab and line breaks, Unicode noncharacters or bidirectional controls."
        : "One line of text: no control characters (tab and line breaks included), Unicode noncharacters or bidirectional controls.";

    /// <param name="what">The key of what kind of character it is.</param>
    private static Message Describe(int code, string what, int position) =>
        new(MessageKeys.ForbiddenCharacter, code.ToString("X4", CultureInfo.InvariantCulture), new Message(what), position + 1);

    private static string Range(int first, int last) => first == last ? Escape(first) : $"{Escape(first)}-{Escape(last)}";

    private static string Escape(int code) => string.Create(CultureInfo.InvariantCulture, $"\\u{code:X4}");
}
