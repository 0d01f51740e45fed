namespace NetGen.Tests;

/// <summary>
/// Generated backprop against finite differences. The loss is the plain double-precision <see cref="ReferenceNetwork"/>
/// read from the same attributes, differentiated by central differences with h = 1e-5 (truncation h²·L‴/6 ≈ 1e-11,
/// rounding ε·L/h ≈ 1e-11), so the only error left is the generated code's float32 arithmetic: agreement within
/// 1e-5 + 1e-4·|g|. The generated forward output and loss are checked against the same reference first.
/// Samples are drawn so that no ReLU/LeakyReLU pre-activation, MAE residual or hinge margin lies within 0.02 of its
/// kink (where no derivative exists and finite differences mean nothing).
/// </summary>
public class FiniteDifferenceTests
{
    private const double H = 1e-5, Absolute = 1e-5, Relative = 1e-4, KinkMargin = 0.02;

    private static readonly Dictionary<string, Func<ITrainableNetwork>> s_factories = new()
    {
        [nameof(FdIdentityMse)] = () => new FdIdentityMse(1),
        [nameof(FdIdentityMae)] = () => new FdIdentityMae(2),
        [nameof(FdIdentityHinge)] = () => new FdIdentityHinge(3),
        [nameof(FdSigmoidMse)] = () => new FdSigmoidMse(4),
        [nameof(FdSigmoidMae)] = () => new FdSigmoidMae(5),
        [nameof(FdSigmoidBce)] = () => new FdSigmoidBce(6),
        [nameof(FdTanhMse)] = () => new FdTanhMse(7),
        [nameof(FdTanhMae)] = () => new FdTanhMae(8),
        [nameof(FdTanhHinge)] = () => new FdTanhHinge(9),
        [nameof(FdReluMse)] = () => new FdReluMse(10),
        [nameof(FdReluMae)] = () => new FdReluMae(11),
        [nameof(FdLeakyMse)] = () => new FdLeakyMse(12),
        [nameof(FdLeakyMae)] = () => new FdLeakyMae(13),
        [nameof(FdLeakyHinge)] = () => new FdLeakyHinge(14),
        [nameof(FdGeluMse)] = () => new FdGeluMse(15),
        [nameof(FdGeluMae)] = () => new FdGeluMae(16),
        [nameof(FdSoftmaxCe)] = () => new FdSoftmaxCe(17),
        [nameof(FdSoftmaxKl)] = () => new FdSoftmaxKl(18),
        [nameof(FdSoftmaxMse)] = () => new FdSoftmaxMse(19),
        [nameof(FdSoftmaxMae)] = () => new FdSoftmaxMae(20),
        [nameof(FdWideCe)] = () => new FdWideCe(21),
        [nameof(FdEluMse)] = () => new FdEluMse(22),
        [nameof(FdSeluHuber)] = () => new FdSeluHuber(23),
        [nameof(FdSoftplusHuber)] = () => new FdSoftplusHuber(24),
        [nameof(FdSiluMse)] = () => new FdSiluMse(25),
        [nameof(FdMishMae)] = () => new FdMishMae(26),
        [nameof(FdHardTanhMse)] = () => new FdHardTanhMse(27),
        [nameof(FdHardSigmoidHuber)] = () => new FdHardSigmoidHuber(28),
        [nameof(FdHardSwishMse)] = () => new FdHardSwishMse(29),
        [nameof(FdIdentityHuberOne)] = () => new FdIdentityHuberOne(30),
        [nameof(FdLogSoftmaxNll)] = () => new FdLogSoftmaxNll(31),
        [nameof(FdWideNll)] = () => new FdWideNll(32),
        [nameof(FdWideHuber)] = () => new FdWideHuber(33),
    };

    public static TheoryData<string> Networks() => new(s_factories.Keys);

    [Fact]
    public void EveryDifferentiableActivationMeetsEveryLossItPairsWith()
    {
        var pairs = s_factories.Values.Select(f => ReferenceNetwork.For(f().GetType()))
            .Select(r => (Output: r.Layers[^1].Activation, Loss: r.Loss!.Value)).ToHashSet();
        (Activation, Loss)[] expected =
        [
            (Activation.Identity, Loss.MeanSquaredError), (Activation.Identity, Loss.MeanAbsoluteError), (Activation.Identity, Loss.Hinge),
            (Activation.Sigmoid, Loss.MeanSquaredError), (Activation.Sigmoid, Loss.MeanAbsoluteError), (Activation.Sigmoid, Loss.BinaryCrossEntropy),
            (Activation.Tanh, Loss.MeanSquaredError), (Activation.Tanh, Loss.MeanAbsoluteError), (Activation.Tanh, Loss.Hinge),
            (Activation.ReLU, Loss.MeanSquaredError), (Activation.ReLU, Loss.MeanAbsoluteError),
            (Activation.LeakyReLU, Loss.MeanSquaredError), (Activation.LeakyReLU, Loss.MeanAbsoluteError), (Activation.LeakyReLU, Loss.Hinge),
            (Activation.GELU, Loss.MeanSquaredError), (Activation.GELU, Loss.MeanAbsoluteError),
            (Activation.Softmax, Loss.CrossEntropy), (Activation.Softmax, Loss.KLDivergence), (Activation.Softmax, Loss.MeanSquaredError), (Activation.Softmax, Loss.MeanAbsoluteError),
            (Activation.ELU, Loss.MeanSquaredError), (Activation.SELU, Loss.Huber), (Activation.Softplus, Loss.Huber), (Activation.SiLU, Loss.MeanSquaredError),
            (Activation.Mish, Loss.MeanAbsoluteError), (Activation.HardTanh, Loss.MeanSquaredError), (Activation.HardSigmoid, Loss.Huber),
            (Activation.HardSwish, Loss.MeanSquaredError), (Activation.Identity, Loss.Huber), (Activation.LogSoftmax, Loss.NegativeLogLikelihood),
        ];
        Assert.All(expected, pair => Assert.Contains(pair, pairs));
        var hidden = s_factories.Values.SelectMany(f => ReferenceNetwork.For(f().GetType()).Layers.SkipLast(1)).Select(l => l.Activation).ToHashSet();
        Assert.Superset(new HashSet<Activation> { Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.ReLU, Activation.LeakyReLU, Activation.GELU,
            Activation.ELU, Activation.SELU, Activation.Softplus, Activation.SiLU, Activation.Mish, Activation.HardTanh, Activation.HardSigmoid, Activation.HardSwish }, hidden);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void BackpropMatchesFiniteDifferences(string name)
    {
        ITrainableNetwork network = s_factories[name]();
        ReferenceNetwork reference = ReferenceNetwork.For(network.GetType());
        Assert.Equal(network.ParameterCount, reference.ParameterCount);

        var random = new SeededRandom(name.Sum(c => c) * 31 + name.Length);
        // Biases start at 0; move them so that their gradients are exercised in general position.
        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += 0.2f * (random.NextSingle() - 0.5f);
        }
        double[] theta = network.Parameters.ToArray().Select(v => (double)v).ToArray();

        int checkedSamples = 0;
        for (int attempt = 0; attempt < 500 && checkedSamples < 3; attempt++)
        {
            float[] input = Enumerable.Range(0, network.InputSize).Select(_ => 2f * random.NextSingle() - 1f).ToArray();
            float[] target = MakeTarget(reference.Loss!.Value, network.OutputSize, ref random);
            double[] x = input.Select(v => (double)v).ToArray(), y = target.Select(v => (double)v).ToArray();
            if (NearKink(reference, theta, x, y))
            {
                continue;
            }

            // Forward and loss against the reference.
            var output = new float[network.OutputSize];
            network.Forward(input, output);
            var (_, As) = reference.Forward(theta, x);
            PyTorchFixtureTests.AssertClose(As[^1], output, $"{name} output");
            network.ZeroGradients();
            float loss = network.Backward(input, target);
            PyTorchFixtureTests.AssertClose([reference.LossOf(theta, x, y)], [loss], $"{name} loss");

            // Every gradient against central differences of the reference loss.
            float[] analytic = network.Gradients.ToArray();
            Assert.True(analytic.Max(v => Math.Abs(v)) > 1e-3, $"{name}: gradient is (almost) zero, the check would be vacuous");
            for (int j = 0; j < theta.Length; j++)
            {
                double saved = theta[j];
                theta[j] = saved + H;
                double plus = reference.LossOf(theta, x, y);
                theta[j] = saved - H;
                double minus = reference.LossOf(theta, x, y);
                theta[j] = saved;
                double numeric = (plus - minus) / (2 * H);
                Assert.True(Math.Abs(numeric - analytic[j]) <= Absolute + Relative * Math.Abs(numeric),
                    $"{name} θ[{j}]: backprop {analytic[j]:R}, finite difference {numeric:R}");
            }
            checkedSamples++;
        }
        Assert.Equal(3, checkedSamples);
    }

    private static float[] MakeTarget(Loss loss, int n, ref SeededRandom random)
    {
        var y = new float[n];
        switch (loss)
        {
            case Loss.Hinge:
                for (int i = 0; i < n; i++) y[i] = random.NextSingle() < 0.5f ? -1f : 1f;
                break;
            case Loss.BinaryCrossEntropy:
                for (int i = 0; i < n; i++) y[i] = random.NextSingle() < 0.5f ? 0f : 1f;
                break;
            case Loss.CrossEntropy or Loss.KLDivergence or Loss.NegativeLogLikelihood:
                // A soft probability target (sums to 1), so every class contributes.
                for (int i = 0; i < n; i++) y[i] = 0.1f + random.NextSingle();
                float sum = y.Sum();
                for (int i = 0; i < n; i++) y[i] /= sum;
                break;
            default:
                for (int i = 0; i < n; i++) y[i] = 2f * random.NextSingle() - 1f;
                break;
        }
        return y;
    }

    private static bool NearKink(ReferenceNetwork reference, double[] theta, double[] x, double[] y)
    {
        var (zs, As) = reference.Forward(theta, x);
        for (int l = 0; l < reference.Layers.Count; l++)
        {
            if (reference.Layers[l].Activation is Activation.ReLU or Activation.LeakyReLU && zs[l].Any(z => Math.Abs(z) < KinkMargin))
            {
                return true;
            }
            // The kinks of the piecewise activations of issue 12: ELU/SELU at 0 (f″ jumps), HardTanh at ±1, HardSigmoid and HardSwish at ±3.
            double[] kinks = reference.Layers[l].Activation switch
            {
                Activation.ELU or Activation.SELU => [0],
                Activation.HardTanh => [-1, 1],
                Activation.HardSigmoid or Activation.HardSwish => [-3, 3],
                _ => [],
            };
            if (zs[l].Any(z => kinks.Any(k => Math.Abs(z - k) < KinkMargin)))
            {
                return true;
            }
        }
        double[] yHat = As[^1];
        return reference.Loss switch
        {
            Loss.MeanAbsoluteError => yHat.Zip(y).Any(p => Math.Abs(p.First - p.Second) < KinkMargin),
            Loss.Hinge => yHat.Zip(y).Any(p => Math.Abs(1 - p.First * p.Second) < KinkMargin),
            Loss.Huber => yHat.Zip(y).Any(p => Math.Abs(Math.Abs(p.First - p.Second) - reference.HuberDelta) < KinkMargin),
            _ => false,
        };
    }
}
