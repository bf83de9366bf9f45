using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CycleGan.Benchmarks;

namespace CycleGan.Cli.Commands;

/// <summary>
/// `cyclegan bench`: the arguments of shared/bench/torch_cyclegan_bench.py; one JSON line on stdout (the same keys),
/// progress (--rss-every) and the --profile breakdown on stderr.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var mode = new Option<string>("--mode") { Description = "train: one full optimize_parameters() per iteration; infer: one generator forward (eval, no_grad)", DefaultValueFactory = _ => "train" };
        var impl = new Option<string>("--impl")
        {
            Description = "torchsharp, or onnxruntime (--mode infer: the generator exported to ONNX, run by ONNX Runtime on the CPU)",
            DefaultValueFactory = _ => "torchsharp",
        };
        var model = new Option<string>("--model") { Description = "cycle_gan or pix2pix", DefaultValueFactory = _ => "cycle_gan" };
        var size = new Option<int>("--size") { Description = "Image height = width in pixels", DefaultValueFactory = _ => 256 };
        var netG = new Option<string?>("--netG") { Description = "resnet_9blocks, resnet_6blocks, unet_256, unet_128 (default: resnet_9blocks for cycle_gan, unet_256 for pix2pix)" };
        var netD = new Option<string>("--netD") { Description = "basic, n_layers, pixel", DefaultValueFactory = _ => "basic" };
        var nLayersD = new Option<int>("--n_layers_D") { Description = "Layers of an n_layers discriminator", DefaultValueFactory = _ => 3 };
        var ngf = new Option<int>("--ngf") { Description = "Generator width", DefaultValueFactory = _ => 64 };
        var ndf = new Option<int>("--ndf") { Description = "Discriminator width", DefaultValueFactory = _ => 64 };
        var norm = new Option<string?>("--norm") { Description = "instance, batch, none (default: instance for cycle_gan, batch for pix2pix)" };
        var noDropout = new Option<bool>("--no_dropout") { Description = "pix2pix only (CycleGAN never uses dropout); pix2pix defaults to dropout on" };
        var ganMode = new Option<string?>("--gan_mode") { Description = "lsgan, vanilla, wgangp (default: lsgan for cycle_gan, vanilla for pix2pix)" };
        var batch = new Option<int>("--batch") { Description = "Images per iteration", DefaultValueFactory = _ => 1 };
        var iters = new Option<int>("--iters") { Description = "Timed iterations", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed iterations before timing (the first also counts the MACs)", DefaultValueFactory = _ => 2 };
        var threads = new Option<int>("--threads") { Description = "torch.set_num_threads (0 = libtorch's default)", DefaultValueFactory = _ => 0 };
        var seed = new Option<long>("--seed") { Description = "Seed of the inputs and the initial weights", DefaultValueFactory = _ => 0 };
        var precision = new Option<string>("--precision") { Description = "fp32, or bf16 (mixed precision: convolutions in bfloat16; weights, norms, losses, optimizer in fp32)", DefaultValueFactory = _ => "fp32" };
        var kernels = new Option<string>("--kernels") { Description = "fast (the faster kernels and batched passes of train/test, see bench/README.md) or official (PyTorch's kernels and call order)", DefaultValueFactory = _ => "fast" };
        var profile = new Option<bool>("--profile") { Description = "Also time each phase of a step and the forward time per layer kind (breakdown on stderr, and in the JSON)" };
        var rssEvery = new Option<int>("--rss-every") { Description = "Print resident memory to stderr every N timed iterations", DefaultValueFactory = _ => 0 };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "infer: load the generator from this .pth (e.g. latest_net_G.pth)" };
        var image = new Option<string?>("--image") { Description = "infer: translate this size x size RGB image instead of a random input" };
        var cmd = new Command("bench", "Time a training step or a generator forward, like shared/bench/torch_cyclegan_bench.py (one JSON line)")
        {
            mode, model, size, netG, netD, nLayersD, ngf, ndf, norm, noDropout, ganMode, batch, iters, warmup, threads, seed,
            precision, kernels, profile, rssEvery, checkpoint, image, impl,
        };
        cmd.SetAction(parse =>
        {
            var options = new BenchOptions
            {
                Mode = parse.GetValue(mode)!, Model = parse.GetValue(model)!, Size = parse.GetValue(size), NetG = parse.GetValue(netG),
                NetD = parse.GetValue(netD)!, NLayersD = parse.GetValue(nLayersD), Ngf = parse.GetValue(ngf), Ndf = parse.GetValue(ndf),
                Norm = parse.GetValue(norm), NoDropout = parse.GetValue(noDropout), GanMode = parse.GetValue(ganMode),
                Batch = parse.GetValue(batch), Iters = parse.GetValue(iters), Warmup = parse.GetValue(warmup),
                Threads = parse.GetValue(threads), Seed = parse.GetValue(seed), Precision = parse.GetValue(precision)!, Kernels = parse.GetValue(kernels)!,
                Profile = parse.GetValue(profile), RssEvery = parse.GetValue(rssEvery),
                Checkpoint = parse.GetValue(checkpoint), Image = parse.GetValue(image), Impl = parse.GetValue(impl)!,
            };
            var err = parse.InvocationConfiguration.Error;
            var r = Benchmark.Run(options, (i, mb) => err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"iteration {i}: rss {mb:F1} MB")));
            if (r.ProfilePhasesS is not null) PrintBreakdown(err, "step phases (s / iteration)", r.ProfilePhasesS, r.MeanS);
            if (r.ProfileForwardByLayerS is not null) PrintBreakdown(err, "forward time by layer kind (s / iteration, hooks on)", r.ProfileForwardByLayerS, r.MeanS);
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(r));
            return 0;
        });
        return cmd;
    }

    static void PrintBreakdown(TextWriter w, string title, IReadOnlyDictionary<string, double> parts, double stepMean)
    {
        w.WriteLine(title + ":");
        foreach (var (name, s) in parts)
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-32} {s,9:F4}  {100 * s / stepMean,5:F1}%"));
    }
}
