namespace CycleGan.Download;

/// <summary>
/// A finished transfer: the URL that answered (after redirects and any https→http fallback), the bytes now in the
/// file, how many of them an earlier attempt had left in the <c>.part</c> file, and whether the length was checked
/// against the server's <c>Content-Length</c>/<c>Content-Range</c>.
/// </summary>
public sealed record FetchResult(Uri Url, long Bytes, long ResumedFrom, bool LengthChecked);
