using CycleGan.Checkpoints;

namespace CycleGan.Tests.Checkpoints;

public class SafeUnpicklerTests
{
    static Exception Load(byte[] pickle) => Record.Exception(() => SafeUnpickler.Load(new MemoryStream(pickle)))!;

    [Theory]
    [InlineData("os", "system")]
    [InlineData("posix", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("subprocess", "Popen")]
    [InlineData("torch.storage", "_load_from_bytes")]
    public void Globals_outside_the_allow_list_are_refused_by_name(string module, string name)
    {
        var e = Load(new PickleBytes().Proto2().Global(module, name).Stop());
        Assert.Contains($"refusing to load: pickle references {module}.{name}", e.Message);
    }

    [Fact]
    public void Stack_global_outside_the_allow_list_is_refused_by_name()
    {
        var e = Load(new PickleBytes().Proto2().Str("builtins").Str("exec").Op(0x93).Stop());
        Assert.Contains("builtins.exec", e.Message);
    }

    [Fact]
    public void Unknown_opcode_is_named_with_its_offset()
    {
        var e = Load([0x80, 2, 0xff, (byte)'.']);
        Assert.Contains("unknown pickle opcode 0xff at byte 2", e.Message);
    }

    [Fact]
    public void String_length_beyond_the_input_is_an_error_not_an_allocation()
    {
        var e = Load([0x80, 2, (byte)'X', 0xff, 0xff, 0xff, 0x7f, (byte)'a', (byte)'.']);
        Assert.Contains("claims 2147483647 bytes", e.Message);
    }

    [Fact]
    public void Deep_mark_nesting_is_bounded()
    {
        var e = Load([0x80, 2, .. Enumerable.Repeat((byte)'(', 20_000), (byte)'.']);
        Assert.Contains("nests deeper", e.Message);
    }

    [Fact]
    public void Ordered_dict_of_rebuilt_tensors_unpickles_to_strided_views()
    {
        var u = SafeUnpickler.Load(new MemoryStream(PickleBytes.OneTensor(8, 3)));
        var dict = Assert.IsType<PyDict>(u.Result);
        var t = Assert.IsType<PickledTensor>(dict.Get("w"));
        Assert.Equal([3L], t.Size);
        Assert.Equal(8, u.Storages["0"].Numel);
    }
}
