namespace CycleGan.Serving;

/// <summary>
/// The query of <c>POST /api/translate</c>: run, generator and checkpoint label, plus network flags that override the
/// run's <c>train_opt.txt</c> (needed for official checkpoints, which come without one). Null means "not given".
/// </summary>
public sealed record TranslateRequest(string Run, string Net, string Epoch, string? NetG = null, int? Ngf = null,
    string? Norm = null, bool? NoDropout = null);
