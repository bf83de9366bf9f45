namespace CycleGan.Data;

/// <summary>The official <c>make_dataset</c> + <c>sorted(...)</c> of <c>data/image_folder.py</c>.</summary>
public static class ImageFolder
{
    /// <summary>
    /// Every image file (by <see cref="ImageFile.Extensions"/>, case-sensitive) under <paramref name="dir"/>,
    /// recursively, hidden files included, in ordinal path order; at most <paramref name="maxDatasetSize"/> of them.
    /// </summary>
    /// <remarks>
    /// Officially the cut to max_dataset_size happens before sorting, in <c>os.walk</c> order (file order within a
    /// folder is the file system's); here the sorted list is cut, so the chosen subset is deterministic.
    /// </remarks>
    public static IReadOnlyList<string> List(string dir, int maxDatasetSize = int.MaxValue)
    {
        if (!Directory.Exists(dir))
            throw new UserError(File.Exists(dir) ? $"{dir} is a file, not a folder of images"
                : $"{dir} does not exist (check --dataroot and --phase)");
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true,
            MatchCasing = MatchCasing.CaseSensitive };
        var files = Directory.EnumerateFiles(dir, "*", options).Where(ImageFile.IsImageFile).ToList();
        files.Sort(StringComparer.Ordinal);
        if (files.Count > maxDatasetSize) files.RemoveRange(maxDatasetSize, files.Count - maxDatasetSize);
        return files;
    }

    /// <summary><see cref="List"/>, but an empty result is a <see cref="UserError"/>.</summary>
    public static IReadOnlyList<string> ListNonEmpty(string dir, int maxDatasetSize = int.MaxValue)
    {
        var files = List(dir, maxDatasetSize);
        if (files.Count == 0)
            throw new UserError($"{dir} contains no images (looked " +
                $"for {string.Join(" ", ImageFile.Extensions.Where((_, i) => i % 2 == 0))} and upper case, recursively)");
        return files;
    }
}
