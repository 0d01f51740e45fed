namespace NetGen.Tests;

/// <summary>The generated surface: constants, layout, allocation, bad input, threads, initialisation.</summary>
public class SurfaceTests
{
    [Fact]
    public void ConstantsAndLayout()
    {
        Assert.Equal(2, XorNet.InputSize);
        Assert.Equal(1, XorNet.OutputSize);
        Assert.Equal(17, XorNet.ParameterCount);
        INetwork net = new XorNet();
        Assert.Equal((2, 1, 17), (net.InputSize, net.OutputSize, net.ParameterCount));
        Assert.Equal(17, net.Parameters.Length);
        Assert.Equal(17, ((ITrainableNetwork)net).Gradients.Length);
        Assert.Equal(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10, MnistShaped.ParameterCount);
        Assert.IsNotAssignableFrom<ITrainableNetwork>(new SignNeuron());
    }

    [Fact]
    public void ParametersFollowPyTorchLinearLayout_WeightRowMajorThenBias()
    {
        // z = W·x + b with W = [[1, 2], [3, 4], [5, 6], [7, 8]] (out × in), b = [10, 20, 30, 40], identity output.
        var net = new LayoutProbe();
        new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 10, 20, 30, 40 }.CopyTo(net.Parameters);
        var z = new float[4];
        net.Forward([1, 100], z);
        Assert.Equal([211f, 423, 635, 847], z);
    }

    [Fact]
    public void ForwardAndBackwardAllocateNothingAfterWarmUp()
    {
        AssertNoAllocation(new XorNet(), [0, 1], [1]);
        AssertNoAllocation(new DigitsReluSoftmaxCeMean(), new float[64], OneHot(10, 3));
        AssertNoAllocation(new MnistShaped(), new float[784], OneHot(10, 7));
        AssertNoAllocation(new DeepMixedMseMean(), new float[7], new float[3]);
    }

    private static void AssertNoAllocation(ITrainableNetwork net, float[] input, float[] target)
    {
        var output = new float[net.OutputSize];
        net.Forward(input, output);
        net.Backward(input, target);
        long allocated = Allocations.Minimum(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                net.Forward(input, output);
                net.Backward(input, target);
                net.ZeroGradients();
            }
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void WrongLengthsThrowArgumentExceptionNamingTheParameterAndBothLengths_AndChangeNothing()
    {
        var net = new XorNet(seed: 3);
        net.Backward([1, 0], [1]);
        float[] parameters = net.Parameters.ToArray(), gradients = net.Gradients.ToArray();

        // These lengths are known at compile time, so the NG4001 analyzer reports them as build errors; the run-time guard
        // is what this test checks, hence the suppression.
#pragma warning disable NG4001
        var e = Assert.Throws<ArgumentException>(() => net.Forward(new float[3], new float[1]));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("length 3", e.Message);
        Assert.Contains("XorNet.InputSize = 2", e.Message);

        e = Assert.Throws<ArgumentException>(() => net.Forward(new float[2], new float[2]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("length 2", e.Message);
        Assert.Contains("XorNet.OutputSize = 1", e.Message);

        e = Assert.Throws<ArgumentException>(() => net.Backward(new float[1], new float[1]));
#pragma warning restore NG4001
        Assert.Equal("input", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => net.Backward(new float[2], ReadOnlySpan<float>.Empty));
        Assert.Equal("target", e.ParamName);
        Assert.Contains("length 0", e.Message);

        Assert.Equal(parameters, net.Parameters.ToArray());
        Assert.Equal(gradients, net.Gradients.ToArray());
    }

    [Fact]
    public void SingleLayerForwardRejectsAnOutputThatOverlapsTheInput()
    {
        var net = new L2Sum();
        var buffer = new float[4];
        var e = Assert.Throws<ArgumentException>(() => net.Forward(buffer, buffer));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("overlaps", e.Message);
        // Deeper networks read the input only in layer 1 and write the output only in the last layer: in-place is fine.
        var deep = new GeluIdentityMseSum();
        var io = new float[4] { 0.5f, -1, 2, 0.25f };
        var expected = new float[3];
        deep.Forward(io, expected);
        deep.Forward(io, io.AsSpan(0, 3));
        Assert.Equal(expected, io[..3]);
    }

    [Fact]
    public void ForwardIsSafeFromManyThreadsOnOneInstance()
    {
        var net = new MnistShaped(seed: 5);
        var random = new SeededRandom(9);
        float[][] inputs = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 784).Select(_ => random.NextSingle()).ToArray()).ToArray();
        float[][] expected = inputs.Select(x => { var y = new float[10]; net.Forward(x, y); return y; }).ToArray();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var y = new float[10];
            for (int repeat = 0; repeat < 20; repeat++)
            {
                for (int i = 0; i < inputs.Length; i++)
                {
                    net.Forward(inputs[i], y);
                    Assert.Equal(expected[i], y);
                }
            }
        });
    }

    [Fact]
    public void InitialisationIsDeterministicPerSeed_GlorotOrHeBounded_BiasesZero()
    {
        Assert.Equal(new XorNet(7).Parameters.ToArray(), new XorNet(7).Parameters.ToArray());
        Assert.NotEqual(new XorNet(7).Parameters.ToArray(), new XorNet(8).Parameters.ToArray());
        Assert.Equal(new XorNet().Parameters.ToArray(), new XorNet(0).Parameters.ToArray());

        // Tanh layer 2 → 4: Xavier a = √(6/6) = 1; sigmoid 4 → 1: a = √(6/5).
        var xor = new XorNet(11);
        Assert.All(xor.Parameters[..8].ToArray(), w => Assert.InRange(Math.Abs(w), 1e-6f, 1f));
        Assert.All(xor.Parameters[8..12].ToArray(), b => Assert.Equal(0f, b));
        Assert.All(xor.Parameters[12..16].ToArray(), w => Assert.InRange(Math.Abs(w), 1e-6f, MathF.Sqrt(6f / 5)));

        // ReLU 784 → 128: He a = √(6/784); the sample's spread matches U(−a, a) (variance a²/3).
        var mnist = new MnistShaped(11);
        float a = MathF.Sqrt(6f / 784);
        float[] w1 = mnist.Parameters[..(784 * 128)].ToArray();
        Assert.All(w1, w => Assert.InRange(w, -a, a));
        double variance = w1.Select(w => (double)w * w).Average();
        Assert.Equal(a * a / 3, variance, a * a / 3 * 0.02);
    }

    private static float[] OneHot(int n, int k)
    {
        var y = new float[n];
        y[k] = 1;
        return y;
    }
}

[Network]
[Input(2)]
[Dense(4)]
public sealed partial class LayoutProbe;
