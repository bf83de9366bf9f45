using System.Buffers.Binary;
using System.Text;
using CycleGan.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace CycleGan.Tests.Checkpoints;

/// <summary>Helpers shared by the checkpoint tests.</summary>
static class CheckpointTestUtil
{
    public static void AssertSameTensors(StateDict expected, StateDict actual)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (k, e) in expected)
        {
            var a = actual[k];
            Assert.True(e.dtype == a.dtype, $"{k}: dtype {a.dtype}, expected {e.dtype}");
            Assert.True(e.shape.SequenceEqual(a.shape), $"{k}: shape [{string.Join(",", a.shape)}], expected [{string.Join(",", e.shape)}]");
            Assert.True(e.equal(a).all().item<bool>(), $"{k}: values differ");
        }
    }

    /// <summary>Copies a module's state dict (clones), optionally with a key prefix.</summary>
    public static StateDict FromModule(nn.Module net, string prefix = "")
    {
        var sd = new StateDict();
        foreach (var (k, t) in net.state_dict()) sd.Add(prefix + k, t.detach().clone());
        return sd;
    }
}

/// <summary>Hand-assembles pickles (for crafted, hostile or odd inputs the writer never produces).</summary>
sealed class PickleBytes
{
    readonly MemoryStream _m = new();

    public PickleBytes Op(params byte[] b) { _m.Write(b); return this; }
    public PickleBytes Proto2() => Op(0x80, 2);
    public PickleBytes Mark() => Op((byte)'(');
    public PickleBytes Tuple() => Op((byte)'t');

    public PickleBytes Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        var len = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, b.Length);
        return Op((byte)'X').Op(len).Op(b);
    }

    public PickleBytes Int(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return Op(0x8a, 8).Op(b);
    }

    public PickleBytes Global(string module, string name) => Op((byte)'c').Op(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));

    public byte[] Stop() { Op((byte)'.'); return _m.ToArray(); }

    /// <summary><c>os.system(command)</c> — the classic pickle exploit.</summary>
    public static byte[] RunsCommand(string command) =>
        new PickleBytes().Proto2().Global("os", "system").Mark().Str(command).Tuple().Op((byte)'R').Stop();

    /// <summary>An OrderedDict with one float tensor "w" of <paramref name="size"/> elements in storage "0" of <paramref name="storageNumel"/>.</summary>
    public static byte[] OneTensor(long storageNumel, long size) =>
        new PickleBytes().Proto2().Global("collections", "OrderedDict").Op((byte)')', (byte)'R')
            .Str("w").Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(storageNumel).Tuple().Op((byte)'Q')
            .Int(0).Mark().Int(size).Tuple().Mark().Int(1).Tuple().Op(0x89)
            .Global("collections", "OrderedDict").Op((byte)')', (byte)'R').Tuple().Op((byte)'R')
            .Op((byte)'s').Stop();

    /// <summary>The three records a legacy torch.save stream starts with: magic number, protocol 1001, sys_info.</summary>
    public static byte[] LegacyPreamble() =>
    [
        0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, (byte)'.',
        0x80, 2, (byte)'M', 0xe9, 0x03, (byte)'.',
        0x80, 2, (byte)'}', (byte)'.',
    ];

    public static byte[] StorageKeys(params string[] keys)
    {
        var p = new PickleBytes().Proto2().Op((byte)']').Mark();
        foreach (var k in keys) p.Str(k);
        return p.Op((byte)'e').Stop();
    }
}
