using System.Globalization;
using System.Text;

namespace Nightjar.Recorder.Security;

/// <summary>
/// What may be in text a person types into a field. A browser can send strings that are not valid Unicode (half
/// of a surrogate pair), and characters that change how text shows without being seen (bidi overrides, zero-width
/// characters, line separators); names and settings end up on screen and in emails, so both are refused there.
/// </summary>
public static class TypedText
{
    /// <summary>True when every surrogate is half of a pair, so the text can be stored as UTF-8 and normalised.</summary>
    public static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// How long the text is as a person sees it: user-perceived characters (grapheme clusters), so "👍🏽" or an "é"
    /// written as e + accent counts as one, not as its UTF-16 units.
    /// </summary>
    public static int VisibleLength(string text) => new System.Globalization.StringInfo(text).LengthInTextElements;

    /// <summary>Control characters, line and paragraph separators, invisible format characters, or a broken surrogate.</summary>
    public static bool HasHiddenCharacters(string text) =>
        !IsWellFormed(text) || text.EnumerateRunes().Any(r => Rune.IsControl(r) || Rune.GetUnicodeCategory(r)
            is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);
}
