using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// <see cref="Optimizer.Step(ITrainableNetwork, int)"/> zeroes the gradient inside its update loop instead of a separate
/// <c>ZeroGradients()</c> pass: the same bits as the old sequence (checked span step, then <c>ZeroGradients</c>), the gradients
/// left at zero, nothing changed on a refused step, no allocation.
/// </summary>
public class OptimizerZeroingStepTests
{
    /// <summary>Every kernel branch: Sgd's three loops (plain, weight decay, momentum/Nesterov), RmsProp's and Adam's options.</summary>
    private static readonly string[] s_names =
    [
        "sgd", "sgd-decay", "sgd-momentum", "sgd-dampened-decay", "sgd-nesterov", "rmsprop", "rmsprop-centered-momentum-decay",
        "adam", "adam-decay-amsgrad", "adamw", "adamw-amsgrad",
    ];

    public static TheoryData<string> Configurations() => new(s_names);

    private static Optimizer Make(string name) => name switch
    {
        "sgd" => new Sgd(0.1f),
        "sgd-decay" => new Sgd(0.1f, weightDecay: 0.01f),
        "sgd-momentum" => new Sgd(0.1f, momentum: 0.9f),
        "sgd-dampened-decay" => new Sgd(0.1f, momentum: 0.9f, dampening: 0.1f, weightDecay: 0.01f),
        "sgd-nesterov" => new Sgd(0.1f, momentum: 0.9f, nesterov: true, weightDecay: 1e-3f),
        "rmsprop" => new RmsProp(0.01f),
        "rmsprop-centered-momentum-decay" => new RmsProp(0.01f, momentum: 0.5f, centered: true, weightDecay: 0.01f),
        "adam" => new Adam(0.01f),
        "adam-decay-amsgrad" => new Adam(0.01f, weightDecay: 0.01f, amsGrad: true),
        "adamw" => new AdamW(0.01f),
        "adamw-amsgrad" => new AdamW(0.01f, amsGrad: true),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    private static int[][] StateBits(Optimizer optimizer) => optimizer.StateNames.Select(n => Bits(optimizer.State(n))).ToArray();

    [Theory]
    [MemberData(nameof(Configurations))]
    public void FusedSteps_OnEveryLength_EqualSpanStepThenClear_BitForBit(string name)
    {
        // Lengths 0..70 reach every vector width's main loop and scalar tail (and Sgd's n ≥ width conditions); 1000 and 4099
        // many vectors. Three steps with fresh gradients, so momentum and moment buffers carry over (first and later steps).
        foreach (int n in Enumerable.Range(0, 71).Concat([1000, 4099]))
        {
            var random = new SeededRandom(n + 7);
            float[] initial = Enumerable.Range(0, n).Select(_ => random.NextSingle() - 0.5f).ToArray();
            float[][] gradients = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, n).Select(_ => (random.NextSingle() - 0.5f) * 4f).ToArray()).ToArray();
            Optimizer old = Make(name), fused = Make(name), trainers = Make(name);
            float[] a = (float[])initial.Clone(), b = (float[])initial.Clone(), c = (float[])initial.Clone();
            foreach (float[] gt in gradients)
            {
                float[] ga = (float[])gt.Clone(), gb = (float[])gt.Clone(), gc = (float[])gt.Clone();
                old.Step(a, ga, 0.25f);
                ga.AsSpan().Clear();
                fused.StepAndZero(b, gb, 0.25f, null);
                trainers.StepCheckedAndZero(c, gc, 0.25f);              // the Trainer's step (no check: its norm has read g)
                Assert.Equal(Bits(a), Bits(b));
                Assert.Equal(Bits(a), Bits(c));
                Assert.All(gb, g => Assert.Equal(0, BitConverter.SingleToInt32Bits(g)));
                Assert.All(gc, g => Assert.Equal(0, BitConverter.SingleToInt32Bits(g)));
                Assert.Equal(StateBits(old), StateBits(fused));
                Assert.Equal(StateBits(old), StateBits(trainers));
                Assert.Equal(old.StepCount, fused.StepCount);
                Assert.Equal(old.StepCount, trainers.StepCount);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void StepOnANetwork_EqualsSpanStepThenZeroGradients_AndLeavesTheGradientsZero(string name)
    {
        // Through the public surface: a network trained with Step(net, 4) against a twin trained with the old sequence.
        var net = new MnistMlp(seed: 3);
        var twin = new MnistMlp(seed: 3);
        Optimizer optimizer = Make(name), reference = Make(name);
        var random = new SeededRandom(11);
        float[] x = Enumerable.Range(0, 4 * MnistMlp.InputSize).Select(_ => random.NextSingle()).ToArray();
        float[] y = new float[4 * MnistMlp.OutputSize];
        for (int s = 0; s < 4; s++)
        {
            y[s * MnistMlp.OutputSize + s % MnistMlp.OutputSize] = 1f;
        }
        for (int t = 0; t < 4; t++)
        {
            float loss = net.BackwardBatch(x, y, 4);
            Assert.Equal(loss, twin.BackwardBatch(x, y, 4));
            optimizer.Step(net, batchSize: 4);
            reference.Step(twin.Parameters, twin.Gradients, 1f / 4);
            twin.ZeroGradients();
            Assert.Equal(Bits(twin.Parameters), Bits(net.Parameters));
            Assert.Equal(StateBits(reference), StateBits(optimizer));
            Assert.Equal(reference.StepCount, optimizer.StepCount);
            Assert.All(net.Gradients.ToArray(), g => Assert.Equal(0, BitConverter.SingleToInt32Bits(g)));
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void FusedStep_OnANonFiniteGradient_ChangesNothing(string name)
    {
        // A refused fused step leaves θ, the gradient (not half-zeroed), the state and the step count as they were.
        foreach (int n in new[] { 1, 7, 16, 17, 33, 100 })
        {
            foreach (int bad in new[] { 0, n / 2, n - 1 }.Distinct())
            {
                Optimizer optimizer = Make(name);
                float[] parameters = Enumerable.Range(0, n).Select(i => 0.01f * i).ToArray();
                float[] gradients = Enumerable.Range(0, n).Select(i => 0.5f - 0.01f * i).ToArray();
                optimizer.StepAndZero(parameters, gradients, 1f, null);
                gradients = Enumerable.Range(0, n).Select(i => 0.25f + 0.01f * i).ToArray();
                gradients[bad] = bad % 2 == 0 ? float.NaN : float.NegativeInfinity;
                int[] p = Bits(parameters), g = Bits(gradients);
                int[][] state = StateBits(optimizer);

                var e = Assert.Throws<NonFiniteException>(() => optimizer.StepAndZero(parameters, gradients, 1f, null));

                Assert.Equal(bad, e.ParameterIndex);
                Assert.Equal(p, Bits(parameters));
                Assert.Equal(g, Bits(gradients));
                Assert.Equal(state, StateBits(optimizer));
                Assert.Equal(1, optimizer.StepCount);
            }
        }
    }

    [Fact]
    public void StepOnANetwork_AllocatesNothingAfterTheFirst()
    {
        var net = new MnistMlp(seed: 1);
        foreach (string name in s_names)
        {
            Optimizer optimizer = Make(name);
            optimizer.Step(net, batchSize: 2);
            Assert.Equal(0, Allocations.Minimum(() =>
            {
                for (int i = 0; i < 10; i++)
                {
                    optimizer.Step(net, batchSize: 2);
                }
            }));
        }
    }
}
