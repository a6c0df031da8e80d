using System.Text;

namespace Nightjar.Recording.Motion;

/// <summary>
/// Which parts of the picture are analysed: a grid of <see cref="Columns"/> × <see cref="Rows"/> cells over the
/// camera's picture, whatever its shape. A cell that is off is never analysed, so nothing moving there makes an event.
/// Written as 12 rows of 16 <c>0</c>/<c>1</c>, rows separated by commas (<c>Nightjar:Cameras:N:Motion:Area</c>).
/// </summary>
public sealed class MotionArea : IEquatable<MotionArea>
{
    public const int Columns = 16;
    public const int Rows = 12;
    public const int CellCount = Columns * Rows;

    private readonly bool[] cells;

    private MotionArea(bool[] cells) => this.cells = cells;

    /// <summary>Every cell analysed: the default.</summary>
    public static MotionArea All { get; } = new(Enumerable.Repeat(true, CellCount).ToArray());

    public bool IsOn(int column, int row) => cells[(row * Columns) + column];

    public bool IsOn(int cell) => cells[cell];

    public int CountOn => cells.Count(c => c);

    /// <summary>The same area with one cell switched.</summary>
    public MotionArea With(int column, int row, bool on)
    {
        if ((uint)column >= Columns || (uint)row >= Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(column), "The cell is outside the grid.");
        }

        var copy = (bool[])cells.Clone();
        copy[(row * Columns) + column] = on;
        return new MotionArea(copy);
    }

    /// <summary>
    /// Reads 12 rows of 16 <c>0</c>/<c>1</c>. Rows may be separated by commas, semicolons, slashes or white space, or
    /// not at all. False, with a message for people, for anything else.
    /// </summary>
    public static bool TryParse(string? text, out MotionArea area, out string? error)
    {
        area = All;
        error = null;
        if (text is null || text.Length > 4 * CellCount)
        {
            error = $"Give the motion area as {Rows} rows of {Columns} 0s and 1s.";
            return false;
        }

        var bits = new List<bool>(CellCount);
        foreach (var c in text)
        {
            switch (c)
            {
                case '0':
                    bits.Add(false);
                    break;
                case '1':
                    bits.Add(true);
                    break;
                case ',' or ';' or '/' or ' ' or '\t' or '\r' or '\n':
                    break;
                default:
                    error = $"The motion area takes only 0, 1 and commas between its {Rows} rows.";
                    return false;
            }
        }

        if (bits.Count != CellCount)
        {
            error = $"The motion area has {Rows} rows of {Columns} cells ({CellCount} 0s and 1s); this one has {bits.Count}.";
            return false;
        }

        area = new MotionArea([.. bits]);
        return true;
    }

    public override string ToString()
    {
        var text = new StringBuilder(CellCount + Rows);
        for (var row = 0; row < Rows; row++)
        {
            if (row > 0)
            {
                text.Append(',');
            }

            for (var column = 0; column < Columns; column++)
            {
                text.Append(IsOn(column, row) ? '1' : '0');
            }
        }

        return text.ToString();
    }

    public bool Equals(MotionArea? other) => other is not null && cells.AsSpan().SequenceEqual(other.cells);

    public override bool Equals(object? obj) => Equals(obj as MotionArea);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
