namespace CycleGan.Serving;

/// <summary>
/// One method of the study: a <c>cyclegan test</c> results folder whose <c>images/</c> hold
/// <c>&lt;stem&gt;_real_X.png</c> and <c>&lt;stem&gt;_fake_X.png</c> for the studied side X.
/// </summary>
public sealed record StudyMethod(string Name, string ImagesDir, IReadOnlyList<string> Stems)
{
    public static StudyMethod Load(string resultsFolder, string side)
    {
        var full = Path.GetFullPath(resultsFolder.TrimEnd('/'));
        var images = Path.Combine(full, "images");
        if (!Directory.Exists(images))
            throw new UserError($"--study {resultsFolder} has no images/ folder (a cyclegan test results folder)");
        var real = $"_real_{side}.png";
        var stems = Directory.EnumerateFiles(images, "*" + real)
            .Select(Path.GetFileName).OfType<string>()
            .Select(f => f[..^real.Length])
            .Where(s => File.Exists(Path.Combine(images, $"{s}_fake_{side}.png")))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (stems.Count == 0)
            throw new UserError($"--study {resultsFolder}: no pair of *_real_{side}.png and *_fake_{side}.png in images/");
        // e.g. maps_cyclegan/test_latest: the experiment and which results of it.
        var name = Path.GetFileName(Path.GetDirectoryName(full)) + "/" + Path.GetFileName(full);
        return new StudyMethod(name, images, stems);
    }

    public string ImagePath(string stem, bool fake, string side) =>
        Path.Combine(ImagesDir, $"{stem}_{(fake ? "fake" : "real")}_{side}.png");
}
