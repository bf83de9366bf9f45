namespace CycleGan.Data;

/// <summary>The random choices of one official <c>get_params</c> call: crop position and horizontal flip.</summary>
public sealed record TransformParams(int CropX, int CropY, bool Flip);
