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
                o.Norm = "batch";
                o.NetG = "unet_256";
                o.DatasetMode = "aligned";
                if (o is TrainOptions t)
                {
                    t.PoolSize = 0;
                    t.GanMode = "vanilla";
                }
                break;
            case "test":
                o.DatasetMode = "single";
                break;
        }
    }
}
