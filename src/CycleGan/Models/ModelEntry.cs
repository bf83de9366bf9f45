using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>
/// One <c>--model</c>: how to build it, its own options record (flags and defaults), and what it supports.
/// </summary>
/// <param name="Create">Builds the model; its training parts only when the context has training options.</param>
/// <param name="Options">A fresh options record of the model (its flags at their defaults).</param>
public sealed record ModelEntry(Func<ModelContext, GanModel> Create, Func<ModelOptions> Options)
{
    /// <summary>Trains over MPI: every optimizer step goes through <see cref="GanModel.GradientSync"/>.</summary>
    public bool DataParallel { get; init; }

    /// <summary>
    /// Where <c>test</c> writes each visual: <c>images/&lt;visual&gt;/&lt;stem&gt;.png</c>, one folder per visual (the
    /// CUT code's <c>save_images</c>), instead of the CycleGAN code's <c>images/&lt;stem&gt;_&lt;visual&gt;.png</c>.
    /// </summary>
    public bool FolderPerVisual { get; init; }

    /// <summary>False for a model that only applies a trained generator (<c>--model test</c>).</summary>
    public bool Trainable { get; init; } = true;
}
