namespace CycleGan.Checkpoints;

/// <summary>
/// A checkpoint file is malformed or not allowed (a pickle that references code, a header that lies about
/// sizes). Internal to the readers: the public Read methods turn it into a <see cref="UserError"/> that names the file.
/// </summary>
sealed class CheckpointFormatException(string message) : Exception(message);
