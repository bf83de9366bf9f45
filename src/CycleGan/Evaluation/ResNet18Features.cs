using CycleGan.Networks;
using CycleGan.Data;
using Microsoft.ML.OnnxRuntime;

namespace CycleGan.Evaluation;

/// <summary>
/// 512-d pooled features of the ImageNet-pretrained ResNet18 shipped in the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 (copied to <c>DnnImageModels/</c> in the build output), run with
/// ONNX Runtime. Preprocessing: bilinear resize to 224×224 (no antialiasing, no crop), RGB bytes as floats
/// 0..255, then the package's own <c>ResNetPreprocess.onnx</c> (swap to BGR and subtract its 224×224 mean
/// image, no scaling), then <c>ResNet18.onnx</c> up to <c>Pooling395_Output_0</c>.
/// These features are not Inception-v3's: FD/KD from them are not comparable with published FID/KID numbers.
/// </summary>
public sealed class ResNet18Features : IDisposable
{
    public const int Dimension = 512;
    const int Size = 224;

    readonly InferenceSession _prep;
    readonly InferenceSession _net;

    public static string ModelFolder => ResNet18Torch.ModelFolder;

    public ResNet18Features(string? modelFolder = null)
    {
        modelFolder ??= ModelFolder;
        var prep = Path.Combine(modelFolder, "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        var net = Path.Combine(modelFolder, "ResNet18Onnx", "ResNet18.onnx");
        foreach (var f in new[] { prep, net })
            if (!File.Exists(f)) throw new UserError($"{f} is missing; it is copied from the NuGet package " +
                $"Microsoft.ML.DnnImageFeaturizer.ResNet18 by the build (rebuild)");
        _prep = new InferenceSession(prep);
        _net = new InferenceSession(net);
    }

    public float[] Extract(RgbImage image)
    {
        var small = Resample.Bilinear(image, Size, Size);
        var planar = new float[3 * Size * Size];
        int hw = Size * Size;
        if (small.Channels == 1)
            for (int i = 0; i < hw; i++) planar[i] = planar[hw + i] = planar[2 * hw + i] = small.Pixels[i];
        else
            for (int i = 0; i < hw; i++)
            {
                planar[i] = small.Pixels[3 * i];
                planar[hw + i] = small.Pixels[3 * i + 1];
                planar[2 * hw + i] = small.Pixels[3 * i + 2];
            }
        long[] shape = [1, 3, Size, Size];
        using var input = OrtValue.CreateTensorValueFromMemory(planar, shape);
        using var runOptions = new RunOptions();
        using var pre = _prep.Run(runOptions, ["OriginalInput"], [input], ["PreprocessedInput"]);
        using var feats = _net.Run(runOptions, ["Input247"], [pre[0]], ["Pooling395_Output_0"]);
        var f = feats[0].GetTensorDataAsSpan<float>().ToArray();
        if (f.Length != Dimension) throw new InvalidOperationException($"ResNet18 gave {f.Length} features, expected {Dimension}");
        return f;
    }

    /// <summary>Features of every image file, in the given order (double precision for the statistics that follow).</summary>
    public double[][] ExtractFiles(IReadOnlyList<string> files, Action<int, int>? progress = null)
    {
        var result = new double[files.Count][];
        for (int i = 0; i < files.Count; i++)
        {
            result[i] = Array.ConvertAll(Extract(ImageFile.LoadRgb(files[i])), x => (double)x);
            progress?.Invoke(i + 1, files.Count);
        }
        return result;
    }

    public void Dispose()
    {
        _prep.Dispose();
        _net.Dispose();
    }
}
