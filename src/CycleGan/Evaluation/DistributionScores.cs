using System.Text.Json.Serialization;

namespace CycleGan.Evaluation;

/// <summary>
/// FD-ResNet18 and KD-ResNet18 between two image folders (<see cref="ResNet18Features"/>). Not comparable
/// with FID/KID numbers computed on Inception-v3 features.
/// </summary>
public sealed record DistributionScores(
    [property: JsonPropertyName("fd_resnet18")] double FdResNet18,
    [property: JsonPropertyName("kd_resnet18")] double KdResNet18,
    [property: JsonPropertyName("kd_resnet18_std")] double KdResNet18Std,
    [property: JsonPropertyName("kd_subsets")] int KdSubsets,
    [property: JsonPropertyName("kd_subset_size")] int KdSubsetSize,
    [property: JsonPropertyName("images_a")] int ImagesA,
    [property: JsonPropertyName("images_b")] int ImagesB)
{
    [JsonPropertyName("note")]
    public string Note => "ResNet18 (ImageNet) pooled features; not comparable with Inception-based FID/KID";

    public static DistributionScores Compute(double[][] a, double[][] b, int subsets = 100, int? subsetSize = null, int seed = 0) =>
        From(FrechetDistance.Compute(a, b), KernelDistance.Compute(a, b, subsets, subsetSize, seed), a.Length, b.Length);

    public static DistributionScores From(double fd, KernelDistanceResult kd, int imagesA, int imagesB) =>
        new(fd, kd.Mean, kd.Std, kd.Subsets, kd.SubsetSize, imagesA, imagesB);
}
