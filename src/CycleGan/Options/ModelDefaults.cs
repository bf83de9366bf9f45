namespace CycleGan.Options;

/// <summary>
/// The model-specific defaults of the official <c>modify_commandline_options</c>: applied after construction and
/// before the user's flags, so an explicit flag always wins.
/// </summary>
public static class ModelDefaults
{
    public static void Apply(BaseOptions o)
    {
        switch (o.Model)
        {
            case "cycle_gan" or "simgan" or "feature_gan" or "bigan":
                o.NoDropout = true;
                break;
            case "cogan":
                // DCGAN's choices (Radford et al. 2016), which CoGAN's networks follow.
                o.Norm = "batch";
                if (o is TrainOptions c) c.GanMode = "vanilla";
                break;
            case "pix2pix":
                Pix2Pix(o);
                break;
            case "colorization":
                // Pix2pix's defaults, then the colorization dataset's (input_nc 1, output_nc 2, AtoB).
                Pix2Pix(o);
                o.DatasetMode = "colorization";
                o.InputNc = 1;
                o.OutputNc = 2;
                o.Direction = "AtoB";
                break;
            case "test":
                o.DatasetMode = "single";
                break;
        }
    }

    static void Pix2Pix(BaseOptions o)
    {
        o.Norm = "batch";
        o.NetG = "unet_256";
        o.DatasetMode = "aligned";
        if (o is TrainOptions t)
        {
            t.PoolSize = 0;
            t.GanMode = "vanilla";
        }
    }
}
