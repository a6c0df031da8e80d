namespace Nightjar.TestSupport;

/// <summary>
/// Reads the wall time the fake camera drew into a picture (<c>scripts/fake-camera --time-code</c>): two rows of 20
/// squares of 16×16 pixels in the top-left corner, white for 1, the 40 bits of Unix time in hundredths of a second.
/// </summary>
public static class TimeCode
{
    public const int Bits = 40;
    public const int Columns = 20;
    public const int Square = 16;

    /// <summary>The JavaScript that reads it from a video element on the page (an argument), into a canvas: Unix milliseconds.</summary>
    public const string ReadFromVideoScript = """
        (video) => {
          const canvas = document.createElement("canvas");
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          const context = canvas.getContext("2d", { willReadFrequently: true });
          context.drawImage(video, 0, 0);
          let value = 0;
          for (let bit = 0; bit < 40; bit++) {
            const x = (bit % 20) * 16 + 8, y = Math.floor(bit / 20) * 16 + 8;
            const [r, g, b] = context.getImageData(x, y, 1, 1).data;
            value = value * 2 + ((r + g + b) / 3 > 128 ? 1 : 0);
          }
          return value * 10;
        }
        """;

    /// <summary>The time in a grey-scale picture (one byte per pixel, <paramref name="width"/> wide), as ffmpeg's <c>-pix_fmt gray</c> gives.</summary>
    public static DateTimeOffset Read(ReadOnlySpan<byte> gray, int width)
    {
        long value = 0;
        for (var bit = 0; bit < Bits; bit++)
        {
            var x = (bit % Columns * Square) + (Square / 2);
            var y = (bit / Columns * Square) + (Square / 2);
            value = (value * 2) + (gray[(y * width) + x] > 128 ? 1 : 0);
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(value * 10);
    }
}
