using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using CycleGan.Checkpoints;
using TorchSharp;
using static CycleGan.Tests.Checkpoints.CheckpointTestUtil;
using static TorchSharp.torch;

namespace CycleGan.Tests.Checkpoints;

public class PthFileTests
{
    /// <summary>The InstanceNorm layers of resnet_9blocks (README "Checkpoints").</summary>
    static bool IsResnet9InstanceNorm(string path) =>
        path is "model.2" or "model.5" or "model.8" or "model.20" or "model.23"
        || (path.StartsWith("model.1", StringComparison.Ordinal) && (path.EndsWith(".conv_block.2", StringComparison.Ordinal) || path.EndsWith(".conv_block.6", StringComparison.Ordinal)));

    [Theory]
    [InlineData("latest_net_G.pth")]
    [InlineData("latest_net_G_tracked.pth")]
    [InlineData("latest_net_G_module.pth")]
    public void Legacy_pth_reads_to_the_reference_weights_after_the_instance_norm_patch(string file)
    {
        using var expected = SafeTensorsFile.Read(TestPaths.Ref("legacy_ngf8", "weights.safetensors"));
        using var sd = PthFile.Read(TestPaths.Ref("legacy_ngf8", file));
        var info = JsonDocument.Parse(File.ReadAllText(TestPaths.Ref("legacy_ngf8", "dropped_keys.json"))).RootElement.GetProperty(file);

        Assert.Equal(info.GetProperty("keys_in_file").GetInt32(), sd.Count);
        Assert.Equal(info.GetProperty("strip_module_prefix_needed").GetBoolean(), CheckpointLoader.StripModulePrefix(sd));
        var dropped = CheckpointLoader.Patch(sd, IsResnet9InstanceNorm, expected.Keys.ToHashSet());

        Assert.Equal(info.GetProperty("dropped_keys").EnumerateArray().Select(e => e.GetString()!), dropped);
        AssertSameTensors(expected, sd);
    }

    [Theory]
    [InlineData("latest_net_D.pth")]
    [InlineData("latest_net_D_legacy.pth")]
    public void Shared_storage_views_with_offsets_and_strides_read_exactly(string file)
    {
        using var expected = SafeTensorsFile.Read(TestPaths.Ref("shared_storage", "weights.safetensors"));
        using var sd = PthFile.Read(TestPaths.Ref("shared_storage", file));
        AssertSameTensors(expected, sd);
        Assert.Equal(ScalarType.Int64, sd["model.3.num_batches_tracked"].dtype);
    }

    [Fact]
    public void Resnet9_zip_pth_has_the_reference_keys_shapes_and_11378179_parameters()
    {
        var keys = JsonDocument.Parse(File.ReadAllText(TestPaths.Ref("keys", "G_resnet_9blocks_instance_nodropout.json"))).RootElement.GetProperty("keys");
        using var sd = PthFile.Read(TestPaths.Ref("resnet9_ngf64", "latest_net_G.pth"));

        Assert.Equal(keys.EnumerateObject().Select(p => p.Name), sd.Keys);
        foreach (var p in keys.EnumerateObject())
            Assert.Equal(p.Value.EnumerateArray().Select(x => x.GetInt64()), sd[p.Name].shape);
        Assert.Equal(11_378_179, sd.Sum(kv => kv.Value.numel()));
    }

    internal static StateDict SeveralDtypes()
    {
        var sd = new StateDict();
        sd.Add("f32", torch.arange(6, ScalarType.Float32).reshape(2, 3) / 7);
        sd.Add("f64", torch.tensor(new[] { 1.0 / 3, -2.5e300, double.Epsilon }));
        sd.Add("f16", torch.tensor(new[] { 0.1f, -65504f, 1e-7f }).to(ScalarType.Float16));
        sd.Add("bf16", torch.tensor(new[] { 0.1f, -3e38f }).to(ScalarType.BFloat16));
        sd.Add("i64_scalar", torch.tensor(3L));
        sd.Add("i64_big", torch.tensor(new[] { long.MaxValue, long.MinValue }));
        sd.Add("i32", torch.tensor(new[] { int.MinValue, 7 }));
        sd.Add("u8", torch.tensor(new byte[] { 0, 255, 17 }));
        sd.Add("bool", torch.tensor(new[] { true, false, true }));
        sd.Add("empty", torch.zeros(0, 3));
        sd.Add("non_contiguous", torch.arange(12, ScalarType.Float32).reshape(3, 4).t());
        return sd;
    }

    [Fact]
    public void Pth_write_then_read_is_exact_for_several_dtypes_including_0dim_int64()
    {
        using var sd = SeveralDtypes();
        AssertRoundTrip(sd);
    }

    static void AssertRoundTrip(StateDict sd)
    {
        using var dir = TestPaths.NewTempDir("pth");
        PthFile.Write(dir["latest_net_G.pth"], sd);
        using var back = PthFile.Read(dir["latest_net_G.pth"]);
        AssertSameTensors(sd, back);
    }

    [Fact]
    public void Written_pth_has_torch_zip_layout_with_stored_64_byte_aligned_entries()
    {
        using var dir = TestPaths.NewTempDir("pth");
        using var sd = SeveralDtypes();
        var path = dir["latest_net_G_A.pth"];
        PthFile.Write(path, sd);

        using (var zip = ZipFile.OpenRead(path))
        {
            var expected = new[] { "latest_net_G_A/data.pkl", "latest_net_G_A/byteorder" }
                .Concat(Enumerable.Range(0, sd.Count).Select(i => $"latest_net_G_A/data/{i}"))
                .Append("latest_net_G_A/version");
            Assert.Equal(expected, zip.Entries.Select(e => e.FullName));
            Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
            using var version = new StreamReader(zip.GetEntry("latest_net_G_A/version")!.Open());
            Assert.Equal("3\n", version.ReadToEnd());
        }
        var bytes = File.ReadAllBytes(path);
        for (var pos = 0; BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos)) == 0x04034b50;)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos + 18));
            var start = pos + 30 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pos + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(pos + 28));
            Assert.Equal(0, start % 64);
            pos = start + size;
        }
    }

    [Fact]
    public void Writing_the_reference_resnet9_weights_back_out_reads_identically()
    {
        using var sd = PthFile.Read(TestPaths.Ref("resnet9_ngf64", "latest_net_G.pth"));
        AssertRoundTrip(sd);
    }

    [Fact]
    public void Pth_whose_state_dict_sits_under_a_state_dict_key_is_read()
    {
        using var dir = TestPaths.NewTempDir("pth");
        var inner = PickleBytes.OneTensor(2, 2)[2..^1]; // the OrderedDict expression, without PROTO and STOP
        var pickle = new PickleBytes().Proto2().Op((byte)'}').Str("epoch").Int(7).Op((byte)'s').Str("state_dict").Op(inner).Op((byte)'s').Stop();
        var path = dir["ckpt.pth"];
        File.WriteAllBytes(path, [.. PickleBytes.LegacyPreamble(), .. pickle, .. PickleBytes.StorageKeys("0"), .. BitConverter.GetBytes(2L), .. new byte[8]]);
        using var sd = PthFile.Read(path);
        Assert.Equal(["w"], sd.Keys);
    }

    [Fact]
    public void Zip_pth_whose_pickle_runs_os_system_is_refused_naming_it_and_runs_nothing()
    {
        using var dir = TestPaths.NewTempDir("evil");
        var marker = Path.Combine(dir.Path, "pwned-" + Guid.NewGuid().ToString("N"));
        var path = dir["evil.pth"];
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("evil/data.pkl", CompressionLevel.NoCompression).Open()) s.Write(PickleBytes.RunsCommand("touch " + marker));
            using (var s = zip.CreateEntry("evil/version").Open()) s.Write("3\n"u8);
        }
        var e = Assert.Throws<UserError>(() => PthFile.Read(path));
        Assert.Contains("os.system", e.Message);
        Assert.Contains(path, e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Legacy_pth_whose_pickle_runs_os_system_is_refused_naming_it_and_runs_nothing()
    {
        using var dir = TestPaths.NewTempDir("evil");
        var marker = Path.Combine(dir.Path, "pwned-" + Guid.NewGuid().ToString("N"));
        var path = dir["evil.pth"];
        File.WriteAllBytes(path, [.. PickleBytes.LegacyPreamble(), .. PickleBytes.RunsCommand("touch " + marker)]);
        var e = Assert.Throws<UserError>(() => PthFile.Read(path));
        Assert.Contains("refusing to load: pickle references os.system", e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Legacy_storage_claiming_2_pow_40_elements_is_an_error_not_an_allocation()
    {
        using var dir = TestPaths.NewTempDir("lie");
        var path = dir["lie.pth"];
        File.WriteAllBytes(path, [.. PickleBytes.LegacyPreamble(), .. PickleBytes.OneTensor(1L << 40, 2), .. PickleBytes.StorageKeys("0"), .. BitConverter.GetBytes(1L << 40), .. new byte[16]]);
        var e = Assert.Throws<UserError>(() => PthFile.Read(path));
        Assert.Contains("claims", e.Message);
    }

    [Fact]
    public void Tensor_view_reaching_past_its_storage_is_an_error()
    {
        using var dir = TestPaths.NewTempDir("lie");
        var path = dir["view.pth"];
        File.WriteAllBytes(path, [.. PickleBytes.LegacyPreamble(), .. PickleBytes.OneTensor(4, 5), .. PickleBytes.StorageKeys("0"), .. BitConverter.GetBytes(4L), .. new byte[16]]);
        var e = Assert.Throws<UserError>(() => PthFile.Read(path));
        Assert.Contains("reaches element 4", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_gives_a_user_error()
    {
        using var dir = TestPaths.NewTempDir("junk");
        File.WriteAllText(dir["x.pth"], "hello, not a checkpoint");
        Assert.Throws<UserError>(() => PthFile.Read(dir["x.pth"]));
        Assert.Throws<UserError>(() => PthFile.Read(dir["missing.pth"]));
    }
}
