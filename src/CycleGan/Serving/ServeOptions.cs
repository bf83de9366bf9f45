namespace CycleGan.Serving;

/// <summary>
/// Options of <c>cyclegan serve</c>: the folders it may read, where it listens, the request limits and, when
/// <see cref="StudyResults"/> is given, the perceptual study (the pix2pix/CycleGAN AMT "real vs fake" protocol).
/// </summary>
public sealed record ServeOptions
{
    public string CheckpointsDir { get; init; } = "./checkpoints";
    public string ResultsDir { get; init; } = "./results/";
    /// <summary>127.0.0.1 unless the user says otherwise; anything else is reachable from the network.</summary>
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 8080;

    /// <summary>Largest request body accepted (an uploaded image); larger ones get 413.</summary>
    public long MaxBodyBytes { get; init; } = 20L * 1024 * 1024;
    /// <summary>
    /// Largest image translated (width × height); larger ones get 413. Below the decoder's own limit (PIL's) because
    /// a generator's activations at that size would not fit in memory.
    /// </summary>
    public long MaxPixels { get; init; } = 4096L * 4096;

    /// <summary><c>cyclegan test</c> result folders (e.g. results/maps_cyclegan/test_latest), one per method.</summary>
    public IReadOnlyList<string> StudyResults { get; init; } = [];
    /// <summary>AtoB compares real_B with fake_B (e.g. map→photo), BtoA real_A with fake_A.</summary>
    public string StudyDirection { get; init; } = "AtoB";
    /// <summary>How long both images are shown (the paper: 1 s); the answer has no time limit.</summary>
    public double StudySeconds { get; init; } = 1.0;
    public int StudyPractice { get; init; } = 10;
    public int StudyTrials { get; init; } = 40;
    /// <summary>Each participant's trial order and sides come from (seed, participant number).</summary>
    public int StudySeed { get; init; }
    /// <summary>SQLite file of participants and answers; empty means perceptual_study.db in <see cref="ResultsDir"/>.</summary>
    public string StudyDb { get; init; } = "";

    public bool IsLoopback => Host is "127.0.0.1" or "localhost" or "::1" or "[::1]";

    public string StudyDbPath => StudyDb.Length > 0 ? StudyDb : Path.Combine(ResultsDir, "perceptual_study.db");
}
