namespace CycleGan.Serving;

/// <summary>
/// Maps a relative URL path onto a file under a root folder, refusing <c>..</c>, absolute paths, hidden names and
/// symbolic links that lead out of the root: every refusal is "not found", so nothing outside can be probed.
/// </summary>
public static class SafePath
{
    /// <summary>The full path of an existing regular file under <paramref name="root"/>, or null.</summary>
    public static string? File(string root, string relative)
    {
        var path = Resolve(root, relative);
        return path != null && System.IO.File.Exists(path) ? path : null;
    }

    /// <summary>The full path of an existing folder directly or deeper under <paramref name="root"/>, or null.</summary>
    public static string? Directory(string root, string relative)
    {
        var path = Resolve(root, relative);
        return path != null && System.IO.Directory.Exists(path) ? path : null;
    }

    static string? Resolve(string root, string relative)
    {
        if (string.IsNullOrEmpty(relative) || relative.Contains('\0') || relative.Contains('\\')) return null;
        var parts = relative.Split('/');
        if (parts.Any(p => p.Length == 0 || p[0] == '.')) return null;
        var realRoot = RealPath(Path.GetFullPath(root));
        if (realRoot == null) return null;
        var path = realRoot;
        foreach (var part in parts)
        {
            path = Path.Combine(path, part);
            if (!System.IO.File.Exists(path) && !System.IO.Directory.Exists(path)) return null;
            // A link is followed only when its target is still inside the root.
            var real = RealPath(path);
            if (real == null || !Inside(realRoot, real)) return null;
        }
        return path;
    }

    static bool Inside(string root, string path) =>
        path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    static string? RealPath(string path)
    {
        try
        {
            FileSystemInfo info = System.IO.Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (info.LinkTarget == null)
            {
                var parent = Path.GetDirectoryName(path);
                return parent == null ? path : Path.Combine(RealPath(parent) ?? parent, Path.GetFileName(path));
            }
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target == null ? null : RealPath(target.FullName);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
