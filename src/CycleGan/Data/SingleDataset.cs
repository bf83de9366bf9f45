namespace CycleGan.Data;

/// <summary>Official <c>SingleDataset</c> (test model): the images of <c>&lt;dataroot&gt;</c> itself, A only.</summary>
public sealed class SingleDataset : IImageDataset
{
    readonly DataOptions _o;
    readonly bool _gray;

    public IReadOnlyList<string> APaths { get; }
    public int Count => APaths.Count;
    public IReadOnlyList<string> Files => APaths;

    public SingleDataset(DataOptions o)
    {
        o.Validate();
        _o = o;
        APaths = ImageFolder.ListNonEmpty(o.Dataroot, o.MaxDatasetSize).Where(f => !o.Exclude.Contains(f)).ToList();
        _gray = (o.IsBtoA ? o.OutputNc : o.InputNc) == 1;
    }

    public DataItem GetItem(int index, Rng rng)
    {
        var path = APaths[index];
        var a = ImageTransform.Apply(ImageFile.LoadRgb(path), _o, null, _gray, rng, path);
        return new DataItem(ImageTensor.ToHost(a), null, path, null);
    }
}
