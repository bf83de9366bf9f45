using CycleGan.Options;

namespace CycleGan.Models;

/// <summary>
/// The defaults of <see cref="ColorizationModel"/> (official <c>colorization_model.py</c>): pix2pix's, then the
/// colorization dataset's — L in (input_nc 1), ab out (output_nc 2), AtoB. Its flags are pix2pix's.
/// </summary>
public sealed record ColorizationOptions : Pix2PixOptions
{
    public override void SetDefaults(BaseOptions o)
    {
        base.SetDefaults(o);
        o.DatasetMode = "colorization";
        o.InputNc = 1;
        o.OutputNc = 2;
        o.Direction = "AtoB";
    }
}
