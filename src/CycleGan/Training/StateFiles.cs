namespace CycleGan.Training;

/// <summary>
/// The files of a saved training state, by name: a <c>train_state/</c> folder, or the bytes of one that rank 0 sent
/// (<see cref="Pack"/>), so that every rank of an MPI job loads the same state the same way without a shared disk.
/// </summary>
public sealed class StateFiles
{
    readonly Func<string, byte[]?> _read;

    StateFiles(string where, Func<string, byte[]?> read)
    {
        Where = where;
        _read = read;
    }

    /// <summary>Where the files are, for messages (the folder; for received bytes, rank 0's folder).</summary>
    public string Where { get; }

    public static StateFiles Folder(string dir) =>
        new(dir, name => File.Exists(Path.Combine(dir, name)) ? File.ReadAllBytes(Path.Combine(dir, name)) : null);

    /// <summary>Files packed by <see cref="Pack"/>.</summary>
    public static StateFiles Unpack(byte[] packed, string where)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var r = new BinaryReader(new MemoryStream(packed));
        while (r.BaseStream.Position < r.BaseStream.Length) files[r.ReadString()] = r.ReadBytes(r.ReadInt32());
        return new(where, files.GetValueOrDefault);
    }

    /// <summary>The files of a state folder as one byte array, in name order; <paramref name="skip"/> leaves some out.</summary>
    public static byte[] Pack(string dir, Func<string, bool>? skip = null)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
            foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (skip?.Invoke(name) == true) continue;
                var bytes = File.ReadAllBytes(file);
                w.Write(name);
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        return ms.ToArray();
    }

    public bool Exists(string name) => _read(name) is not null;

    /// <summary>A file's bytes; a missing one is a user error naming it.</summary>
    public byte[] Read(string name) => _read(name)
        ?? throw new UserError($"the training state in {Where} has no {name}; it is incomplete (start a new run or another --name)");
}
