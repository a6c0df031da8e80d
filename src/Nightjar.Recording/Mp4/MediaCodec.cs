using System.Globalization;
using System.Text;

namespace Nightjar.Recording.Mp4;

/// <summary>
/// What a track holds, read from its sample entry: a name for people ("H.264 High"), the codec string a browser's
/// Media Source Extensions asks for ("avc1.64001f"), and whether this recorder keeps it.
/// </summary>
public sealed record MediaCodec(string SampleEntry, string Name, string? BrowserCodec)
{
    /// <summary>H.264 and H.265 video are recorded as they come; any other video is refused.</summary>
    public bool IsRecordableVideo => SampleEntry is "avc1" or "avc3" or "hvc1" or "hev1";

    public bool IsHevc => SampleEntry is "hvc1" or "hev1";

    public static MediaCodec Describe(string sampleEntry, ReadOnlySpan<byte> config, uint configType, byte objectType) =>
        sampleEntry switch
        {
            "avc1" or "avc3" when configType == Box.AvcC && config.Length >= 4 => Avc(sampleEntry, config),
            "avc1" or "avc3" => new(sampleEntry, "H.264", null),
            "hvc1" or "hev1" when configType == Box.HvcC && config.Length >= 13 => Hevc(sampleEntry, config),
            "hvc1" or "hev1" => new(sampleEntry, "H.265", null),
            "mp4v" => new(sampleEntry, objectType switch
            {
                0x6C => "Motion JPEG",
                0x6A => "MPEG-1 video",
                >= 0x60 and <= 0x65 => "MPEG-2 video",
                _ => "MPEG-4 Part 2 video",
            }, null),
            "mp4a" => objectType switch
            {
                0x40 or 0x66 or 0x67 or 0x68 => new(sampleEntry, "AAC", "mp4a.40.2"),
                0x69 or 0x6B => new(sampleEntry, "MP3", "mp4a.6B"),
                _ => new(sampleEntry, "MPEG-4 audio", null),
            },
            "Opus" => new(sampleEntry, "Opus", "opus"),
            "ac-3" => new(sampleEntry, "AC-3", "ac-3"),
            "jpeg" or "mjpa" => new(sampleEntry, "Motion JPEG", null),
            _ => new(sampleEntry, sampleEntry, null),
        };

    private static MediaCodec Avc(string entry, ReadOnlySpan<byte> avcC)
    {
        byte profile = avcC[1], compatibility = avcC[2], level = avcC[3];
        var name = profile switch
        {
            66 => (compatibility & 0x40) != 0 ? "H.264 Constrained Baseline" : "H.264 Baseline",
            77 => "H.264 Main",
            88 => "H.264 Extended",
            100 => "H.264 High",
            110 => "H.264 High 10",
            122 => "H.264 High 4:2:2",
            244 => "H.264 High 4:4:4",
            _ => "H.264",
        };
        return new(entry, name, string.Create(CultureInfo.InvariantCulture, $"{entry}.{profile:x2}{compatibility:x2}{level:x2}"));
    }

    /// <summary>The RFC 6381 / ISO 14496-15 Annex E string, e.g. <c>hvc1.1.6.L93.B0</c>.</summary>
    private static MediaCodec Hevc(string entry, ReadOnlySpan<byte> hvcC)
    {
        var profileSpace = hvcC[1] >> 6;
        var tier = (hvcC[1] & 0x20) != 0 ? 'H' : 'L';
        var profile = hvcC[1] & 0x1F;
        var compatibility = (uint)((hvcC[2] << 24) | (hvcC[3] << 16) | (hvcC[4] << 8) | hvcC[5]);
        uint reversed = 0;
        for (var i = 0; i < 32; i++)
        {
            reversed |= ((compatibility >> i) & 1) << (31 - i);
        }

        var level = hvcC[12];
        var text = new StringBuilder(entry).Append('.');
        if (profileSpace > 0)
        {
            text.Append((char)('A' + profileSpace - 1));
        }

        text.Append(profile.ToString(CultureInfo.InvariantCulture)).Append('.')
            .Append(reversed.ToString("X", CultureInfo.InvariantCulture)).Append('.')
            .Append(tier).Append(level.ToString(CultureInfo.InvariantCulture));
        var constraints = hvcC[6..12];
        var last = constraints.Length - 1;
        while (last >= 0 && constraints[last] == 0)
        {
            last--;
        }

        for (var i = 0; i <= last; i++)
        {
            text.Append('.').Append(constraints[i].ToString("X", CultureInfo.InvariantCulture));
        }

        var name = profile switch
        {
            1 => "H.265 Main",
            2 => "H.265 Main 10",
            3 => "H.265 Main Still Picture",
            _ => "H.265",
        };
        return new(entry, name, text.ToString());
    }
}
