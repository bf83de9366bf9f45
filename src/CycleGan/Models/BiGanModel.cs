using CycleGan.Networks;
using CycleGan.Options;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CycleGan.Models;

/// <summary>
/// BiGAN / ALI (Donahue et al. 2017; Dumoulin et al. 2017) as the CycleGAN paper used it for translation: the latent
/// code is replaced by the source image. G: A→B plays BiGAN's generator (z = a source image), E: B→A its encoder, and
/// one conditional PatchGAN D judges the joint pair cat(a, b): (E(b), b) from the data side is "real", (a, G(a)) from
/// the generator side is "fake". G and E are trained together with the labels swapped. Translation is G(a). G and E
/// use the --netG options, D the --netD options on input_nc + output_nc channels.
/// </summary>
public sealed class BiGanModel : GanModel
{
    readonly Module<Tensor, Tensor> _g;
    readonly Training? _training;

    public BiGanModel(ModelContext c) : base(c)
    {
        _g = AddNetwork("G", Generator(c.Opt.InputNc, c.Opt.OutputNc));
        if (c.Train is { } t) _training = new Training(this, t);
    }

    /// <summary>What exists only when training: the encoder E, the joint D, the GAN loss and the two optimizers.</summary>
    sealed class Training
    {
        public Training(BiGanModel m, TrainOptions t)
        {
            E = m.AddNetwork("E", m.Generator(t.OutputNc, t.InputNc));
            D = m.AddNetwork("D", m.Discriminator(t.InputNc + t.OutputNc));
            Gan = GanLoss.For(t);
            OptG = m.Adam(t, m._g, E);
            OptD = m.Adam(t, D);
        }

        public Module<Tensor, Tensor> E { get; }
        public Module<Tensor, Tensor> D { get; }
        public GanLoss Gan { get; }
        public OptimizerGroup OptG { get; }
        public OptimizerGroup OptD { get; }
    }

    Training Train => _training ?? throw BuiltForTesting();

    /// <summary>The joint pairs of one forward pass: (a, G(a)) from the generator side, (E(b), b) from the data side.</summary>
    sealed record Pass(Tensor FakeB, Tensor FakeA, Tensor Generated, Tensor Encoded);

    public override IReadOnlyList<string> LossNames { get; } = ["G", "E", "D_real", "D_fake"];
    public override IReadOnlyList<string> VisualNames =>
        IsTrain ? ["real_A", "fake_B", "real_B", "fake_A"] : ["real_A", "fake_B", "real_B"];

    public override void SetInput(Tensor a, Tensor? b, IReadOnlyList<string> aPaths, IReadOnlyList<string>? bPaths) =>
        TakeInput(a, b, aPaths, bPaths,
            IsTrain ? "--model bigan needs images from both domains to train (use --dataset_mode unaligned)" : null);

    protected override IEnumerable<(string Name, Tensor? Value)> ForwardVisuals() =>
        [("real_A", RealA), ("fake_B", _g.forward(RealA)), ("real_B", RealBIfAny)];

    /// <summary>forward() when training: G(a) and E(b) and the pairs D judges.</summary>
    Pass Forward(Training p)
    {
        var fakeB = _g.forward(RealA);
        var fakeA = p.E.forward(RealB);
        return new(fakeB, fakeA, cat([RealA, fakeB], 1), cat([fakeA, RealB], 1));
    }

    public override void OptimizeParameters(Rng rng)
    {
        var p = Train;
        using var scope = NewDisposeScope();
        var f = Phase("G, E forward", () => Forward(p));

        StepGenerator(p.OptG, p.OptD, () => BackwardG(p, f), who: "G, E");
        StepDiscriminator(p.OptD, () => BackwardD(p, f));
        Phase("record visuals", () => RecordVisuals([("real_A", RealA), ("fake_B", f.FakeB), ("real_B", RealB), ("fake_A", f.FakeA)]));
    }

    /// <summary>G and E: BiGAN's generator/encoder objective (the labels of the D step swapped), one backward.</summary>
    void BackwardG(Training p, Pass f)
    {
        var lossG = p.Gan.Compute(p.D.forward(f.Generated), true);
        var lossE = p.Gan.Compute(p.D.forward(f.Encoded), false);
        Scalars.Sum(lossG, lossE).backward();
        RecordLoss("G", lossG);
        RecordLoss("E", lossE);
    }

    /// <summary>D: the encoded pair is real, the generated pair fake; the mean (+ WGAN-GP's penalty), one backward.</summary>
    void BackwardD(Training p, Pass f)
    {
        var encoded = f.Encoded.detach();
        var generated = f.Generated.detach();
        var lossDReal = p.Gan.Compute(p.D.forward(encoded), true);
        var lossDFake = p.Gan.Compute(p.D.forward(generated), false);
        var lossD = p.Gan.WithGradientPenalty(Scalars.Sum(lossDReal, lossDFake).mul(Scalars.Half), p.D, encoded, generated);
        lossD.backward();
        RecordLoss("D_real", lossDReal);
        RecordLoss("D_fake", lossDFake);
    }
}
