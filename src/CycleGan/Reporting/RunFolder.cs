namespace CycleGan.Reporting;

/// <summary>
/// The folder of a run that ends in a page (quickstart, reproduce): index.html, scores.json and images/ at the root,
/// beside data/, checkpoints/ and results/.
/// </summary>
public sealed record RunFolder(string Root)
{
    public string Data => Path.Combine(Root, "data");
    public string Checkpoints => Path.Combine(Root, "checkpoints");
    public string Results => Path.Combine(Root, "results");
    public string Images => Path.Combine(Root, "images");
    public string Page => Path.Combine(Root, "index.html");
    public string Scores => Path.Combine(Root, "scores.json");

    /// <summary>
    /// Creates the folder for a rerun that starts over: images/ and <paramref name="owned"/> of an earlier run are
    /// deleted (what the run rewrites anyway; its dataset is kept for reuse).
    /// </summary>
    public static RunFolder Start(string output, Func<RunFolder, IEnumerable<string>> owned)
    {
        var run = new RunFolder(Path.GetFullPath(output));
        Directory.CreateDirectory(run.Root);
        foreach (var dir in owned(run).Prepend(run.Images))
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        return run;
    }
}
