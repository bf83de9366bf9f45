using CycleGan.Data;
using CycleGan.Options;
using static TorchSharp.torch;

namespace CycleGan.Models;

/// <summary>
/// The official <c>ColorizationModel</c>: pix2pix from the L channel (real_A, 1 channel) to the ab channels
/// (2 channels) of CIE Lab (<c>--dataset_mode colorization</c>). Losses and step are pix2pix's; the visuals are
/// real_A and the real and generated colour images, converted back from Lab with the real L (official
/// <c>compute_visuals</c>).
/// </summary>
public sealed class ColorizationModel : Pix2PixModel
{
    public ColorizationModel(ModelContext c) : base(Checked(c)) { }

    public override IReadOnlyList<string> VisualNames => ["real_A", "real_B_rgb", "fake_B_rgb"];

    public override IReadOnlyDictionary<string, RgbImage> CurrentVisualImages()
    {
        var images = new Dictionary<string, RgbImage>();
        var realA = RecordedVisual("real_A");
        if (realA is null) return images;
        images["real_A"] = ImageTensor.TensorToImage(realA, tileGray: false);
        foreach (var (name, ab) in new[] { ("real_B_rgb", RecordedVisual("real_B")), ("fake_B_rgb", RecordedVisual("fake_B")) })
            if (ab is not null) images[name] = Lab2Rgb(realA, ab);
        return images;
    }

    /// <summary>Official <c>lab2rgb(L, AB)</c> of the first image of the batch, then <c>tensor2im</c> of that numpy array.</summary>
    static RgbImage Lab2Rgb(Tensor l, Tensor ab)
    {
        int h = (int)l.shape[2], w = (int)l.shape[3];
        var lData = l[0].cpu().contiguous().data<float>().ToArray();
        var abData = ab[0].cpu().contiguous().data<float>().ToArray();
        return LabColor.ToImage(lData, abData, w, h);
    }

    static ModelContext Checked(ModelContext c)
    {
        var opt = c.Opt;
        if (opt.InputNc != 1 || opt.OutputNc != 2 || opt.IsBtoA)
            throw new UserError("--model colorization maps L to ab: it needs --input_nc 1 --output_nc 2 --direction AtoB "
                + $"(got {opt.InputNc}, {opt.OutputNc}, {opt.Direction})");
        return c;
    }
}
