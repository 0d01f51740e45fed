namespace NetGen.Tests;

/// <summary>
/// Generated networks with the activations and losses of issue 12 (see <c>GradientCheckNetworks.cs</c>): the batched forward
/// pass equals the one-sample pass bit for bit, every entry point allocates nothing, and a LogSoftmax output is a
/// log-probability vector.
/// </summary>
public class ExtendedActivationNetworkTests
{
    private static readonly Dictionary<string, Func<ITrainableNetwork>> s_networks = new()
    {
        [nameof(FdEluMse)] = () => new FdEluMse(1),
        [nameof(FdSeluHuber)] = () => new FdSeluHuber(1),
        [nameof(FdSoftplusHuber)] = () => new FdSoftplusHuber(1),
        [nameof(FdSiluMse)] = () => new FdSiluMse(1),
        [nameof(FdMishMae)] = () => new FdMishMae(1),
        [nameof(FdHardTanhMse)] = () => new FdHardTanhMse(1),
        [nameof(FdHardSigmoidHuber)] = () => new FdHardSigmoidHuber(1),
        [nameof(FdHardSwishMse)] = () => new FdHardSwishMse(1),
        [nameof(FdIdentityHuberOne)] = () => new FdIdentityHuberOne(1),
        [nameof(FdLogSoftmaxNll)] = () => new FdLogSoftmaxNll(1),
        [nameof(FdWideNll)] = () => new FdWideNll(1),
        [nameof(FdWideHuber)] = () => new FdWideHuber(1),
    };

    public static TheoryData<string> Networks() => new(s_networks.Keys);

    [Theory]
    [MemberData(nameof(Networks))]
    public void ForwardBatch_EqualsForwardPerSample_BitForBit(string name)
    {
        ITrainableNetwork net = s_networks[name]();
        var random = new SeededRandom(name.Length + 7);
        const int batch = 7;
        float[] x = Enumerable.Range(0, batch * net.InputSize).Select(_ => 6 * random.NextSingle() - 3).ToArray();
        var batched = new float[batch * net.OutputSize];
        net.ForwardBatch(x, batched, batch);
        var one = new float[net.OutputSize];
        for (int s = 0; s < batch; s++)
        {
            net.Forward(x.AsSpan(s * net.InputSize, net.InputSize), one);
            Assert.Equal(one, batched.AsSpan(s * net.OutputSize, net.OutputSize).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void EveryEntryPoint_AllocatesNothing(string name)
    {
        ITrainableNetwork net = s_networks[name]();
        const int batch = 4;
        float[] x = new float[batch * net.InputSize], y = new float[batch * net.OutputSize], output = new float[batch * net.OutputSize], losses = new float[batch];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 7 - 3) * 0.3f;
        for (int i = 0; i < y.Length; i++) y[i] = 1f / net.OutputSize;
        // Grow the workspace first; then no call allocates.
        net.BackwardBatch(x, y, batch, losses);
        net.TrainStepBatch(x, y, batch, 1e-3f, losses);
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            net.Forward(x.AsSpan(0, net.InputSize), output.AsSpan(0, net.OutputSize));
            net.ForwardBatch(x, output, batch);
            net.Backward(x.AsSpan(0, net.InputSize), y.AsSpan(0, net.OutputSize));
            net.TrainStep(x.AsSpan(0, net.InputSize), y.AsSpan(0, net.OutputSize), 1e-3f);
            net.BackwardBatch(x, y, batch, losses);
            net.TrainStepBatch(x, y, batch, 1e-3f, losses);
        }));
    }

    [Fact]
    public void LogSoftmaxOutput_IsALogProbabilityVector()
    {
        var net = new FdWideNll(3);
        var random = new SeededRandom(5);
        float[] x = Enumerable.Range(0, FdWideNll.InputSize).Select(_ => 4 * random.NextSingle() - 2).ToArray();
        var logP = new float[FdWideNll.OutputSize];
        net.Forward(x, logP);
        Assert.All(logP, v => Assert.True(v <= 0f, $"log-probability {v} > 0"));
        Assert.Equal(1.0, logP.Sum(v => Math.Exp(v)), 5);
    }

    [Fact]
    public void NegativeLogLikelihood_TrainsAClassifier_AndIsReportedAsOne()
    {
        var net = new FdLogSoftmaxNll(4);
        Assert.Equal(Training.ModelKind.Classification, Training.Metrics.KindOf(net));
        float[] x = [0.5f, -0.25f, 0.75f], y = [0f, 0f, 1f, 0f];
        float first = net.TrainStep(x, y, 0.1f), last = first;
        for (int i = 0; i < 50; i++)
        {
            last = net.TrainStep(x, y, 0.1f);
        }
        Assert.True(last < first / 4, $"NLL went from {first} to {last}");
        var logP = new float[4];
        net.Forward(x, logP);
        Assert.Equal(2, Array.IndexOf(logP, logP.Max()));
    }
}
