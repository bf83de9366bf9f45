namespace CycleGan.Data;

/// <summary>
/// Official <c>AlignedDataset</c> (pix2pix): each image of <c>&lt;dataroot&gt;/&lt;phase&gt;</c> holds A and B side
/// by side, split at w2 = int(w / 2); both halves get the same crop position and flip.
/// </summary>
public sealed class AlignedDataset : IImageDataset
{
    readonly DataOptions _o;
    readonly bool _grayA, _grayB;

    public IReadOnlyList<string> ABPaths { get; }
    public int Count => ABPaths.Count;
    public IReadOnlyList<string> Files => ABPaths;

    public AlignedDataset(DataOptions o)
    {
        o.Validate();
        // Official: assert(self.opt.load_size >= self.opt.crop_size).
        if (o.LoadSize < o.CropSize)
            throw new UserError($"--load_size {o.LoadSize} is smaller than --crop_size {o.CropSize}; aligned data " +
                $"needs load_size >= crop_size");
        _o = o;
        ABPaths = ImageFolder.ListNonEmpty(Path.Combine(o.Dataroot, o.Phase), o.MaxDatasetSize).Where(f => !o.Exclude.Contains(f)).ToList();
        _grayA = (o.IsBtoA ? o.OutputNc : o.InputNc) == 1;
        _grayB = (o.IsBtoA ? o.InputNc : o.OutputNc) == 1;
    }

    public DataItem GetItem(int index, Rng rng)
    {
        var path = ABPaths[index];
        var ab = ImageFile.LoadRgb(path);
        int w2 = ab.Width / 2;
        if (w2 == 0) throw new UserError($"{path}: {ab.Width}x{ab.Height} is too narrow to hold A and B side by side");
        var a = ImageTransform.Crop(ab, 0, 0, w2, ab.Height);
        var b = ImageTransform.Crop(ab, w2, 0, ab.Width - w2, ab.Height);
        var p = ImageTransform.GetParams(_o, a.Width, a.Height, rng);
        var ta = ImageTransform.Apply(a, _o, p, _grayA, rng, path);
        var tb = ImageTransform.Apply(b, _o, p, _grayB, rng, path);
        return new DataItem(ImageTensor.ToHost(ta), ImageTensor.ToHost(tb), path, path);
    }
}
