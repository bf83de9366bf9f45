using CycleGan.Networks;

namespace CycleGan.Options;

/// <summary>
/// Options of <c>cyclegan translate</c>: one generator checkpoint applied to image files of any size. The network
/// flags are the generator's (<see cref="GeneratorOptions"/>); dropout is read from the checkpoint's keys for ResNet generators.
/// </summary>
public record TranslateOptions : GeneratorOptions
{
    [Option("checkpoint", "generator checkpoint (.pth, zip or legacy, or .safetensors), e.g. latest_net_G_A.pth")]
    public string Checkpoint { get; set; } = "";
    [Option("onnx", "instead of --checkpoint: a model from `cyclegan export`, run by ONNX Runtime "
        + "(always its inference form; the network flags come from the model)")]
    public string Onnx { get; set; } = "";
    [Option("engine", "for --checkpoint: torch (TorchSharp), onnxruntime (exported in memory), or auto: the faster one for this " +
        "network on this CPU, checked against TorchSharp on a probe and remembered per machine",
        ChoicesFrom = typeof(TranslateOptions), ChoicesMember = nameof(EngineNames))]
    public string Engine { get; set; } = "torch";

    /// <summary>The <c>--engine</c> names (the engines are the Inference floor's).</summary>
    public static IReadOnlyList<string> EngineNames { get; } = ["auto", "torch", "onnxruntime"];
    [Option("input", "an image file or a folder of images (searched recursively), or a video file (.mp4, .mkv, .mov, ...) "
        + "or a folder of videos")]
    public string Input { get; set; } = "";
    [Option("output", "folder for the translated images (<stem>.png; existing files are replaced, except verified ones of a --shard); "
        + "for a video: the output video file, or a folder for <stem>.mp4")]
    public string Output { get; set; } = "";
    /// <summary><c>--device</c>, <c>--precision</c>, <c>--kernels</c> (ONNX Runtime uses only the device).</summary>
    [OptionGroup]
    public ComputeOptions Compute { get; set; } = new();
    [Option("eval", "run the generator in eval mode (BatchNorm running statistics, no dropout)")]
    public bool Eval { get; set; }
    [Option("keep_depth", "write 16-bit PNGs for 16-bit inputs (PNG, TIFF) instead of reducing them to 8 bits")]
    public bool KeepDepth { get; set; }
    [Option("tile", "translate images larger than this in overlapping tiles of this size (0: whole images); "
        + "bounds memory, changes instance-norm statistics")]
    public int Tile { get; set; }
    [Option("overlap", "pixels shared by neighbouring tiles, blended with a feathered window (with --tile)")]
    public int Overlap { get; set; } = 64;
    [Option("crf", "video: H.264 constant rate factor of the yuv420p output (0 best .. 51 worst)")]
    public int Crf { get; set; } = 18;
    [Option("lossless", "video: lossless H.264 in RGB (libx264rgb -qp 0): decoded frames equal the translated frames")]
    public bool Lossless { get; set; }
    [Option("frames_dir", "video: also write the translated frames as PNG files to this folder (<stem>/000001.png)")]
    public string FramesDir { get; set; } = "";
    [Option("temporal", "video: none (each frame on its own, as the official scripts), norm (instance-norm statistics carried "
        + "across frames; --onnx needs a model exported with --temporal), or flow (each frame blended with the previous one carried along the input's optical flow)",
        Choices = ["none", "norm", "flow"])]
    public string Temporal { get; set; } = "none";
    [Option("temporal_momentum", "video with --temporal norm: weight of the earlier frames' statistics (0: per frame; reset at "
        + "scene cuts)")]
    public double TemporalMomentum { get; set; } = 0.5;
    [Option("temporal_blend", "video with --temporal flow: weight of the carried previous frame where the flow matches (0: per "
        + "frame; reset at scene cuts)")]
    public double TemporalBlend { get; set; } = 0.6;
    /// <summary>The job-array flags (<c>--shard</c>, <c>--shards</c>, <c>--fail_fast</c>).</summary>
    [OptionGroup]
    public ShardOptions Sharding { get; set; } = new();
}
