namespace CycleGan.Data;

/// <summary>A dataset file that cannot be used, and why (from <see cref="ImageFile.Validate"/>).</summary>
public sealed record BadImage(string Path, string Reason);
