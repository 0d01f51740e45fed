namespace NetGen.Tests;

/// <summary>[Dropout] after convolution and pooling layers: the identity in inference, a seeded mask in training.</summary>
public class ConvDropoutTests
{
    private static float[] Input(int seed)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, ConvDropout.InputSize).Select(_ => 2 * random.NextSingle() - 1).ToArray();
    }

    [Fact]
    public void Inference_IsTheNetworkWithoutDropout_BitForBit()
    {
        var net = new ConvDropout(3) { Training = false };
        var twin = new ConvNoDropout();
        net.Parameters.CopyTo(twin.Parameters);
        float[] x = Input(1);
        float[] y = [0.5f, -0.5f];
        var a = new float[2];
        var b = new float[2];
        net.Forward(x, a);
        twin.Forward(x, b);
        Assert.Equal(b, a);
        net.Backward(x, y);
        twin.Backward(x, y);
        Assert.Equal(twin.Gradients.ToArray(), net.Gradients.ToArray());
    }

    [Fact]
    public void Training_MasksSomeValues_SeededAndScaled()
    {
        float[] x = Input(2);
        float[] y = [0.5f, -0.5f];
        float[] Gradient(int seed)
        {
            var net = new ConvDropout(seed);
            net.Backward(x, y);
            return net.Gradients.ToArray();
        }
        var twin = new ConvNoDropout();
        new ConvDropout(5).Parameters.CopyTo(twin.Parameters);
        twin.Backward(x, y);
        Assert.Equal(Gradient(5), Gradient(5));
        Assert.NotEqual(twin.Gradients.ToArray(), Gradient(5));
        Assert.NotEqual(Gradient(5), Gradient(6));
    }

    [Fact]
    public void TrainingModeGradient_MatchesFiniteDifferences_ForAFixedMask()
    {
        float[] x = Input(4);
        float[] y = [0.3f, 0.1f];
        var reference = new ConvDropout(8);
        reference.Backward(x, y);
        float[] analytic = reference.Gradients.ToArray();
        for (int i = 0; i < analytic.Length; i += 5)
        {
            double Loss(float delta)
            {
                var net = new ConvDropout(8);
                net.Parameters[i] += delta;
                return net.Backward(x, y);
            }
            double numeric = (Loss(1e-3f) - Loss(-1e-3f)) / 2e-3;
            Assert.True(Math.Abs(numeric - analytic[i]) < 2e-3 + 2e-2 * Math.Abs(numeric), $"θ[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void EveryCall_AllocatesNothing()
    {
        var net = new ConvDropout(1);
        const int batch = 3;
        float[] x = Enumerable.Range(0, batch).SelectMany(s => Input(s)).ToArray();
        var y = new float[batch * 2];
        var output = new float[batch * 2];
        void All()
        {
            net.Forward(x.AsSpan(0, ConvDropout.InputSize), output.AsSpan(0, 2));
            net.ForwardBatch(x, output, batch);
            net.Backward(x.AsSpan(0, ConvDropout.InputSize), y.AsSpan(0, 2));
            net.BackwardBatch(x, y, batch);
            net.TrainStepBatch(x, y, batch, 1e-3f);
        }
        for (int warm = 0; warm < 3; warm++)
        {
            All();
        }
        Assert.Equal(0, Allocations.Minimum(All));
    }
}
