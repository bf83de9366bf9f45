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
        var cmd = new Command("combine", "The official datasets/combine_A_and_B.py: A and B images of the same name side by side "
            + "(A left), for --dataset_mode aligned");
        var binder = new OptionBinder<CombineOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var o = binder.Bind(parse);
            var output = parse.InvocationConfiguration.Output;
            var r = CombineAandB.Run(o, output.WriteLine);
            if (r.MissingPartners.Count > 0)
                output.WriteLine($"warning: {r.MissingPartners.Count} A image(s) without a B partner were skipped: "
                    + string.Join(", ", r.MissingPartners.Take(10)) + (r.MissingPartners.Count > 10 ? ", ..." : ""));
            output.WriteLine($"wrote {r.Total} pair(s) into {o.FoldAB} ("
                + string.Join(", ", r.Written.Select(kv => $"{kv.Key}: {kv.Value}")) + ")");
            return 0;
        });
        return cmd;
    }

    static Command CreateSynth()
    {
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
            With --video --frames N: a camera pan and zoom through one scene instead: frames/, labels/, flow/ (exact
            optical flow, .flo), clip.mp4 (lossless), video.json.
            """);
        var binder = new OptionBinder<SynthOptions>(cmd);
        cmd.SetAction(parse =>
        {
            var options = binder.Bind(parse);
            var r = options.Video ? Video.SynthVideo.WriteClip(options) : SynthDataset.Write(options);
            if (options.Video)
            {
                parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote a {options.Frames}-frame {r.Size} px clip with exact flow and label maps (clip.mp4, frames/, labels/, " +
                    $"flow/) to {r.Root} in {r.Elapsed.TotalSeconds:F1} s"));
                return 0;
            }
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {r.Train} trainA + {r.Train} trainB + {r.Train} train pairs, {r.Test} test scenes (testA, testB, test " +
                $"pairs), {r.Size} px, style {(int)r.Style} ({r.Style}), to {r.Root} in {r.Elapsed.TotalSeconds:F1} s"));
            return 0;
        });
        return cmd;
    }
}
