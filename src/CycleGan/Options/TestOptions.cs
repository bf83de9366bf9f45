namespace CycleGan.Options;

/// <summary>
/// The official <c>options/test_options.py</c>: base options plus results_dir, aspect_ratio, phase, eval,
/// num_test (model_suffix is --model test's own); the test defaults (model test, load_size = crop_size) and the values
/// <c>test.py</c> forces (batch_size 1, serial_batches, no_flip).
/// </summary>
public record TestOptions : BaseOptions
{
    [Option("results_dir", "saves results here")]
    public string ResultsDir { get; set; } = "./results/";
    [Option("aspect_ratio", "aspect ratio of result images")]
    public double AspectRatio { get; set; } = 1.0;
    [Option("phase", "train, val, test, etc")]
    public string Phase { get; set; } = "test";
    [Option("eval", "use eval mode during test time")]
    public bool Eval { get; set; }
    [Option("num_test", "how many test images to run")]
    public int NumTest { get; set; } = 50;
    /// <summary>The job-array flags (<c>--shard</c>, <c>--shards</c>, <c>--fail_fast</c>).</summary>
    [OptionGroup]
    public ShardOptions Sharding { get; set; } = new();

    public TestOptions()
    {
        Model = "test";
        LoadSize = CropSize;
    }

    /// <summary>What the official test.py hard-codes after parsing.</summary>
    public void ApplyTestOverrides()
    {
        NumThreads = 0;
        BatchSize = 1;
        SerialBatches = true;
        NoFlip = true;
    }
}
