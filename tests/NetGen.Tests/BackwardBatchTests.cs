namespace NetGen.Tests;

/// <summary>BackwardBatch against Backward, and the generated surface's checks.</summary>
public class BackwardBatchTests
{
    public static TheoryData<string> Networks() => new(s_networks.Keys);

    private static readonly Dictionary<string, Func<ITrainableNetwork>> s_networks = new()
    {
        ["TanhSigmoidBceMean"] = () => new TanhSigmoidBceMean(1),
        ["ReluLeakySoftmaxCeMean"] = () => new ReluLeakySoftmaxCeMean(1),
        ["GeluIdentityMseSum"] = () => new GeluIdentityMseSum(1),
        ["SigmoidTanhMaeMean"] = () => new SigmoidTanhMaeMean(1),
        ["LeakyIdentityHingeSum"] = () => new LeakyIdentityHingeSum(1),
        ["TanhSoftmaxKlMean"] = () => new TanhSoftmaxKlMean(1),
        ["ReluSigmoidBceSum"] = () => new ReluSigmoidBceSum(1),
        ["IdentitySigmoidMseMean"] = () => new IdentitySigmoidMseMean(1),
        ["WideReluTanhSoftmaxCeSum"] = () => new WideReluTanhSoftmaxCeSum(1),
        ["DigitsReluSoftmaxCeMean"] = () => new DigitsReluSoftmaxCeMean(1),
        ["DeepMixedMseMean"] = () => new DeepMixedMseMean(1),
        ["SoftmaxKlSum"] = () => new SoftmaxKlSum(1),
        ["IdentityTanhHingeMean"] = () => new IdentityTanhHingeMean(1),
        ["MnistMlp"] = () => new MnistMlp(1),
        // issue 12: the new activations in registers and spans, Huber and LogSoftmax + NLL
        ["FdSeluHuber"] = () => new FdSeluHuber(1),
        ["FdIdentityHuberOne"] = () => new FdIdentityHuberOne(1),
        ["FdHardSwishMse"] = () => new FdHardSwishMse(1),
        ["FdLogSoftmaxNll"] = () => new FdLogSoftmaxNll(1),
        ["FdWideNll"] = () => new FdWideNll(1),
        ["FdWideHuber"] = () => new FdWideHuber(1),
    };

    private static float[] Targets(ITrainableNetwork net, int batch, ref SeededRandom random)
    {
        var y = new float[batch * net.OutputSize];
        for (int b = 0; b < batch; b++)
        {
            // A probability vector (valid for every loss here; hinge just sees small targets).
            float sum = 0;
            for (int k = 0; k < net.OutputSize; k++)
            {
                sum += y[b * net.OutputSize + k] = random.NextSingle() + 0.1f;
            }
            for (int k = 0; k < net.OutputSize; k++)
            {
                y[b * net.OutputSize + k] /= sum;
            }
        }
        return y;
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void EqualsOneBackwardPerSampleBitForBit(string name)
    {
        ITrainableNetwork a = s_networks[name](), b = s_networks[name]();
        var random = new SeededRandom(name.Length);
        const int batch = 5;
        float[] x = Enumerable.Range(0, batch * a.InputSize).Select(_ => 2 * random.NextSingle() - 1).ToArray();
        float[] y = Targets(a, batch, ref random);
        var losses = new float[batch];
        float total = a.BackwardBatch(x, y, batch, losses);
        float sum = 0;
        for (int s = 0; s < batch; s++)
        {
            float loss = b.Backward(x.AsSpan(s * a.InputSize, a.InputSize), y.AsSpan(s * a.OutputSize, a.OutputSize));
            Assert.Equal(loss, losses[s]);
            sum += loss;
        }
        Assert.Equal(sum, total);
        Assert.Equal(b.Gradients.ToArray(), a.Gradients.ToArray());
    }

    [Fact]
    public void ChecksLengthsAndNamesTheArgument()
    {
        var net = new OptimizerNet();
        // Wrong lengths on purpose, to test the run-time guard that NG4001 reports at build time.
#pragma warning disable NG4001
        var e = Assert.Throws<ArgumentException>(() => net.BackwardBatch(new float[4 * 3], new float[3 * 2], 3));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("9", e.Message);
        e = Assert.Throws<ArgumentException>(() => net.BackwardBatch(new float[4 * 2], new float[3 * 3], 3));
        Assert.Equal("inputs", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => net.BackwardBatch(new float[4 * 3], new float[3 * 3], 3, new float[2]));
#pragma warning restore NG4001
        Assert.Equal("losses", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.BackwardBatch(default, default, 0));
    }

    [Fact]
    public void AllocatesNothingOnceTheBuffersExist()
    {
        var net = new MixedTrainingNet(1);
        var x = new float[16 * 5];
        var y = new float[16 * 4];
        for (int b = 0; b < 16; b++)
        {
            x[b * 5 + b % 5] = 1;
            y[b * 4 + b % 4] = 1;
        }
        var losses = new float[16];
        net.BackwardBatch(x, y, 16, losses);
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                net.BackwardBatch(x, y, 16, losses);
                net.BackwardBatch(x.AsSpan(0, 40), y.AsSpan(0, 32), 8);
            }
        }));
    }

    [Fact]
    public void LayerInfoMapsParametersToLayers()
    {
        IReadOnlyList<LayerInfo> layers = MixedTrainingNet.Layers;
        Assert.Equal([LayerKind.Dense, LayerKind.Dropout, LayerKind.Dense, LayerKind.BatchNorm, LayerKind.Dense], layers.Select(l => l.Kind));
        Assert.Equal(MixedTrainingNet.ParameterCount, layers.Sum(l => l.ParameterCount));
        int next = 0;
        foreach (LayerInfo layer in layers)
        {
            Assert.Equal(next, layer.ParameterOffset);
            next += layer.ParameterCount;
        }
        Assert.Equal("W⁽¹⁾[1, 2]", LayerInfo.Containing(layers, 7)!.DescribeParameter(7));
        Assert.Equal("b⁽¹⁾[0]", layers[0].DescribeParameter(35));
        LayerInfo bn = layers[3];
        Assert.Equal("γ⁽⁴⁾[0]", bn.DescribeParameter(bn.WeightOffset));
        Assert.Equal("β⁽⁴⁾[5]", bn.DescribeParameter(bn.BiasOffset + 5));
        Assert.Equal("layer 4 (BatchNorm, 6 features, LeakyReLU)", bn.ToString());
        Assert.Null(LayerInfo.Containing(layers, MixedTrainingNet.ParameterCount));
        Assert.Same(MixedTrainingNet.Layers, ((INetwork)new MixedTrainingNet()).Layers);
    }
}
