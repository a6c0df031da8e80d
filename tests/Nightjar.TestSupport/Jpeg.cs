namespace Nightjar.TestSupport;

/// <summary>Reads what a test checks of a JPEG: that it is one, and its size (from its start-of-frame marker).</summary>
public static class Jpeg
{
    public static (int Width, int Height) Size(byte[] jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new FormatException("Not a JPEG.");
        }

        var i = 2;
        while (i + 9 < jpeg.Length)
        {
            if (jpeg[i] != 0xFF)
            {
                throw new FormatException($"No JPEG marker at byte {i}.");
            }

            var marker = jpeg[i + 1];
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return ((jpeg[i + 7] << 8) | jpeg[i + 8], (jpeg[i + 5] << 8) | jpeg[i + 6]);
            }

            i += 2 + length;
        }

        throw new FormatException("The JPEG has no start-of-frame marker.");
    }
}
