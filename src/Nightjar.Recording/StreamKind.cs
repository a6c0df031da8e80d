namespace Nightjar.Recording;

/// <summary>A camera's main stream (full resolution, recorded, full screen) or its optional sub-stream (small, for grids).</summary>
public enum StreamKind
{
    Main,
    Sub,
}
