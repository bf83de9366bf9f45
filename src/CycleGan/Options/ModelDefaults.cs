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
            case "cycle_gan":
                o.NoDropout = true;
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
