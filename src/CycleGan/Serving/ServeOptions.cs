using CycleGan.Options;

namespace CycleGan.Serving;

/// <summary>
/// Options of <c>cyclegan serve</c>: the folders it may read, where it listens, the request limits and, when
/// <see cref="StudyResults"/> is given, the perceptual study (the pix2pix/CycleGAN AMT "real vs fake" protocol).
/// </summary>
public sealed record ServeOptions
{
    [Option("checkpoints_dir", "runs are listed from here")]
    public string CheckpointsDir { get; init; } = "./checkpoints";
    [Option("results_dir", "cyclegan test results (and the study's database) are here")]
    public string ResultsDir { get; init; } = "./results/";
    /// <summary>127.0.0.1 unless the user says otherwise; anything else is reachable from the network.</summary>
    [Option("host", "address to listen on; anything but 127.0.0.1 is reachable from the network")]
    public string Host { get; init; } = "127.0.0.1";
    [Option("port", "port to listen on")]
    public int Port { get; init; } = 8080;

    /// <summary>Largest request body accepted (an uploaded image); larger ones get 413.</summary>
    public long MaxBodyBytes { get; init; } = 20L * 1024 * 1024;
    /// <summary>
    /// Largest image translated (width × height); larger ones get 413. Below the decoder's own limit (PIL's) because
    /// a generator's activations at that size would not fit in memory.
    /// </summary>
    public long MaxPixels { get; init; } = 4096L * 4096;

    /// <summary><c>cyclegan test</c> result folders (e.g. results/maps_cyclegan/test_latest), one per method.</summary>
    [Option("study", "perceptual study: cyclegan test results folders, one per method (e.g. results/maps_cyclegan/test_latest)")]
    public IReadOnlyList<string> StudyResults { get; init; } = [];
    /// <summary>AtoB compares real_B with fake_B (e.g. map→photo), BtoA real_A with fake_A.</summary>
    [Option("study_direction", "AtoB compares real_B with fake_B, BtoA real_A with fake_A", Choices = ["AtoB", "BtoA"])]
    public string StudyDirection { get; init; } = "AtoB";
    /// <summary>How long both images are shown (the paper: 1 s); the answer has no time limit.</summary>
    [Option("study_seconds", "how long each pair is shown")]
    public double StudySeconds { get; init; } = 1.0;
    [Option("study_practice", "practice trials (with feedback) per participant")]
    public int StudyPractice { get; init; } = 10;
    [Option("study_trials", "scored trials per participant")]
    public int StudyTrials { get; init; } = 40;
    /// <summary>Each participant's trial order and sides come from (seed, participant number).</summary>
    [Option("study_seed", "seed of every participant's trial order and sides")]
    public int StudySeed { get; init; }
    /// <summary>SQLite file of participants and answers; empty means perceptual_study.db in <see cref="ResultsDir"/>.</summary>
    [Option("study_db", "SQLite file of the answers (default: <results_dir>/perceptual_study.db)")]
    public string StudyDb { get; init; } = "";

    public bool IsLoopback => Host is "127.0.0.1" or "localhost" or "::1" or "[::1]";

    public string StudyDbPath => StudyDb.Length > 0 ? StudyDb : Path.Combine(ResultsDir, "perceptual_study.db");
}
