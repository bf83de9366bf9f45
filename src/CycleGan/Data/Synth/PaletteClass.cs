namespace CycleGan.Data.Synth;

/// <summary>One entry of <c>palette.json</c>: a class name and the flat colour its pixels have in a label map.</summary>
public sealed record PaletteClass(string Name, byte R, byte G, byte B);
