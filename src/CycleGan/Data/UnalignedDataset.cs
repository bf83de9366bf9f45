namespace CycleGan.Data;

/// <summary>
/// Official <c>UnalignedDataset</c>: A from <c>&lt;dataroot&gt;/&lt;phase&gt;A</c>, B from <c>&lt;phase&gt;B</c>;
/// A index = index mod |A|, B index = index mod |B| with <c>--serial_batches</c>, else uniformly random;
/// length max(|A|, |B|). Each side gets its own random crop and flip.
/// </summary>
public sealed class UnalignedDataset : IImageDataset
{
    readonly DataOptions _o;
    readonly bool _grayA, _grayB;

    public IReadOnlyList<string> APaths { get; }
    public IReadOnlyList<string> BPaths { get; }
    public int Count => Math.Max(APaths.Count, BPaths.Count);
    public IReadOnlyList<string> Files => [.. APaths, .. BPaths];

    public UnalignedDataset(DataOptions o)
    {
        o.Validate();
        _o = o;
        APaths = ImageFolder.ListNonEmpty(Path.Combine(o.Dataroot, o.Phase + "A"), o.MaxDatasetSize).Where(f => !o.Exclude.Contains(f))
            .ToList();
        BPaths = ImageFolder.ListNonEmpty(Path.Combine(o.Dataroot, o.Phase + "B"), o.MaxDatasetSize).Where(f => !o.Exclude.Contains(f))
            .ToList();
        // Official: with BtoA the A folder feeds the output side, so it gets output_nc channels.
        _grayA = (o.IsBtoA ? o.OutputNc : o.InputNc) == 1;
        _grayB = (o.IsBtoA ? o.InputNc : o.OutputNc) == 1;
    }

    public DataItem GetItem(int index, Rng rng)
    {
        var aPath = APaths[index % APaths.Count];
        int indexB = _o.SerialBatches ? index % BPaths.Count : rng.NextInt(BPaths.Count);
        var bPath = BPaths[indexB];
        var a = ImageTransform.Apply(ImageFile.LoadRgb(aPath), _o, null, _grayA, rng, aPath);
        var b = ImageTransform.Apply(ImageFile.LoadRgb(bPath), _o, null, _grayB, rng, bPath);
        return new DataItem(ImageTensor.ToHost(a), ImageTensor.ToHost(b), aPath, bPath);
    }
}
