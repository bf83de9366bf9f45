namespace CycleGan.Serving;

/// <summary>The visuals the training page saved for one epoch (<c>web/images/epoch%03d_&lt;name&gt;.png</c>), as URLs.</summary>
public sealed record EpochVisuals(int Epoch, IReadOnlyDictionary<string, string> Images);
