namespace NetGen.Tests;

/// <summary>
/// The fast paths the emitter chooses (register forms for tiny layers, blocked kernels for larger ones) and the fused
/// <c>TrainStep</c>: forward and loss against the double-precision <see cref="ReferenceNetwork"/>, backprop against central
/// finite differences (same tolerances as <see cref="FiniteDifferenceTests"/>), <c>TrainStep</c> against
/// <c>Backward</c> followed by an SGD update, and 0 bytes allocated.
/// </summary>
public class SpeedPathTests
{
    private const double H = 1e-5, Absolute = 1e-5, Relative = 1e-4, KinkMargin = 0.02;

    private static readonly Dictionary<string, Func<int, ITrainableNetwork>> s_trainable = new()
    {
        [nameof(RegScalarChain)] = seed => new RegScalarChain(seed),
        [nameof(RegLanes512)] = seed => new RegLanes512(seed),
        [nameof(RegLanes256Mae)] = seed => new RegLanes256Mae(seed),
        [nameof(RegFeedsKernel)] = seed => new RegFeedsKernel(seed),
        [nameof(KernelFeedsReg)] = seed => new KernelFeedsReg(seed),
        [nameof(RegHinge)] = seed => new RegHinge(seed),
        [nameof(RegScalarGelu)] = seed => new RegScalarGelu(seed),
        [nameof(RegScalarIdentity)] = seed => new RegScalarIdentity(seed),
        [nameof(AudioShaped)] = seed => new AudioShaped(seed),
        [nameof(XorNet)] = seed => new XorNet(seed),
        [nameof(MnistShaped)] = seed => new MnistShaped(seed),
        [nameof(DigitsReluSoftmaxCeMean)] = seed => new DigitsReluSoftmaxCeMean(seed),
        [nameof(DeepMixedMseMean)] = seed => new DeepMixedMseMean(seed),
        [nameof(TanhSigmoidBceMean)] = seed => new TanhSigmoidBceMean(seed),
        [nameof(SoftmaxKlSum)] = seed => new SoftmaxKlSum(seed),
        [nameof(IdentityTanhHingeMean)] = seed => new IdentityTanhHingeMean(seed),
        [nameof(LeakyIdentityHingeSum)] = seed => new LeakyIdentityHingeSum(seed),
        [nameof(SigmoidTanhMaeMean)] = seed => new SigmoidTanhMaeMean(seed),
    };

    public static TheoryData<string> Trainable() => new(s_trainable.Keys);

    public static TheoryData<string> RegisterFormNetworks() =>
        new(s_trainable.Keys.Where(k => k.StartsWith("Reg", StringComparison.Ordinal) || k is nameof(KernelFeedsReg) or nameof(AudioShaped)));

    [Theory]
    [MemberData(nameof(RegisterFormNetworks))]
    public void RegisterFormsMatchTheReferenceAndFiniteDifferences(string name)
    {
        ITrainableNetwork network = s_trainable[name](7);
        ReferenceNetwork reference = ReferenceNetwork.For(network.GetType());
        var random = new SeededRandom(name.Length * 97 + name[0]);
        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] += 0.2f * (random.NextSingle() - 0.5f); // biases start at 0: move them off it
        }
        double[] theta = network.Parameters.ToArray().Select(v => (double)v).ToArray();
        int checkedSamples = 0;
        for (int attempt = 0; attempt < 500 && checkedSamples < 3; attempt++)
        {
            float[] input = Enumerable.Range(0, network.InputSize).Select(_ => 2f * random.NextSingle() - 1f).ToArray();
            float[] target = Target(reference.Loss!.Value, network.OutputSize, ref random);
            double[] x = input.Select(v => (double)v).ToArray(), y = target.Select(v => (double)v).ToArray();
            if (NearKink(reference, theta, x, y))
            {
                continue;
            }
            var output = new float[network.OutputSize];
            network.Forward(input, output);
            PyTorchFixtureTests.AssertClose(reference.Forward(theta, x).A[^1], output, $"{name} output");
            network.ZeroGradients();
            float loss = network.Backward(input, target);
            PyTorchFixtureTests.AssertClose([reference.LossOf(theta, x, y)], [loss], $"{name} loss");
            float[] analytic = network.Gradients.ToArray();
            Assert.True(analytic.Max(Math.Abs) > 1e-3, $"{name}: gradient is (almost) zero, the check would be vacuous");
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

    [Fact]
    public void InferenceOnlyRegisterFormsMatchTheReference()
    {
        var network = new RegStepSign(5);
        ReferenceNetwork reference = ReferenceNetwork.For(typeof(RegStepSign));
        var random = new SeededRandom(11);
        double[] theta = network.Parameters.ToArray().Select(v => (double)v).ToArray();
        for (int s = 0; s < 20; s++)
        {
            float[] input = [2f * random.NextSingle() - 1f, 2f * random.NextSingle() - 1f, 2f * random.NextSingle() - 1f];
            var output = new float[RegStepSign.OutputSize];
            network.Forward(input, output);
            PyTorchFixtureTests.AssertClose(reference.Forward(theta, input.Select(v => (double)v).ToArray()).A[^1], output, $"sample {s}");
        }
    }

    /// <summary>
    /// TrainStep(x, y, η) against ZeroGradients(); Backward(x, y); θ ← θ − η·∇θL on a twin with the same seed, for several
    /// steps: same loss and the same parameters up to float rounding (the fused kernels use fused multiply-adds).
    /// </summary>
    [Theory]
    [MemberData(nameof(Trainable))]
    public void TrainStepEqualsBackwardThenSgd(string name)
    {
        ITrainableNetwork fused = s_trainable[name](3), reference = s_trainable[name](3);
        ReferenceNetwork shape = ReferenceNetwork.For(fused.GetType());
        var random = new SeededRandom(name.Length);
        const float eta = 0.05f;
        for (int step = 0; step < 5; step++)
        {
            float[] input = Enumerable.Range(0, fused.InputSize).Select(_ => 2f * random.NextSingle() - 1f).ToArray();
            float[] target = Target(shape.Loss!.Value, fused.OutputSize, ref random);
            reference.ZeroGradients();
            float expectedLoss = reference.Backward(input, target);
            Span<float> p = reference.Parameters;
            ReadOnlySpan<float> g = reference.Gradients;
            for (int i = 0; i < p.Length; i++)
            {
                p[i] -= eta * g[i];
            }
            float loss = fused.TrainStep(input, target, eta);
            Assert.Equal(expectedLoss, loss, 1e-6f * Math.Max(1f, Math.Abs(expectedLoss)));
            float[] expected = reference.Parameters.ToArray(), actual = fused.Parameters.ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f * Math.Max(1f, Math.Abs(expected[i])),
                    $"{name} step {step} θ[{i}]: TrainStep {actual[i]:R}, Backward + SGD {expected[i]:R}");
            }
        }
        Assert.All(fused.Gradients.ToArray(), v => Assert.Equal(0f, v)); // TrainStep never touches the gradients
    }

    /// <summary>
    /// Dropout (training mode: both twins draw the same masks from the same seeded stream) and batch norm in inference mode
    /// (its γ and β take the step through stack scratch).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TrainStepEqualsBackwardThenSgdWithDropoutAndBatchNorm(bool keras)
    {
        ITrainableNetwork fused = keras ? new KerasMlp(4) : new MixedTrainingNet(4), reference = keras ? new KerasMlp(4) : new MixedTrainingNet(4);
        if (!keras)
        {
            fused.Training = reference.Training = false;
        }
        var random = new SeededRandom(17);
        const float eta = 0.1f;
        for (int step = 0; step < 5; step++)
        {
            float[] input = Enumerable.Range(0, fused.InputSize).Select(_ => 2f * random.NextSingle() - 1f).ToArray();
            float[] target = keras ? [step % 2] : Target(Loss.CrossEntropy, fused.OutputSize, ref random);
            reference.ZeroGradients();
            float expectedLoss = reference.Backward(input, target);
            Span<float> p = reference.Parameters;
            ReadOnlySpan<float> g = reference.Gradients;
            for (int i = 0; i < p.Length; i++)
            {
                p[i] -= eta * g[i];
            }
            float loss = fused.TrainStep(input, target, eta);
            Assert.Equal(expectedLoss, loss, 1e-6f * Math.Max(1f, Math.Abs(expectedLoss)));
            float[] expected = reference.Parameters.ToArray(), actual = fused.Parameters.ToArray();
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f * Math.Max(1f, Math.Abs(expected[i])),
                    $"step {step} θ[{i}]: TrainStep {actual[i]:R}, Backward + SGD {expected[i]:R}");
            }
        }
        if (!keras)
        {
            fused.Training = true;
            Assert.Throws<InvalidOperationException>(() => fused.TrainStep(new float[5], [1, 0, 0, 0], eta));
        }
    }

    [Fact]
    public void TrainStepRejectsABadLearningRateAndChangesNothing()
    {
        var net = new XorNet(seed: 2);
        float[] before = net.Parameters.ToArray();
        foreach (float eta in new[] { 0f, -0.1f, float.NaN, float.PositiveInfinity })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep([0, 1], [1], eta));
            Assert.Equal("learningRate", e.ParamName);
        }
        float[] tooLong = Enumerable.Repeat(0.5f, XorNet.InputSize + 1).ToArray(); // a run-time length: NG4001 checks the literal ones at build time
        Assert.Throws<ArgumentException>(() => net.TrainStep(tooLong, [1], 0.1f));
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void TrainStepAllocatesNothing()
    {
        AssertNoAllocation(new XorNet(), [0, 1], [1]);
        AssertNoAllocation(new AudioShaped(), [0.3f], [0.5f]);
        AssertNoAllocation(new MnistShaped(), new float[784], OneHot(10, 7));
        AssertNoAllocation(new RegFeedsKernel(), [0.1f, 0.2f, 0.3f, 0.4f], OneHot(2, 1));

        static void AssertNoAllocation(ITrainableNetwork net, float[] input, float[] target)
        {
            net.TrainStep(input, target, 0.01f);
            Assert.Equal(0, Allocations.Minimum(() =>
            {
                for (int i = 0; i < 50; i++)
                {
                    net.TrainStep(input, target, 0.01f);
                }
            }));
        }
    }

    private static float[] OneHot(int n, int k)
    {
        var y = new float[n];
        y[k] = 1f;
        return y;
    }

    private static float[] Target(Loss loss, int n, ref SeededRandom random)
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
            case Loss.CrossEntropy or Loss.KLDivergence:
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
        }
        double[] yHat = As[^1];
        return reference.Loss switch
        {
            Loss.MeanAbsoluteError => yHat.Zip(y).Any(p => Math.Abs(p.First - p.Second) < KinkMargin),
            Loss.Hinge => yHat.Zip(y).Any(p => Math.Abs(1 - p.First * p.Second) < KinkMargin),
            _ => false,
        };
    }
}

/// <summary>ForwardBatch and TrainStepBatch through the generated surface.</summary>
public class BatchedSurfaceTests
{
    private static readonly Dictionary<string, Func<int, ITrainableNetwork>> s_networks = new()
    {
        [nameof(XorNet)] = seed => new XorNet(seed),
        [nameof(AudioShaped)] = seed => new AudioShaped(seed),
        [nameof(MnistShaped)] = seed => new MnistShaped(seed),
        [nameof(DigitsReluSoftmaxCeMean)] = seed => new DigitsReluSoftmaxCeMean(seed),
        [nameof(WideReluTanhSoftmaxCeSum)] = seed => new WideReluTanhSoftmaxCeSum(seed),
        [nameof(RegFeedsKernel)] = seed => new RegFeedsKernel(seed),
        [nameof(KernelFeedsReg)] = seed => new KernelFeedsReg(seed),
        [nameof(DeepMixedMseMean)] = seed => new DeepMixedMseMean(seed),
        [nameof(KerasMlp)] = seed => new KerasMlp(seed),
        [nameof(MixedTrainingNet)] = seed => new MixedTrainingNet(seed),
    };

    public static TheoryData<string> Networks() => new(s_networks.Keys);

    /// <summary>Every row equals Forward of that row, bit for bit, for batches around the tile size.</summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void ForwardBatchEqualsForwardPerSampleBitForBit(string name)
    {
        ITrainableNetwork net = s_networks[name](5);
        var random = new SeededRandom(name.Length + 3);
        foreach (int batch in new[] { 0, 1, 2, 3, 7, 33, 64, 65, 130 })
        {
            float[] x = Enumerable.Range(0, batch * net.InputSize).Select(_ => 2f * random.NextSingle() - 1f).ToArray();
            var batched = new float[batch * net.OutputSize];
            net.ForwardBatch(x, batched, batch);
            var one = new float[net.OutputSize];
            for (int s = 0; s < batch; s++)
            {
                net.Forward(x.AsSpan(s * net.InputSize, net.InputSize), one);
                Assert.Equal(one, batched.AsSpan(s * net.OutputSize, net.OutputSize).ToArray());
            }
        }
    }

    /// <summary>TrainStepBatch against ZeroGradients; BackwardBatch; θ ← θ − (η/B)·∇θ on a twin, for several steps.</summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void TrainStepBatchEqualsBackwardBatchThenSgd(string name)
    {
        ITrainableNetwork fused = s_networks[name](6), reference = s_networks[name](6);
        var random = new SeededRandom(name.Length + 11);
        const float eta = 0.05f;
        foreach (int batch in new[] { 2, 5, 32 })
        {
            float[] x = Enumerable.Range(0, batch * fused.InputSize).Select(_ => 2f * random.NextSingle() - 1f).ToArray();
            float[] y = Enumerable.Range(0, batch * fused.OutputSize).Select(_ => random.NextSingle()).ToArray();
            for (int s = 0; s < batch; s++)
            {
                float sum = y.AsSpan(s * fused.OutputSize, fused.OutputSize).ToArray().Sum();
                for (int k = 0; k < fused.OutputSize; k++)
                {
                    y[s * fused.OutputSize + k] /= sum; // a probability vector: valid for every loss of these networks
                }
            }
            reference.ZeroGradients();
            var expectedLosses = new float[batch];
            float expected = reference.BackwardBatch(x, y, batch, expectedLosses);
            Span<float> p = reference.Parameters;
            ReadOnlySpan<float> g = reference.Gradients;
            for (int i = 0; i < p.Length; i++)
            {
                p[i] -= eta / batch * g[i];
            }
            var losses = new float[batch];
            float total = fused.TrainStepBatch(x, y, batch, eta, losses);
            // The twins' parameters differ by float rounding after the first step, so later losses agree to rounding too.
            Assert.Equal(expected, total, 1e-5f * Math.Max(1f, Math.Abs(expected)));
            for (int s = 0; s < batch; s++)
            {
                Assert.Equal(expectedLosses[s], losses[s], 1e-5f * Math.Max(1f, Math.Abs(expectedLosses[s])));
            }
            float[] e = reference.Parameters.ToArray(), a = fused.Parameters.ToArray();
            for (int i = 0; i < e.Length; i++)
            {
                Assert.True(Math.Abs(e[i] - a[i]) <= 1e-6f * Math.Max(1f, Math.Abs(e[i])), $"{name} batch {batch} θ[{i}]: {a[i]:R} vs {e[i]:R}");
            }
            float[] es = reference.RunningStatistics.ToArray(), stats = fused.RunningStatistics.ToArray();
            for (int i = 0; i < es.Length; i++)
            {
                Assert.True(Math.Abs(es[i] - stats[i]) <= 1e-6f * Math.Max(1f, Math.Abs(es[i])), $"{name} running statistic {i}: {stats[i]:R} vs {es[i]:R}");
            }
        }
        Assert.All(fused.Gradients.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void BatchedMethodsAllocateNothingAndCheckTheirArguments()
    {
        var net = new MnistShaped(1);
        var x = new float[32 * 784];
        var y = new float[32 * 10];
        for (int s = 0; s < 32; s++)
        {
            y[s * 10 + s % 10] = 1f;
        }
        var output = new float[32 * 10];
        net.ForwardBatch(x, output, 32);
        net.TrainStepBatch(x, y, 32, 0.01f);
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                net.ForwardBatch(x, output, 32);
                net.TrainStepBatch(x, y, 32, 0.01f);
                net.BackwardBatch(x, y, 32);
            }
        }));
        var audio = new AudioShaped(1);
        var ax = new float[16];
        var ay = new float[16];
        audio.ForwardBatch(ax, ay, 16);
        audio.TrainStepBatch(ax, ay, 16, 0.01f);
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            audio.ForwardBatch(ax, ay, 16);
            audio.TrainStepBatch(ax, ay, 16, 0.01f);
        }));

        float[] before = net.Parameters.ToArray();
        // Wrong lengths on purpose, to test the run-time guards that NG4001 reports at build time.
#pragma warning disable NG4001
        Assert.Throws<ArgumentException>(() => net.ForwardBatch(new float[784 * 2], new float[10 * 3], 2));
        Assert.Throws<ArgumentException>(() => net.ForwardBatch(new float[784], new float[10], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ForwardBatch(default, default, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStepBatch(x, y, 32, 0f));
        Assert.Throws<ArgumentException>(() => net.TrainStepBatch(x, y, 31, 0.1f));
#pragma warning restore NG4001
        Assert.Equal(before, net.Parameters.ToArray());
        float[] shared = new float[784 * 2];
        Assert.Throws<ArgumentException>(() => net.ForwardBatch(shared, shared.AsSpan(0, 20), 2));
    }

    [Fact]
    public void ForwardBatchIsSafeFromManyThreadsOnOneInstance()
    {
        var net = new MnistShaped(2);
        var random = new SeededRandom(9);
        float[] x = Enumerable.Range(0, 40 * 784).Select(_ => random.NextSingle()).ToArray();
        var expected = new float[40 * 10];
        net.ForwardBatch(x, expected, 40);
        Parallel.For(0, 8, _ =>
        {
            var output = new float[40 * 10];
            for (int i = 0; i < 20; i++)
            {
                net.ForwardBatch(x, output, 40);
                Assert.Equal(expected, output);
            }
        });
    }
}
