namespace CycleGan.Download;

/// <summary>What a checked archive holds: files and folders under its top folder, and the bytes of its files.</summary>
public sealed record ArchiveSummary(long Files, long Folders, long Bytes);
