namespace CycleGan.Data;

/// <summary>
/// A collated batch, as the official DataLoader gives it: <c>A</c> [N, C, H, W], <c>B</c> (null for single data),
/// <c>A_paths</c>, <c>B_paths</c>. Make tensors with <see cref="HostTensor.ToTensor"/> inside the step's dispose scope.
/// </summary>
public sealed record DataBatch(HostTensor A, HostTensor? B, IReadOnlyList<string> APaths, IReadOnlyList<string>? BPaths)
{
    public int Count => APaths.Count;

    /// <summary>Official <c>default_collate</c>: stacks equally shaped items; differing sizes are a <see cref="UserError"/>.</summary>
    public static DataBatch Collate(IReadOnlyList<DataItem> items)
    {
        if (items.Count == 0) throw new ArgumentException("an empty batch", nameof(items));
        var a = Stack(items.Select(i => i.A).ToList(), items, "A");
        HostTensor? b = items[0].B == null ? null : Stack(items.Select(i => i.B!).ToList(), items, "B");
        return new DataBatch(a, b, items.Select(i => i.APath).ToList(), items[0].BPath == null ? null : items.Select(i => i.BPath!)
            .ToList());
    }

    static HostTensor Stack(IReadOnlyList<HostTensor> parts, IReadOnlyList<DataItem> items, string side)
    {
        var shape = parts[0].Shape;
        for (int i = 1; i < parts.Count; i++)
            if (!parts[i].Shape.SequenceEqual(shape))
                throw new UserError($"images in one batch differ in size after preprocessing ({side}: {items[0].APath} is " +
                                    $"[{string.Join(", ", shape)}], " +
                                    $"{items[i].APath} is [{string.Join(", ", parts[i].Shape)}]); use --batch_size 1 or a " +
                                    $"--preprocess mode with a crop");
        int n = parts[0].Data.Length;
        var data = new float[checked(n * parts.Count)];
        for (int i = 0; i < parts.Count; i++) Array.Copy(parts[i].Data, 0, data, (long)i * n, n);
        return new HostTensor(data, [parts.Count, .. shape]);
    }
}
