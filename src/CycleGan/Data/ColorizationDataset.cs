namespace CycleGan.Data;

/// <summary>
/// Official <c>ColorizationDataset</c>: the RGB images of <c>&lt;dataroot&gt;/&lt;phase&gt;</c>, transformed as
/// usual (without grayscale), converted to CIE Lab (<see cref="LabColor"/>); A is the L channel scaled to [-1, 1]
/// (L / 50 − 1), B the ab channels divided by 110. Both paths are the image's.
/// </summary>
public sealed class ColorizationDataset : IImageDataset
{
    readonly DataOptions _o;

    public IReadOnlyList<string> Paths { get; }
    public int Count => Paths.Count;
    public IReadOnlyList<string> Files => Paths;

    public ColorizationDataset(DataOptions o)
    {
        o.Validate();
        // Official: assert(opt.input_nc == 1 and opt.output_nc == 2 and opt.direction == 'AtoB').
        if (o.InputNc != 1 || o.OutputNc != 2 || o.IsBtoA)
            throw new UserError("--dataset_mode colorization needs --input_nc 1 --output_nc 2 --direction AtoB "
                + $"(got {o.InputNc}, {o.OutputNc}, {o.Direction})");
        _o = o;
        Paths = ImageFolder.ListNonEmpty(Path.Combine(o.Dataroot, o.Phase), o.MaxDatasetSize).Where(f => !o.Exclude.Contains(f)).ToList();
    }

    public DataItem GetItem(int index, Rng rng)
    {
        var path = Paths[index];
        var rgb = ImageTransform.Apply(ImageFile.LoadRgb(path), _o, null, grayscale: false, rng, path);
        var (a, b) = LabColor.ToDatasetTensors(rgb);
        return new DataItem(a, b, path, path);
    }
}
