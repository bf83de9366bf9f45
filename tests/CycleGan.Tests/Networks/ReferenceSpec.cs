using System.Text.Json;
using CycleGan.Networks;

namespace CycleGan.Tests.Networks;

/// <summary>The network options a reference file's JSON config names; the official defaults for those it omits.</summary>
public static class ReferenceSpec
{
    public static NetworkSpec Read(JsonElement c) => new()
    {
        InputNc = c.GetProperty("input_nc").GetInt32(),
        OutputNc = c.TryGetProperty("output_nc", out var o) ? o.GetInt32() : 3,
        Ngf = c.TryGetProperty("ngf", out var g) ? g.GetInt32() : 64,
        Ndf = c.TryGetProperty("ndf", out var d) ? d.GetInt32() : 64,
        NetG = c.TryGetProperty("netG", out var ng) ? ng.GetString()! : "resnet_9blocks",
        NetD = c.TryGetProperty("netD", out var nd) ? nd.GetString()! : "basic",
        NLayersD = c.TryGetProperty("n_layers_D", out var nl) ? nl.GetInt32() : 3,
        Norm = c.GetProperty("norm").GetString()!,
        UseDropout = c.TryGetProperty("use_dropout", out var ud) && ud.GetBoolean(),
    };
}
