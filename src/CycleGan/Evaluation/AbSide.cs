namespace CycleGan.Evaluation;

/// <summary>
/// Which part of an image file to use. Side-by-side AB files (the official <c>aligned</c> layout, e.g.
/// facades: photo = left = A, labels = right = B) are read with Left or Right; ordinary images with Full.
/// </summary>
public enum AbSide
{
    Full,
    Left,
    Right,
}
