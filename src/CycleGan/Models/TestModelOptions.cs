using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>The flags of <see cref="TestModel"/> (official <c>test_model.py</c>): model_suffix, and single-image data.</summary>
public sealed record TestModelOptions : ModelOptions
{
    [Option("model_suffix", "in --model test, loads [epoch]_net_G[model_suffix].pth")]
    public string ModelSuffix { get; set; } = "";

    public override void SetDefaults(BaseOptions o) => o.DatasetMode = "single";
}
