using CycleGan.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Evaluation;

/// <summary>
/// A small U-Net that outputs one logit per palette class and pixel: the stand-in for the FCN of the
/// pix2pix paper's FCN-score (that paper used an FCN-8s trained on Cityscapes; for facades the project trains
/// this network on the real train split with <c>cyclegan eval segmenter-train</c>).
/// Its convolutions are <see cref="Conv"/> layers, so they run through the kernel check (<see cref="ConvKernels"/>).
/// Each level is conv3x3-BN-ReLU twice; down by max-pool, up by a stride-2 transposed conv and a skip concat.
/// Input: photos in [-1, 1], N×3×H×W with H and W divisible by 2^(levels−1).
/// </summary>
public sealed class Segmenter : Module<Tensor, Tensor>
{
    public int NumClasses { get; }
    public int Ngf { get; }
    public int Levels { get; }

    /// <summary>The square size photos are resized to before segmenting (the training size).</summary>
    public int ImageSize { get; }

    readonly ModuleList<Module<Tensor, Tensor>> encoders = new();
    readonly ModuleList<Module<Tensor, Tensor>> upsamplers = new();
    readonly ModuleList<Module<Tensor, Tensor>> decoders = new();
    readonly Module<Tensor, Tensor> head;

    public Segmenter(int numClasses, int ngf = 16, int levels = 4, int imageSize = 128) : base("Segmenter")
    {
        if (imageSize < 1 || imageSize % (1 << (levels - 1)) != 0)
            throw new UserError($"segmenter image size {imageSize} must be a positive multiple of {1 << (levels - 1)} (2^(levels-1))");
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses));
        if (ngf < 1) throw new ArgumentOutOfRangeException(nameof(ngf));
        if (levels is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(levels));
        NumClasses = numClasses; Ngf = ngf; Levels = levels; ImageSize = imageSize;
        int inC = 3;
        for (int i = 0; i < levels; i++)
        {
            int outC = ngf << i;
            encoders.Add(Block(inC, outC));
            inC = outC;
        }
        for (int i = levels - 2; i >= 0; i--)
        {
            int c = ngf << i;
            upsamplers.Add(Layers.ConvTranspose2d(c * 2, c, 2, stride: 2));
            decoders.Add(Block(c * 2, c));
        }
        head = Layers.Conv2d(ngf, numClasses, 1);
        RegisterComponents();
    }

    static Module<Tensor, Tensor> Block(int inC, int outC) => Sequential(
        Layers.Conv2d(inC, outC, 3, padding: 1L), new Networks.BatchNorm(outC), ReLU(true),
        Layers.Conv2d(outC, outC, 3, padding: 1L), new Networks.BatchNorm(outC), ReLU(true));

    /// <summary>Photo bytes (HWC RGB) to a 1×3×H×W tensor in [-1, 1], as the official transforms normalise.</summary>
    public static Tensor ToInput(CycleGan.Data.RgbImage img)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var halfRange = 127.5.ToScalar();
        var hwc = tensor(img.Pixels, [1, img.Height, img.Width, img.Channels], ScalarType.Byte);
        var rgb = img.Channels == 1 ? hwc.expand(-1, -1, -1, 3) : hwc; // grayscale: the one channel as R, G and B
        var x = rgb.permute(0, 3, 1, 2).contiguous().to_type(ScalarType.Float32).div_(halfRange).sub_(Scalars.One);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Class index per pixel at the photo's own size: the photo is resized (bilinear) to <see cref="ImageSize"/>,
    /// segmented, and the index map is resized back with nearest neighbour.
    /// </summary>
    public byte[] Segment(CycleGan.Data.RgbImage photo)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var small = Resample.Bilinear(photo, ImageSize, ImageSize);
        var device = parameters().First().device;
        var logits = forward(ToInput(small).to(device));
        var idx = logits.argmax(1).to_type(ScalarType.Byte).cpu().data<byte>().ToArray();
        return Resample.NearestIndexMap(idx, ImageSize, ImageSize, photo.Width, photo.Height);
    }

    public override Tensor forward(Tensor input)
    {
        var skips = new List<Tensor>();
        var x = input;
        for (int i = 0; i < Levels - 1; i++)
        {
            x = encoders[i].call(x);
            skips.Add(x);
            x = functional.max_pool2d(x, 2);
        }
        x = encoders[Levels - 1].call(x);
        for (int j = 0; j < Levels - 1; j++)
        {
            int i = Levels - 2 - j;
            x = upsamplers[j].call(x);
            x = cat([skips[i], x], 1);
            x = decoders[j].call(x);
        }
        return head.call(x);
    }
}
