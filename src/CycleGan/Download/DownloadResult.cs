namespace CycleGan.Download;

/// <summary>
/// A finished download: where it landed (the dataset folder or the generator file), what was fetched from where, and
/// what the check found (<paramref name="Checked"/>: e.g. "1,096 files, 250,123,456 bytes, CRCs match").
/// </summary>
public sealed record DownloadResult(string Destination, FetchResult Fetch, string Checked, bool Replaced);
