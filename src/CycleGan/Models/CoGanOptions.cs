using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>The flags of <see cref="CoGanModel"/> (<c>--model cogan</c>), a part of the train and test options.</summary>
public sealed record CoGanOptions
{
    [Option("nz", "cogan: size of the shared latent vector z")]
    public int Nz { get; init; } = 64;
    [Option("cogan_inference_steps", "cogan: Adam steps on z to fit G_A(z) to the input image when translating")]
    public int CoganInferenceSteps { get; init; } = 100;
}
