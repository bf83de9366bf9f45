using System.CommandLine;
using System.Globalization;
using CycleGan.Data.Synth;

namespace CycleGan.Cli.Commands;

/// <summary>`cyclegan datasets synth`: writes a procedural dataset (see <see cref="SynthDataset"/>).</summary>
public static class DatasetsCommand
{
    public static Command Create()
    {
        var datasets = new Command("datasets", "Make datasets");
        datasets.Subcommands.Add(CreateSynth());
        return datasets;
    }

    static Command CreateSynth()
    {
        var kind = new Option<string>("--kind") { Description = "Scene family: streets", DefaultValueFactory = _ => "streets" };
        var output = new Option<string>("--out") { Description = "Dataset root to create (use it as --dataroot)", Required = true };
        var size = new Option<int>("--size") { Description = "Image width and height in pixels (multiple of 4, at least 16)", DefaultValueFactory = _ => 64 };
        var train = new Option<int>("--train") { Description = "Training scenes per domain", DefaultValueFactory = _ => 400 };
        var test = new Option<int>("--test") { Description = "Test scenes", DefaultValueFactory = _ => 100 };
        var seed = new Option<long>("--seed") { Description = "Random seed; the same options give the same bytes", DefaultValueFactory = _ => 0 };
        var style = new Option<int>("--style") { Description = "Photo style: 1 day, 2 dusk/night with lit windows, lamps and fog (label maps are the same)", DefaultValueFactory = _ => 1 };
        var force = new Option<bool>("--force") { Description = "Write into a non-empty --out, replacing the dataset folders and files there (other files are kept)" };
        var cmd = new Command("synth", """
            Generate a deterministic synthetic unpaired dataset with paired ground truth.
            A = label maps (flat palette colours, palette.json), B = photo-like renderings.
            Layout under --out:
              trainA/a_*.png  label maps          trainB/b_*.png  photos of other scenes (unpaired)
              train/a_*.png   trainA scenes as pairs, labels (A) left | photo (B) right (pix2pix, aligned)
              testA/t_*.png   test label maps     testB/t_*.png   photos of the same scenes (same stem)
              test/t_*.png    test pairs, labels (A) left | photo (B) right
              palette.json, synth.json, README.txt
            CycleGAN AtoB is labels -> photo, BtoA photo -> labels.
            """)
        {
            kind, output, size, train, test, seed, style, force,
        };
        cmd.SetAction(parse =>
        {
            var options = new SynthOptions(parse.GetValue(output)!, parse.GetValue(kind)!, parse.GetValue(size), parse.GetValue(train),
                parse.GetValue(test), parse.GetValue(seed), parse.GetValue(style), parse.GetValue(force));
            var r = SynthDataset.Write(options);
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {r.Train} trainA + {r.Train} trainB + {r.Train} train pairs, {r.Test} test scenes (testA, testB, test pairs), {r.Size} px, style {(int)r.Style} ({r.Style}), to {r.Root} in {r.Elapsed.TotalSeconds:F1} s"));
            return 0;
        });
        return cmd;
    }
}
