using System.Buffers.Binary;
using System.Text;
using CycleGan.Checkpoints;
using static CycleGan.Tests.Checkpoints.CheckpointTestUtil;

namespace CycleGan.Tests.Checkpoints;

public class SafeTensorsFileTests
{
    [Fact]
    public void Safetensors_write_then_read_is_exact_for_several_dtypes_and_keeps_metadata()
    {
        using var dir = TestPaths.NewTempDir("st");
        using var sd = PthFileTests.SeveralDtypes();
        SafeTensorsFile.Write(dir["w.safetensors"], sd, new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "200" });
        using var back = SafeTensorsFile.Read(dir["w.safetensors"]);
        AssertSameTensors(sd, back);
        Assert.Equal("200", back.Metadata["epoch"]);
        Assert.Equal(0, BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(dir["w.safetensors"])) % 8);
    }

    [Fact]
    public void Reference_safetensors_reads_in_header_order_with_its_metadata()
    {
        using var sd = SafeTensorsFile.Read(TestPaths.Ref("shared_storage", "weights.safetensors"));
        Assert.Equal("model.0.weight", sd.Keys[0]);
        Assert.Equal([8L, 3, 4, 4], sd["model.0.weight"].shape);
    }

    static string Write(TempDir dir, ulong headerLength, string header, int dataBytes)
    {
        var path = dir["x.safetensors"];
        var h = Encoding.UTF8.GetBytes(header);
        var len = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, headerLength);
        File.WriteAllBytes(path, [.. len, .. h, .. new byte[dataBytes]]);
        return path;
    }

    [Fact]
    public void Header_claiming_1_TB_is_an_error_not_an_allocation()
    {
        using var dir = TestPaths.NewTempDir("st");
        var e = Assert.Throws<UserError>(() => SafeTensorsFile.Read(Write(dir, 1UL << 40, "{}", 0)));
        Assert.Contains("claims", e.Message);
    }

    /// <summary>The error for a file with <paramref name="header"/> and 16 bytes of data.</summary>
    static UserError Rejected(string header)
    {
        using var dir = TestPaths.NewTempDir("st");
        return Assert.Throws<UserError>(() => SafeTensorsFile.Read(Write(dir, (ulong)header.Length, header, 16)));
    }

    [Fact]
    public void Tensor_claiming_more_data_than_the_file_holds_is_an_error()
    {
        var header = """{"w":{"dtype":"F32","shape":[274877906944],"data_offsets":[0,1099511627776]}}""";
        Assert.Contains("outside", Rejected(header).Message);
    }

    [Fact]
    public void Overlapping_tensors_are_an_error()
    {
        var header = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";
        Assert.Contains("overlap", Rejected(header).Message);
    }

    [Fact]
    public void Size_that_does_not_match_shape_and_dtype_is_an_error()
    {
        var header = """{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""";
        Assert.Contains("need 12", Rejected(header).Message);
    }
}
