namespace Nightjar.Recording.Motion;

/// <summary>
/// Finds what moves in a camera's small grey pictures and ignores what only seems to: each picture is compared with
/// the one analysed before it (after Frigate's improved motion detector, written anew for this model):
/// <list type="bullet">
/// <item>Sensor noise: a 3×3 blur and a per-pixel threshold that noise does not reach; where grain still gets through
/// now and then (a dark corner, a flickering patch), a cell's own usual count of changed pixels raises its bar, so that
/// chance alone does not make two cells change together twice running; and what moves is a group of touching cells as
/// large as the sensitivity asks, so a cell of grain far from a passer-by is not added to them.</item>
/// <item>Light switched on, auto-exposure, night mode: the median change of the whole picture is taken off every
/// pixel first; what still changes in more than half of the picture at once is a new scene, learnt, never motion. A
/// step of the median itself is a light switched: for the next second, while the camera's encoder and exposure catch
/// up (parts of the picture brighten over several frames), nothing is reported as motion.</item>
/// <item>Burned-in clock and text: a digit that flips changes between one pair of pictures and is then still, but
/// motion must go on in the same or a neighbouring cell of the 16 × 12 grid in the next picture too.</item>
/// <item>A patch that moves all the time (leaves, rain, a flag, a running counter): each cell keeps how often it
/// changed; a cell that changed in more than 15 % of pictures over the last minute (two seconds while learning the
/// scene after start), or 6 % beside a busy one (the patch's fringe), is busy and ignored until it has been calm for a
/// while. On its own, movement in a cell beside a busy one is the patch reaching a little further now and then: it
/// counts only when it joins movement elsewhere.</item>
/// </list>
/// Cells switched off in the <see cref="MotionArea"/> are never looked at. Not thread-safe: one per camera.
/// </summary>
public sealed class MotionDetector
{
    /// <summary>The picture size the decoder scales every frame to: 16 × 12 cells of 12 × 12 pixels.</summary>
    public const int Width = MotionArea.Columns * CellSize;

    public const int Height = MotionArea.Rows * CellSize;

    /// <summary>Learning the scene at start: no motion is reported before this much camera time has passed.</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(8);

    private const int CellSize = 12;

    /// <summary>A cell with this many changed pixels (of 144) has changed: a few stray pixels are noise.</summary>
    private const int HotPixels = 8;

    /// <summary>More than this share of the analysed cells changed at once: the light, not something moving.</summary>
    private const double SceneChangeShare = 0.5;

    /// <summary>The whole picture brightened or darkened by this many grey levels at once: a light, not movement.</summary>
    private const int LightStep = 10;

    /// <summary>How long after a light's step the picture is left to settle before anything in it counts as motion.</summary>
    private const long SettleUs = 1_000_000;

    /// <summary>A cell has changed when its changed pixels exceed <see cref="HotPixels"/> plus this many times its usual count.</summary>
    private const double NoiseMargin = 2.0;

    private const double BusyAbove = 0.15;
    private const double FringeBusyAbove = 0.06;
    private const double CalmBelow = 0.05;

    /// <summary>Pictures further apart than this are not compared (the stream stalled or skipped).</summary>
    private const long MaxStepUs = 1_500_000;

    private static readonly double LearnFastUs = TimeSpan.FromSeconds(2).TotalMicroseconds;
    private static readonly double LearnSlowUs = TimeSpan.FromSeconds(60).TotalMicroseconds;

    private readonly MotionArea area;
    private readonly int threshold;
    private readonly int minCells;
    private readonly int analysedCells;
    private int[] current = new int[Width * Height];
    private int[] previous = new int[Width * Height];
    private readonly int[] rowSums = new int[Width * Height];
    private readonly int[] histogram = new int[511];
    private readonly int[] changedInCell = new int[MotionArea.CellCount];
    private readonly double[] activity = new double[MotionArea.CellCount];
    private readonly double[] noise = new double[MotionArea.CellCount];
    private readonly bool[] busy = new bool[MotionArea.CellCount];
    private readonly bool[] movingCells = new bool[MotionArea.CellCount];
    private readonly bool[] fringe = new bool[MotionArea.CellCount];
    private readonly int[] toVisit = new int[MotionArea.CellCount]; // each cell is put in at most once
    private readonly bool[] inGroup = new bool[MotionArea.CellCount];
    private bool[] hot = new bool[MotionArea.CellCount];
    private bool[] wasHot = new bool[MotionArea.CellCount];
    private bool hasPrevious;
    private long previousUs;

    /// <summary>The median change of the last comparison (blurred grey levels), taken off every pixel's.</summary>
    private int offset;
    private long? warmUntilUs;
    private long settledAfterUs = long.MinValue;

    public MotionDetector(MotionSettings settings)
    {
        area = settings.Area;
        analysedCells = area.CountOn;
        (threshold, minCells) = settings.Sensitivity switch
        {
            MotionSensitivity.Low => (40, 4),
            MotionSensitivity.High => (15, 1),
            _ => (25, 2),
        };
    }

    /// <summary>Cells now ignored because they move all the time (for tests and the log).</summary>
    public int BusyCells => busy.Count(b => b);

    /// <summary>
    /// Analyses the next picture (<see cref="Width"/> × <see cref="Height"/>, in time order). Pictures more than 1.5 s
    /// apart start a new comparison; the learnt busy cells stay, because the scene does.
    /// </summary>
    public MotionObservation Analyse(GrayFrame frame)
    {
        if (frame.Width != Width || frame.Height != Height || frame.Pixels.Length != Width * Height)
        {
            throw new ArgumentException($"Motion is analysed on {Width}×{Height} grey pictures.", nameof(frame));
        }

        warmUntilUs ??= frame.WallUs + (long)WarmUp.TotalMicroseconds;
        var warming = frame.WallUs < warmUntilUs;
        Blur(frame.Pixels, current);
        var stepUs = frame.WallUs - previousUs;
        var sinceUs = previousUs;
        if (!hasPrevious || stepUs <= 0 || stepUs > MaxStepUs || analysedCells == 0)
        {
            Keep(frame.WallUs, forgetChanges: true);
            return new MotionObservation(frame.WallUs, frame.WallUs, null, 0, false, warming);
        }

        var hotCount = FindHotCells();
        if (hotCount > SceneChangeShare * analysedCells || Math.Abs(offset) >= LightStep * 9)
        {
            // The picture changed as a whole: compare the next one with this, and let nothing count as movement until
            // it has settled.
            settledAfterUs = frame.WallUs + SettleUs;
            Keep(frame.WallUs, forgetChanges: true);
            return new MotionObservation(frame.WallUs, sinceUs, null, 0, true, warming);
        }

        var settling = frame.WallUs < settledAfterUs;
        if (!settling)
        {
            Learn(stepUs, warming); // what the encoder does while it catches up is not how often a cell moves
        }

        var moving = 0;
        var region = warming || settling ? null : MovingRegion(out moving);
        Keep(frame.WallUs, forgetChanges: false);
        return new MotionObservation(frame.WallUs, sinceUs, region, moving, false, warming);
    }

    private void Keep(long wallUs, bool forgetChanges)
    {
        (previous, current) = (current, previous);
        (wasHot, hot) = (hot, wasHot);
        if (forgetChanges)
        {
            Array.Clear(wasHot);
        }

        previousUs = wallUs;
        hasPrevious = true;
    }

    /// <summary>A 3×3 box blur (sums, not averages: the threshold is scaled to match).</summary>
    private void Blur(byte[] pixels, int[] into)
    {
        for (var y = 0; y < Height; y++)
        {
            var row = y * Width;
            for (var x = 0; x < Width; x++)
            {
                var left = pixels[row + Math.Max(x - 1, 0)];
                var right = pixels[row + Math.Min(x + 1, Width - 1)];
                rowSums[row + x] = left + pixels[row + x] + right;
            }
        }

        for (var y = 0; y < Height; y++)
        {
            var up = Math.Max(y - 1, 0) * Width;
            var row = y * Width;
            var down = Math.Min(y + 1, Height - 1) * Width;
            for (var x = 0; x < Width; x++)
            {
                into[row + x] = rowSums[up + x] + rowSums[row + x] + rowSums[down + x];
            }
        }
    }

    /// <summary>Marks the cells where enough pixels changed beyond the picture's median change; returns how many.</summary>
    private int FindHotCells()
    {
        // The median change of the analysed pixels, in grey levels: a light that brightens everything moves it.
        Array.Clear(histogram);
        var counted = 0;
        for (var cell = 0; cell < MotionArea.CellCount; cell++)
        {
            if (!area.IsOn(cell))
            {
                continue;
            }

            var first = FirstPixel(cell);
            for (var y = 0; y < CellSize; y++)
            {
                for (var i = first + (y * Width); i < first + (y * Width) + CellSize; i++)
                {
                    histogram[((current[i] - previous[i]) / 9) + 255]++;
                }
            }

            counted += CellSize * CellSize;
        }

        offset = 0;
        for (int level = 0, seen = 0; level < histogram.Length; level++)
        {
            seen += histogram[level];
            if (seen * 2 >= counted)
            {
                offset = (level - 255) * 9;
                break;
            }
        }

        var limit = threshold * 9;
        var hotCount = 0;
        for (var cell = 0; cell < MotionArea.CellCount; cell++)
        {
            var changed = 0;
            if (area.IsOn(cell))
            {
                var first = FirstPixel(cell);
                for (var y = 0; y < CellSize; y++)
                {
                    for (var i = first + (y * Width); i < first + (y * Width) + CellSize; i++)
                    {
                        if (Math.Abs(current[i] - previous[i] - offset) > limit)
                        {
                            changed++;
                        }
                    }
                }
            }

            changedInCell[cell] = changed;
            // A cell's own noise raises its bar (a flickering patch in the dark, grain in one corner), up to half the cell:
            // something that covers it still counts, and what changes all the time is left to the busy cells.
            hot[cell] = changed >= Math.Min(HotPixels + (noise[cell] * NoiseMargin), CellSize * CellSize / 2);
            hotCount += hot[cell] ? 1 : 0;
        }

        return hotCount;
    }

    /// <summary>How often each cell changes, over about a minute (two seconds while warming up); busy cells are ignored.</summary>
    private void Learn(long stepUs, bool warming)
    {
        var rate = 1 - Math.Exp(-stepUs / (warming ? LearnFastUs : LearnSlowUs));
        for (var cell = 0; cell < MotionArea.CellCount; cell++)
        {
            activity[cell] += ((hot[cell] ? 1 : 0) - activity[cell]) * rate;
            noise[cell] += (changedInCell[cell] - noise[cell]) * rate;
        }

        for (var cell = 0; cell < MotionArea.CellCount; cell++)
        {
            // The fringe of a busy patch (leaves reaching into a cell by a few pixels) changes less often than its
            // middle, but it is the same leaves: beside a busy cell, a cell is busy at a lower rate.
            var busyAbove = NextToBusy(cell) ? FringeBusyAbove : BusyAbove;
            busy[cell] = busy[cell] ? activity[cell] > CalmBelow : activity[cell] > busyAbove;
        }
    }

    private bool NextToBusy(int cell)
    {
        var column = cell % MotionArea.Columns;
        var row = cell / MotionArea.Columns;
        for (var r = Math.Max(row - 1, 0); r <= Math.Min(row + 1, MotionArea.Rows - 1); r++)
        {
            for (var c = Math.Max(column - 1, 0); c <= Math.Min(column + 1, MotionArea.Columns - 1); c++)
            {
                if ((r != row || c != column) && busy[(r * MotionArea.Columns) + c])
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The rectangle around the changed pixels of the cells that moved: changed now, not busy, and changed in the
    /// picture before too, in the same cell or one beside it that is not busy (the fringe of a busy patch flickers). A
    /// cell beside a busy one counts only as part of movement that reaches beyond the busy patch's fringe: on its own
    /// it is the patch's leaves reaching a little further now and then. Only groups of touching cells as large as the
    /// sensitivity needs count. Null when none is left.
    /// </summary>
    private MotionRegion? MovingRegion(out int moving)
    {
        Array.Clear(movingCells);
        Array.Clear(fringe);
        for (var cell = 0; cell < MotionArea.CellCount; cell++)
        {
            if (hot[cell] && !busy[cell] && HotBefore(cell))
            {
                movingCells[cell] = true;
                fringe[cell] = NextToBusy(cell);
            }
        }

        KeepFringeJoinedToTheRest();
        DropGroupsSmallerThan(minCells);

        moving = 0;
        int left = Width, top = Height, right = -1, bottom = -1;
        var limit = threshold * 9;
        for (var cell = 0; cell < MotionArea.CellCount; cell++)
        {
            if (!movingCells[cell])
            {
                continue;
            }

            moving++;
            var first = FirstPixel(cell);
            for (var y = 0; y < CellSize; y++)
            {
                for (var x = 0; x < CellSize; x++)
                {
                    var i = first + (y * Width) + x;
                    if (Math.Abs(current[i] - previous[i] - offset) > limit)
                    {
                        left = Math.Min(left, i % Width);
                        right = Math.Max(right, i % Width);
                        top = Math.Min(top, i / Width);
                        bottom = Math.Max(bottom, i / Width);
                    }
                }
            }
        }

        if (moving < minCells || right < 0)
        {
            moving = 0;
            return null;
        }

        return new MotionRegion((double)left / Width, (double)top / Height, (double)(right - left + 1) / Width, (double)(bottom - top + 1) / Height);
    }

    /// <summary>
    /// Drops the moving fringe cells (beside a busy one) that no chain of moving cells joins to a moving cell away from
    /// busy ones; the rest stay: something that came from elsewhere and walked into the leaves' edge.
    /// </summary>
    private void KeepFringeJoinedToTheRest()
    {
        var count = 0;
        for (var cell = 0; cell < MotionArea.CellCount; cell++)
        {
            if (movingCells[cell] && !fringe[cell])
            {
                toVisit[count++] = cell;
            }
        }

        while (count > 0)
        {
            var cell = toVisit[--count];
            var column = cell % MotionArea.Columns;
            var row = cell / MotionArea.Columns;
            for (var r = Math.Max(row - 1, 0); r <= Math.Min(row + 1, MotionArea.Rows - 1); r++)
            {
                for (var c = Math.Max(column - 1, 0); c <= Math.Min(column + 1, MotionArea.Columns - 1); c++)
                {
                    var near = (r * MotionArea.Columns) + c;
                    if (movingCells[near] && fringe[near])
                    {
                        fringe[near] = false; // joined: it counts
                        toVisit[count++] = near;
                    }
                }
            }
        }

        for (var cell = 0; cell < MotionArea.CellCount; cell++)
        {
            movingCells[cell] &= !fringe[cell];
        }
    }

    /// <summary>
    /// Drops the groups of touching moving cells that are too small to be motion on their own: a thing that moves is one
    /// group of cells, and a cell of grain or a flicker far from it, changing twice running by chance while someone walks
    /// by, is neither part of the walk nor a second thing.
    /// </summary>
    private void DropGroupsSmallerThan(int cells)
    {
        Array.Clear(inGroup);
        for (var seed = 0; seed < MotionArea.CellCount; seed++)
        {
            if (!movingCells[seed] || inGroup[seed])
            {
                continue;
            }

            // Flood the group from this cell; toVisit then holds its cells from 0 to size.
            var size = 0;
            var visited = 0;
            toVisit[size++] = seed;
            inGroup[seed] = true;
            while (visited < size)
            {
                var cell = toVisit[visited++];
                var column = cell % MotionArea.Columns;
                var row = cell / MotionArea.Columns;
                for (var r = Math.Max(row - 1, 0); r <= Math.Min(row + 1, MotionArea.Rows - 1); r++)
                {
                    for (var c = Math.Max(column - 1, 0); c <= Math.Min(column + 1, MotionArea.Columns - 1); c++)
                    {
                        var near = (r * MotionArea.Columns) + c;
                        if (movingCells[near] && !inGroup[near])
                        {
                            inGroup[near] = true;
                            toVisit[size++] = near;
                        }
                    }
                }
            }

            if (size < cells)
            {
                for (var i = 0; i < size; i++)
                {
                    movingCells[toVisit[i]] = false;
                }
            }
        }
    }

    private bool HotBefore(int cell)
    {
        var column = cell % MotionArea.Columns;
        var row = cell / MotionArea.Columns;
        for (var r = Math.Max(row - 1, 0); r <= Math.Min(row + 1, MotionArea.Rows - 1); r++)
        {
            for (var c = Math.Max(column - 1, 0); c <= Math.Min(column + 1, MotionArea.Columns - 1); c++)
            {
                var near = (r * MotionArea.Columns) + c;
                if (wasHot[near] && !busy[near])
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The index of a cell's top-left pixel.</summary>
    private static int FirstPixel(int cell) => (cell / MotionArea.Columns * CellSize * Width) + (cell % MotionArea.Columns * CellSize);
}
