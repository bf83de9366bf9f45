using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace CycleGan.Checkpoints;

/// <summary>
/// A pickle virtual machine for what <c>torch.save</c> writes (protocols 0–5). It never executes code: globals
/// resolve only from an allow-list (OrderedDict, the tensor rebuild functions, typed storages, torch.Size,
/// torch.device); any other global is refused with an error that names it. Lengths are checked against the
/// remaining input before anything is allocated, and container nesting is bounded.
/// </summary>
public sealed class SafeUnpickler
{
    const int MaxMarkDepth = 10_000;
    const int MaxTensorDims = 64;

    static readonly HashSet<string> AllowedGlobals =
    [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "torch.Size",
        "torch.device",
        "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage",
        "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage",
        "torch.ByteStorage", "torch.BoolStorage",
    ];

    static readonly UTF8Encoding StrictUtf8 = new(false, true);

    readonly Stream _in;
    readonly long _end;
    readonly List<object?> _stack = [];
    readonly Stack<int> _marks = new();
    readonly Dictionary<long, object?> _memo = [];
    readonly Dictionary<string, PickledStorage> _storages = new(StringComparer.Ordinal);
    long _opStart;

    SafeUnpickler(Stream input)
    {
        _in = input;
        _end = input.Length;
    }

    /// <summary>The storages the pickle referenced, by key, in order of first reference.</summary>
    public IReadOnlyDictionary<string, PickledStorage> Storages => _storages;

    /// <summary>The object the pickle produced.</summary>
    public object? Result { get; private set; }

    /// <summary>
    /// Reads one pickle from the stream's current position up to its STOP opcode and leaves the stream right
    /// after it. Throws <see cref="CheckpointFormatException"/> on anything malformed or not allowed.
    /// </summary>
    public static SafeUnpickler Load(Stream input)
    {
        var u = new SafeUnpickler(input);
        u.Result = u.Run();
        return u;
    }

    static CheckpointFormatException Error(string message) => new(message);

    long Remaining => _end - _in.Position;

    byte ReadByte()
    {
        var b = _in.ReadByte();
        if (b < 0) throw Error("pickle ends early (no STOP opcode)");
        return (byte)b;
    }

    byte[] ReadBytes(long n)
    {
        if (n < 0 || n > Remaining)
            throw Error($"pickle at byte {_opStart} claims {n} bytes but only {Remaining} remain");
        var buf = new byte[n];
        _in.ReadExactly(buf);
        return buf;
    }

    ushort ReadU16() => BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2));
    int ReadI32() => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
    uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    long ReadU64AsLength()
    {
        var v = BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
        if (v > (ulong)Remaining) throw Error($"pickle at byte {_opStart} claims {v} bytes but only {Remaining} remain");
        return (long)v;
    }

    string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            var b = ReadByte();
            if (b == (byte)'\n') break;
            if (sb.Length > 1 << 16) throw Error($"pickle text line at byte {_opStart} is too long");
            sb.Append((char)b);
        }
        return sb.ToString();
    }

    string Utf8(byte[] bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Error($"pickle string at byte {_opStart} is not valid UTF-8"); }
    }

    static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    void Push(object? o) => _stack.Add(o);

    object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count <= _marks.Peek()))
            throw Error($"pickle stack underflow at byte {_opStart}");
        var o = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    object? Peek()
    {
        if (_stack.Count == 0) throw Error($"pickle stack underflow at byte {_opStart}");
        return _stack[^1];
    }

    List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Error($"pickle at byte {_opStart} needs a MARK that is not there");
        var m = _marks.Pop();
        var items = _stack.GetRange(m, _stack.Count - m);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    void Memoize(long index, object? value)
    {
        if (index < 0) throw Error($"negative memo index at byte {_opStart}");
        _memo[index] = value;
    }

    object? MemoGet(long index) =>
        _memo.TryGetValue(index, out var v) ? v : throw Error($"pickle at byte {_opStart} reads memo " +
            $"slot {index}, which was never written");

    object? Run()
    {
        while (true)
        {
            _opStart = _in.Position;
            var op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    var proto = ReadByte();
                    if (proto > 5) throw Error($"pickle protocol {proto} is newer than 5");
                    break;
                case 0x95: // FRAME: only a hint for buffering
                    ReadU64AsLength();
                    break;
                case (byte)'.': // STOP
                    var result = Pop();
                    return result;
                case (byte)'(': // MARK
                    if (_marks.Count >= MaxMarkDepth) throw Error($"pickle nests deeper than {MaxMarkDepth} levels");
                    _marks.Push(_stack.Count);
                    break;
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopMark(); break; // POP_MARK
                case (byte)'2': Push(Peek()); break; // DUP

                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case (byte)'J': Push((long)ReadI32()); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break; // BININT1
                case (byte)'M': Push((long)ReadU16()); break; // BININT2
                case 0x8a: Push(Long(ReadBytes(ReadByte()))); break; // LONG1
                case 0x8b: // LONG4
                    var n4 = ReadI32();
                    if (n4 < 0) throw Error($"negative LONG4 length at byte {_opStart}");
                    Push(Long(ReadBytes(n4)));
                    break;
                case (byte)'I': Push(ParseIntLine(ReadLine())); break; // INT (also 00/01 = False/True)
                case (byte)'L': Push(ParseIntLine(ReadLine().TrimEnd('L'))); break; // LONG
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
                case (byte)'F': // FLOAT
                    var fl = ReadLine();
                    Push(double.TryParse(fl, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
                        out var d)
                        ? d : throw Error($"bad FLOAT '{fl}' at byte {_opStart}"));
                    break;

                case (byte)'X': Push(Utf8(ReadBytes(ReadU32()))); break; // BINUNICODE
                case 0x8c: Push(Utf8(ReadBytes(ReadByte()))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(ReadBytes(ReadU64AsLength()))); break; // BINUNICODE8
                case (byte)'T': // BINSTRING (Python 2 str)
                    var ns = ReadI32();
                    if (ns < 0) throw Error($"negative BINSTRING length at byte {_opStart}");
                    Push(Latin1(ReadBytes(ns)));
                    break;
                case (byte)'U': Push(Latin1(ReadBytes(ReadByte()))); break; // SHORT_BINSTRING
                case (byte)'B': Push(ReadBytes(ReadU32())); break; // BINBYTES
                case (byte)'C': Push(ReadBytes(ReadByte())); break; // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(ReadU64AsLength())); break; // BINBYTES8
                case 0x96: Push(ReadBytes(ReadU64AsLength())); break; // BYTEARRAY8

                case (byte)'}': Push(new PyDict()); break; // EMPTY_DICT
                case (byte)'d': // DICT
                    {
                        var items = PopMark();
                        if (items.Count % 2 != 0) throw Error($"DICT with an odd number of items at byte {_opStart}");
                        var dict = new PyDict();
                        for (var i = 0; i < items.Count; i += 2) dict.Set(items[i], items[i + 1]);
                        Push(dict);
                        break;
                    }
                case (byte)']': Push(new List<object?>()); break; // EMPTY_LIST
                case (byte)'l': Push(PopMark()); break; // LIST
                case (byte)')': Push(new PyTuple([])); break; // EMPTY_TUPLE
                case (byte)'t': Push(new PyTuple([.. PopMark()])); break; // TUPLE
                case 0x85: Push(new PyTuple([Pop()])); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new PyTuple([a, b])); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple([a, b, c])); break; } // TUPLE3
                case 0x8f: Push(new List<object?>()); break; // EMPTY_SET (kept as a list)
                case 0x90: // ADDITEMS
                    {
                        var items = PopMark();
                        if (Peek() is not List<object?> set) throw Error($"ADDITEMS on a non-set at byte {_opStart}");
                        set.AddRange(items);
                        break;
                    }
                case 0x91: Push(PopMark()); break; // FROZENSET

                case (byte)'a': // APPEND
                    {
                        var v = Pop();
                        if (Peek() is not List<object?> list) throw Error($"APPEND on a non-list at byte {_opStart}");
                        list.Add(v);
                        break;
                    }
                case (byte)'e': // APPENDS
                    {
                        var items = PopMark();
                        if (Peek() is not List<object?> list) throw Error($"APPENDS on a non-list at byte {_opStart}");
                        list.AddRange(items);
                        break;
                    }
                case (byte)'s': // SETITEM
                    {
                        var v = Pop();
                        var k = Pop();
                        if (Peek() is not PyDict dict) throw Error($"SETITEM on a non-dict at byte {_opStart}");
                        dict.Set(k, v);
                        break;
                    }
                case (byte)'u': // SETITEMS
                    {
                        var items = PopMark();
                        if (items.Count % 2 != 0) throw Error($"SETITEMS with an odd number of items at byte {_opStart}");
                        if (Peek() is not PyDict dict) throw Error($"SETITEMS on a non-dict at byte {_opStart}");
                        for (var i = 0; i < items.Count; i += 2) dict.Set(items[i], items[i + 1]);
                        break;
                    }

                case (byte)'q': Memoize(ReadByte(), Peek()); break; // BINPUT
                case (byte)'r': Memoize(ReadU32(), Peek()); break; // LONG_BINPUT
                case 0x94: Memoize(_memo.Count, Peek()); break; // MEMOIZE
                case (byte)'p': Memoize(ParseIntLine(ReadLine()), Peek()); break; // PUT
                case (byte)'h': Push(MemoGet(ReadByte())); break; // BINGET
                case (byte)'j': Push(MemoGet(ReadU32())); break; // LONG_BINGET
                case (byte)'g': Push(MemoGet(ParseIntLine(ReadLine()))); break; // GET

                case (byte)'c': // GLOBAL
                    {
                        var module = ReadLine();
                        var name = ReadLine();
                        Push(ResolveGlobal(module, name));
                        break;
                    }
                case 0x93: // STACK_GLOBAL
                    {
                        var name = Pop();
                        var module = Pop();
                        if (module is not string m || name is not string n) throw Error($"STACK_GLOBAL without " +
                            $"two strings at byte {_opStart}");
                        Push(ResolveGlobal(m, n));
                        break;
                    }
                case (byte)'R': // REDUCE
                    {
                        var args = Pop();
                        var callable = Pop();
                        Push(Call(callable, args));
                        break;
                    }
                case 0x81: // NEWOBJ: cls.__new__(cls, *args); only allow-listed classes reach here
                    {
                        var args = Pop();
                        var cls = Pop();
                        Push(Call(cls, args));
                        break;
                    }
                case 0x92: // NEWOBJ_EX
                    {
                        var kwargs = Pop();
                        var args = Pop();
                        var cls = Pop();
                        if (kwargs is not PyDict { Entries.Count: 0 }) throw Error($"NEWOBJ_EX with keyword arguments at byte {_opStart}");
                        Push(Call(cls, args));
                        break;
                    }
                case (byte)'b': // BUILD
                    {
                        var state = Pop();
                        Build(Peek(), state);
                        break;
                    }
                case (byte)'Q': Push(PersistentLoad(Pop())); break; // BINPERSID
                case (byte)'P': Push(PersistentLoad(ReadLine())); break; // PERSID

                case (byte)'i': // INST
                case (byte)'o': // OBJ
                    throw Error($"refusing to load: pickle opcode {(op == 'i' ? "INST" : "OBJ")} at byte {_opStart} builds arbitrary " +
                        $"objects; only tensors, storages and plain containers are allowed");
                case 0x82: case 0x83: case 0x84: // EXT1/2/4
                    throw Error($"refusing to load: pickle uses the extension registry (opcode 0x{op:x2}) at byte {_opStart}; only " +
                        $"tensors, storages and plain containers are allowed");
                case 0x97: case 0x98: // NEXT_BUFFER / READONLY_BUFFER
                    throw Error($"pickle uses out-of-band buffers (opcode 0x{op:x2}) at byte {_opStart}, which torch.save never writes");
                default:
                    throw Error($"unknown pickle opcode 0x{op:x2} at byte {_opStart}");
            }
        }
    }

    long ParseIntLine(string line)
    {
        if (line == "00") return 0;
        if (line == "01") return 1;
        return long.TryParse(line, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture,
            out var v)
            ? v : throw Error($"bad integer '{(line.Length > 40 ? line[..40] + "…" : line)}' at byte {_opStart}");
    }

    /// <summary>Little-endian two's complement; as a long when it fits (all sizes and offsets must).</summary>
    static object Long(byte[] bytes)
    {
        var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (object)(long)big : big;
    }

    object ResolveGlobal(string module, string name)
    {
        var full = module + "." + name;
        if (!AllowedGlobals.Contains(full))
        {
            var shown = full.Length > 200 ? full[..200] + "…" : full;
            throw Error($"refusing to load: pickle references {shown}; only tensors, storages and plain containers are allowed");
        }
        return new PyGlobal(module, name);
    }

    object? Call(object? callable, object? args)
    {
        if (callable is not PyGlobal g) throw Error($"pickle at byte {_opStart} calls something that is not an allowed global");
        if (args is not PyTuple t) throw Error($"pickle at byte {_opStart} calls {g} without an argument tuple");
        var a = t.Items;
        switch (g.ToString())
        {
            case "collections.OrderedDict":
                {
                    var dict = new PyDict();
                    if (a.Length == 0) return dict;
                    if (a.Length == 1 && a[0] is List<object?> pairs)
                    {
                        foreach (var pair in pairs)
                            if (pair is PyTuple { Items.Length: 2 } kv) dict.Set(kv.Items[0], kv.Items[1]);
                            else throw Error($"OrderedDict built from something other than pairs at byte {_opStart}");
                        return dict;
                    }
                    throw Error($"unsupported OrderedDict arguments at byte {_opStart}");
                }
            case "torch._utils._rebuild_tensor_v2" when a.Length is 6 or 7:
            case "torch._utils._rebuild_tensor" when a.Length == 4:
                return RebuildTensor(a);
            case "torch._utils._rebuild_parameter" when a.Length is 2 or 3:
                return a[0] is PickledTensor p ? p : throw Error($"_rebuild_parameter without a tensor at byte {_opStart}");
            case "torch.Size" when a.Length <= 1:
                return a.Length == 0 ? new PyTuple([]) : a[0] is PyTuple st ? st : throw Error($"torch.Size " +
                    $"without a tuple at byte {_opStart}");
            case "torch.device" when a.Length is 1 or 2:
                return a[0] is string dev ? dev : throw Error($"torch.device without a name at byte {_opStart}");
            default:
                throw Error($"pickle at byte {_opStart} calls {g} with {a.Length} arguments, which torch.save never writes");
        }
    }

    PickledTensor RebuildTensor(object?[] a)
    {
        if (a[0] is not PickledStorage storage) throw Error($"tensor rebuild without a storage at byte {_opStart}");
        var offset = AsLong(a[1], "storage offset");
        var size = LongTuple(a[2], "size");
        var stride = LongTuple(a[3], "stride");
        if (size.Length != stride.Length) throw Error($"tensor at byte {_opStart} has {size.Length} sizes but {stride.Length} strides");
        if (a.Length == 7 && a[6] is not (null or PyDict)) throw Error($"tensor metadata at byte {_opStart} is not a dict");
        ValidateView(storage, offset, size, stride);
        return new PickledTensor(storage, offset, size, stride);
    }

    /// <summary>The view must stay inside its storage: every element index offset + Σ (size−1)·stride &lt; numel.</summary>
    void ValidateView(PickledStorage storage, long offset, long[] size, long[] stride)
    {
        if (offset < 0) throw Error($"negative storage offset at byte {_opStart}");
        try
        {
            long numel = 1, last = offset;
            for (var i = 0; i < size.Length; i++)
            {
                if (size[i] < 0 || stride[i] < 0) throw Error($"negative size or stride at byte {_opStart}");
                numel = checked(numel * size[i]);
                if (size[i] > 0) last = checked(last + (size[i] - 1) * stride[i]);
            }
            if (numel > 0 && last >= storage.Numel)
                throw Error($"tensor at byte {_opStart} reaches element {last} of storage '{storage.Key}', which holds {storage.Numel}");
        }
        catch (OverflowException)
        {
            throw Error($"tensor size or stride at byte {_opStart} overflows");
        }
    }

    long AsLong(object? o, string what) => o is long v ? v : throw Error($"{what} at byte {_opStart} is not an integer");

    long[] LongTuple(object? o, string what)
    {
        if (o is not PyTuple t) throw Error($"{what} at byte {_opStart} is not a tuple");
        if (t.Items.Length > MaxTensorDims) throw Error($"{what} at byte {_opStart} has {t.Items.Length} dimensions");
        return [.. t.Items.Select(x => AsLong(x, what))];
    }

    void Build(object? target, object? state)
    {
        // torch.save's OrderedDict carries `_metadata` (module versions) as instance state.
        if (target is PyDict dict && state is PyDict attrs)
        {
            foreach (var (k, v) in attrs.Entries)
                if (k is string name) dict.Attributes[name] = v;
                else throw Error($"BUILD with a non-string attribute name at byte {_opStart}");
            return;
        }
        if (target is PickledTensor && state is null or PyDict { Entries.Count: 0 }) return;
        throw Error($"pickle at byte {_opStart} sets state on a {Describe(target)}, which torch.save never does");
    }

    object PersistentLoad(object? pid)
    {
        if (pid is not PyTuple { Items.Length: 5 or 6 } t || t.Items[0] is not "storage")
            throw Error($"unsupported persistent id at byte {_opStart} (expected ('storage', type, key, location, numel))");
        var a = t.Items;
        if (a[1] is not PyGlobal g || g.Module != "torch" || !DTypes.TryFromStorageName(g.Name, out var dtype))
            throw Error($"persistent id at byte {_opStart} names an unsupported storage type {Describe(a[1])}");
        if (a[2] is not string key) throw Error($"storage key at byte {_opStart} is not a string");
        var location = a[3] as string ?? "cpu";
        var numel = AsLong(a[4], "storage size");
        if (numel < 0) throw Error($"negative storage size at byte {_opStart}");
        if (a.Length == 6 && a[5] is not null)
            throw Error($"storage '{key}' is a view of another storage (PyTorch ≤ 0.4 legacy views), which is not supported; re-save " +
                $"the checkpoint with a recent PyTorch");
        if (_storages.TryGetValue(key, out var existing))
        {
            if (existing.DType != dtype || existing.Numel != numel)
                throw Error($"storage '{key}' is declared twice with different types or sizes");
            return existing;
        }
        var s = new PickledStorage(key, dtype, numel, location);
        _storages[key] = s;
        return s;
    }

    static string Describe(object? o) => o switch
    {
        null => "None",
        PyGlobal g => g.ToString(),
        PyDict => "dict",
        PyTuple => "tuple",
        List<object?> => "list",
        PickledTensor => "tensor",
        PickledStorage => "storage",
        string => "str",
        long or BigInteger => "int",
        _ => o.GetType().Name,
    };
}
