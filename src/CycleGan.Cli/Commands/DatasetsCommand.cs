using System.CommandLine;
using System.Globalization;
using CycleGan.Data;
using CycleGan.Data.Synth;

namespace CycleGan.Cli.Commands;

/// <summary>
/// `cyclegan datasets synth`: writes a procedural dataset (see <see cref="SynthDataset"/>); `cyclegan datasets
/// combine`: the official combine_A_and_B.py (see <see cref="CombineAandB"/>).
/// </summary>
public static class DatasetsCommand
{
    public static Command Create()
    {
        var datasets = new Command("datasets", "Make datasets");
        datasets.Subcommands.Add(CreateSynth());
        datasets.Subcommands.Add(CreateCombine());
        return datasets;
    }

    static Command CreateCombine()
    {
        var foldA = new Option<string>("--fold_A") { Description = "input directory for image A (split folders: train, val, test, ...)", Required = true };
        var foldB = new Option<string>("--fold_B") { Description = "input directory for image B (the same split folders and file names)", Required = true };
        var foldAB = new Option<string>("--fold_AB") { Description = "output directory", Required = true };
        var numImgs = new Option<int>("--num_imgs") { Description = "number of images per split (default: 1000000)", DefaultValueFactory = _ => 1_000_000 };
        var useAB = new Option<bool>("--use_AB") { Description = "if true: (0001_A, 0001_B) to (0001_AB)" };
        var serial = new Option<bool>("--no_multiprocessing") { Description = "one image at a time instead of one per core" };
        var cmd = new Command("combine", "The official datasets/combine_A_and_B.py: A and B images of the same name side by side (A left), for --dataset_mode aligned")
        {
            foldA, foldB, foldAB, numImgs, useAB, serial,
        };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var r = CombineAandB.Run(new CombineOptions
            {
                FoldA = parse.GetValue(foldA)!, FoldB = parse.GetValue(foldB)!, FoldAB = parse.GetValue(foldAB)!,
                NumImgs = parse.GetValue(numImgs), UseAB = parse.GetValue(useAB), NoMultiprocessing = parse.GetValue(serial),
            }, output.WriteLine);
            if (r.MissingPartners.Count > 0)
                output.WriteLine($"warning: {r.MissingPartners.Count} A image(s) without a B partner were skipped: "
                    + string.Join(", ", r.MissingPartners.Take(10)) + (r.MissingPartners.Count > 10 ? ", ..." : ""));
            output.WriteLine($"wrote {r.Total} pair(s) into {parse.GetValue(foldAB)} ("
                + string.Join(", ", r.Written.Select(kv => $"{kv.Key}: {kv.Value}")) + ")");
            return 0;
        });
        return cmd;
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
