using CycleGan.Networks;
using TorchSharp;

namespace CycleGan.Diagnostics;

/// <summary>
/// <c>cyclegan doctor</c>: runs the convolution kernel check (<see cref="ConvKernels"/>) over the default networks
/// with both <c>--kernels</c> and both precisions, and reports the machine, the versions and each configuration:
/// libtorch's kernel ok or wrong (max relative error), the remedy chosen, and whether that computes correctly.
/// </summary>
public static class Doctor
{
    /// <summary>The networks users run by default: the official generators, PatchGAN for CycleGAN (3 channels) and
    /// pix2pix (6), and the quickstart's small pair.</summary>
    public static IReadOnlyList<(string Name, Func<TorchSharp.torch.nn.Module> Build)> Networks { get; } =
    [
        ("resnet_9blocks", () => NetworkRegistry.CreateGenerator(new NetworkSpec { NetG = "resnet_9blocks" })),
        ("resnet_6blocks", () => NetworkRegistry.CreateGenerator(new NetworkSpec { NetG = "resnet_6blocks" })),
        ("unet_256", () => NetworkRegistry.CreateGenerator(new NetworkSpec { NetG = "unet_256", Norm = "batch" })),
        ("basic D (ndf 64)", () => NetworkRegistry.CreateDiscriminator(new NetworkSpec(), 3)),
        ("basic D pix2pix (6 channels)", () => NetworkRegistry.CreateDiscriminator(new NetworkSpec { Norm = "batch" }, 6)),
        ("quickstart G (resnet_6blocks, ngf 16)", () => NetworkRegistry.CreateGenerator(new NetworkSpec { NetG = "resnet_6blocks",
            Ngf = 16 })),
        ("quickstart D (basic, ndf 16)", () => NetworkRegistry.CreateDiscriminator(new NetworkSpec { Ndf = 16 }, 3)),
    ];

    public static DoctorReport Run(ConvKernels? kernels = null)
    {
        TorchRuntime.EnsureLoaded();
        kernels ??= ConvKernels.Shared;
        var users = new Dictionary<ConvConfig, SortedSet<string>>();
        foreach (var (name, build) in Networks)
        {
            using var net = build();
            foreach (var compute in new[] { new Compute(true, false), new Compute(false, false), new Compute(true, true) })
            {
                (compute with { Kernels = kernels }).Configure(net);
                foreach (var conv in net.modules().OfType<Conv>())
                    foreach (var config in conv.Configurations())
                    {
                        if (!users.TryGetValue(config, out var set)) users[config] = set = [];
                        set.Add(name);
                    }
            }
        }
        var rows = users.Select(u => Row(kernels.Check(u.Key), u.Value)).ToList();
        return new DoctorReport(rows.All(r => r.Ok), rows.Count(r => r.Direct != "ok"), CpuInfo.Read(), torch.get_num_threads(),
            TorchRuntime.TorchSharpVersion,
            torch.__version__, TorchRuntime.OneDnnVersion(), rows.Sum(r => r.CheckMilliseconds), rows);
    }

    static KernelCheckRow Row(KernelVerdict v, IEnumerable<string> networks) => new(
        v.Config.ToString(), [.. networks], v.DirectOk ? "ok" : "wrong", Finite(v.DirectError),
        v.Route == ConvRoute.Direct ? null : v.Route + (v.Precaution ? " (precaution)" : ""),
        v.Route == ConvRoute.Direct ? null : Finite(v.RouteError), v.Ok, v.CheckMilliseconds);

    static double? Finite(double e) => double.IsFinite(e) ? e : null;
}
