using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>The defaults of <see cref="BiGanModel"/> (<c>--model bigan</c>, docs/baselines.md): no dropout; no flags of its own.</summary>
public sealed record BiGanOptions : ModelOptions
{
    public override void SetDefaults(BaseOptions o) => o.NoDropout = true;
}
