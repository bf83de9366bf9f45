using System.Text.Json;
using CycleGan.Checkpoints;
using CycleGan.Models;
using CycleGan.Networks;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CycleGan.Tests.Networks;

/// <summary>
/// The CUT networks against the official contrastive-unpaired-translation code (Reference/cut, made by its
/// make_cut_reference.py): official checkpoints load strictly, and outputs, encode_only features, PatchSampleF samples,
/// PatchNCE losses and F's gradients match within the tolerances of ../shared/reference, made relative to each
/// tensor's largest value.
/// </summary>
public class CutNetworksTests(ITestOutputHelper output)
{
    static readonly int[] NceLayers = [0, 4, 8, 12, 16];
    const int NumPatches = 16, NetFNc = 32, Batch = 2;

    static readonly NetworkSpec Spec = new()
    {
        Ngf = 4, Ndf = 4, NetG = "resnet_6blocks", NetD = "basic", Norm = "instance", InitType = "xavier",
    };

    /// <summary>The checked-in reference; a missing file fails the test (never skips it).</summary>
    static string Cut(string file)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "tests", "CycleGan.Tests", "Reference", "cut", file);
        if (!File.Exists(path)) throw new FileNotFoundException($"CUT reference data missing: {path}");
        return path;
    }

    static StateDict Io() => SafeTensorsFile.Read(Cut("networks.safetensors"));

    /// <summary>
    /// |C# − PyTorch| ≤ 1e-4 · max|reference| over the tensor: the reference's 1e-4 made relative, since the tiny
    /// networks' outputs are ~0.07 and D's ~0.002, where a plain 1e-4 would allow percents (max floored at 1e-3).
    /// </summary>
    bool Close(Tensor actual, Tensor expected, string what, double relative = 1e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        var d = (actual - expected).abs().max().item<float>();
        var allowed = relative * Math.Max(expected.abs().max().item<float>(), 1e-3);
        output.WriteLine($"{what}: max |C# - PyTorch| = {d:G3}, allowed {allowed:G3} ({d / allowed:P2})");
        return d <= allowed;
    }

    static T Loaded<T>(T net, string file) where T : nn.Module
    {
        using var sd = PthFile.Read(Cut(file));
        CheckpointLoader.Load(net, sd, file);
        return net;
    }

    static CutResnetGenerator Generator() =>
        Loaded(CutNetworks.CreateGenerator(Spec, false, false), "latest_net_G.pth");

    [Fact]
    public void Generator_loads_the_official_checkpoint_strictly_and_matches_its_output_within_1e_4_of_its_max()
    {
        using var net = CutNetworks.CreateGenerator(Spec, false, false);
        using (var sd = PthFile.Read(Cut("latest_net_G.pth")))
        {
            var filters = ModuleState.Ordered(net)
                .Where(kv => kv.Key.EndsWith(".filt", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, filters.Count);
            foreach (var (key, filt) in filters)
                Assert.True(filt.eq(sd[key]).all().IsTrue(), $"{key}: our blur filter is not the official buffer");
            CheckpointLoader.Load(net, sd, "latest_net_G.pth");
        }
        using var io = Io();
        using var _ = no_grad();
        Assert.True(Close(net.forward(io["input"]), io["output"], "output"));
    }

    [Fact]
    public void No_antialias_up_generator_matches_the_official_one_within_1e_4_of_its_max()
    {
        using var net = Loaded(new CutResnetGenerator(3, 3, 4, NormLayer.Get("instance"), false, 1, false, true),
            "no_antialias_up_net_G.pth");
        using var io = Io();
        using var _ = no_grad();
        Assert.True(Close(net.forward(io["input"]), io["output_no_antialias_up"], "output"));
    }

    [Fact]
    public void Encode_only_returns_the_official_features_of_the_nce_layers_within_1e_4_of_their_max()
    {
        using var net = Generator();
        using var io = Io();
        using var _ = no_grad();
        var feats = net.EncodeOnly(io["input"], NceLayers);
        Assert.Equal(NceLayers.Length, feats.Count);
        for (int i = 0; i < NceLayers.Length; i++)
        {
            var expected = io[$"feat_k.{NceLayers[i]}"];
            Assert.Equal(expected.shape, feats[i].shape);
            Assert.True(Close(feats[i], expected, $"layer {NceLayers[i]}"));
        }
    }

    [Fact]
    public void Nce_layers_must_be_increasing_ids_of_the_generator()
    {
        using var net = new CutResnetGenerator(3, 3, 4, NormLayer.Get("instance"), false, 1, false, false);
        Assert.Throws<UserError>(() => net.CheckLayers([4, 0]));
        Assert.Throws<UserError>(() => net.CheckLayers([0, net.LayerCount]));
        net.CheckLayers([0, net.LayerCount - 1]);
    }

    [Fact]
    public void PatchSampleF_creates_its_mlps_on_the_first_forward_and_matches_the_official_samples()
    {
        using var io = Io();
        var feats = NceLayers.Select(l => io[$"feat_k.{l}"]).ToList();
        var ids = NceLayers.Select(l => io[$"patch_ids.{l}"]).ToList();
        using var f = CutNetworks.CreateFeatureNetwork("mlp_sample", NetFNc, "xavier", 0.02);
        Assert.Empty(f.parameters());
        using (no_grad()) f.Forward(feats, NumPatches, ids);
        Assert.True(f.MlpInit);
        Loaded(f, "latest_net_F.pth"); // strict: the lazily made MLPs have the official keys and shapes
        using var g = Generator();
        using var _ = no_grad();
        var (keys, usedIds) = f.Forward(feats, NumPatches, ids);
        var queries = f.Forward(g.EncodeOnly(g.forward(io["input"]), NceLayers), NumPatches, usedIds).Samples;
        var (whole, _) = f.Forward(feats, 0);
        for (int i = 0; i < NceLayers.Length; i++)
        {
            var l = NceLayers[i];
            Assert.Equal(new long[] { Batch * NumPatches, NetFNc }, keys[i].shape);
            Assert.True(usedIds[i].eq(ids[i]).all().IsTrue());
            Assert.True(Close(keys[i], io[$"pool_k.{l}"], $"key samples, layer {l}"));
            Assert.True(Close(queries[i], io[$"pool_q.{l}"], $"query samples, layer {l}"));
            if (io.ContainsKey($"pool_all.{l}"))
                Assert.True(Close(whole[i], io[$"pool_all.{l}"], $"all positions, layer {l}"));
        }
    }

    [Fact]
    public void PatchSampleF_draws_distinct_positions_and_uses_them_for_every_image_of_the_batch()
    {
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i),
            PatchSampleF.SamplePatchIds(new Rng(1), 10, 16).Order());
        var ids = PatchSampleF.SamplePatchIds(new Rng(2), 1000, 16);
        Assert.Equal(16, ids.Distinct().Count());
        Assert.All(ids, i => Assert.InRange(i, 0, 999));

        using var f = CutNetworks.CreateFeatureNetwork("sample", NetFNc, "xavier", 0.02);
        using var one = randn(1, 3, 6, 6);
        using var two = cat([one, one], 0);
        var (samples, used) = f.Forward([two], 4, rng: new Rng(3));
        Assert.Equal(4, used[0].shape[0]);
        Assert.True(samples[0].narrow(0, 0, 4).eq(samples[0].narrow(0, 4, 4)).all().IsTrue());
    }

    [Fact]
    public void PatchNce_loss_matches_the_official_per_image_and_whole_batch_negatives()
    {
        using var io = Io();
        using var config = JsonDocument.Parse(File.ReadAllText(Cut("config.json")));
        foreach (var (tag, allNegatives) in new[] { ("per_image", false), ("all_negatives", true) })
        {
            var loss = new PatchNceLoss(0.07, allNegatives, Batch);
            double total = 0;
            foreach (var l in NceLayers)
            {
                var perQuery = loss.Forward(io[$"pool_q.{l}"], io[$"pool_k.{l}"]);
                Assert.Equal(new long[] { Batch * NumPatches }, perQuery.shape);
                Assert.True(Close(perQuery, io[$"nce.{tag}.{l}"], $"{tag}, layer {l}"));
                total += perQuery.mean().item<float>();
            }
            var expected = config.RootElement.GetProperty("nce_losses").GetProperty(tag).GetDouble();
            Assert.True(Math.Abs(total / NceLayers.Length - expected) <= 1e-4 + 1e-5 * expected, tag);
        }
    }

    [Fact]
    public void PatchNce_gradients_reach_F_as_officially_within_1e_3_of_their_max()
    {
        using var io = Io();
        using var g = Generator();
        using var f = CutNetworks.CreateFeatureNetwork("mlp_sample", NetFNc, "xavier", 0.02);
        f.CreateMlp([3, 8, 16, 16, 16]);
        Loaded(f, "latest_net_F.pth");
        var ids = NceLayers.Select(l => io[$"patch_ids.{l}"]).ToList();
        var loss = new PatchNceLoss(0.07, false, Batch);
        var input = io["input"];
        List<Tensor> keys;
        using (no_grad()) keys = f.Forward(g.EncodeOnly(input, NceLayers), NumPatches, ids).Samples;
        var queries = f.Forward(g.EncodeOnly(g.forward(input), NceLayers), NumPatches, ids).Samples;
        using var layers = ((double)NceLayers.Length).ToScalar();
        var total = Scalars.Sum([.. queries.Zip(keys, (q, k) => loss.Forward(q, k).mean())]).div(layers);
        total.backward();
        foreach (var (name, p) in f.named_parameters())
        {
            var expected = io["grad_F." + name];
            Assert.True(Close(p.grad!, expected, "grad " + name, 1e-3), name);
        }
    }

    [Fact]
    public void Antialiased_discriminator_loads_the_official_checkpoint_and_matches_its_output_within_1e_4_of_its_max()
    {
        using var net = Loaded(CutNetworks.CreateDiscriminator(Spec, 3, false), "latest_net_D.pth");
        using var io = Io();
        using var _ = no_grad();
        var d = net.forward(io["input"]);
        Assert.Equal(new long[] { Batch, 1, 2, 2 }, d.shape);
        Assert.True(Close(d, io["d_output"], "D output"));
    }

    [Fact]
    public void State_dict_keys_and_shapes_equal_the_official_ones_for_every_antialias_setting()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Cut("keys.json")));
        var norm = NormLayer.Get("instance");
        int compared = 0;
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            var p = entry.Name.Split('.');
            nn.Module net;
            if (p[0] == "G" && p.Length == 4)
                net = new CutResnetGenerator(3, 3, 64, norm, false, p[1] == "resnet_9blocks" ? 9 : 6,
                    p[2].EndsWith("True"), p[3].EndsWith("True"));
            else if (p[0] == "G")
            {
                using var nine = new CutResnetGenerator(3, 3, 64, norm, false, 9, false, false);
                Assert.Equal(entry.Value.GetInt32(), nine.LayerCount);
                continue;
            }
            else if (p[0] == "D")
                net = new CutNLayerDiscriminator(3, 64, int.Parse(p[2]["n_layers_D_".Length..]), norm,
                    p[3].EndsWith("True"));
            else
            {
                var f = new PatchSampleF(true, 256, "xavier", 0.02);
                f.CreateMlp([3, 128, 256, 256, 256]);
                net = f;
            }
            using (net)
            {
                var ours = ModuleState.Ordered(net).Select(kv => $"{kv.Key} [{string.Join(",", kv.Value.shape)}]");
                var official = entry.Value.EnumerateObject()
                    .Select(k => $"{k.Name} [{string.Join(",", k.Value.EnumerateArray().Select(d => d.GetInt64()))}]");
                Assert.Equal(official, ours);
            }
            compared++;
        }
        Assert.Equal(13, compared);
    }
}
