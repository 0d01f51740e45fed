using NetGen.IO;

namespace NetGen.Tests;

/// <summary>
/// Networks with <c>[Network(Weights = "…")]</c> (SafeTensorsNetworks.cs): the baked-in parameters equal the file's, the
/// static inference path gives the same outputs as a loaded network and allocates nothing.
/// </summary>
public class EmbeddedWeightsTests
{
    [Fact]
    public void EmbeddedParameters_EqualTheFile_BitForBit()
    {
        AssertEmbeddedEqualsFile(new StReluIdentitySoftmax(), EmbeddedReluIdentitySoftmax.EmbeddedParameters, "st_relu_identity_softmax");
        AssertEmbeddedEqualsFile(new StTanhSigmoid(), EmbeddedTanhSigmoid.EmbeddedParameters, "st_tanh_sigmoid");
        AssertEmbeddedEqualsFile(new StGeluLeakySign(), EmbeddedGeluLeakySign.EmbeddedParameters, "st_gelu_leaky_sign");
        AssertEmbeddedEqualsFile(new StBatchNormDropout(), EmbeddedBatchNormDropout.EmbeddedParameters, "st_batchnorm_dropout");
    }

    private static void AssertEmbeddedEqualsFile(INetwork twin, ReadOnlySpan<float> embedded, string name)
    {
        // Both the JSON that was embedded and PyTorch's safetensors of the same weights.
        WeightsJson.Load(twin, Path.Combine(WeightFiles.FixtureDirectory, $"{name}.pytorch.weights.json"));
        Assert.Equal(SafeTensorsTests.Bits(twin.Parameters), SafeTensorsTests.Bits(embedded));
        SafeTensors.Load(twin, Path.Combine(WeightFiles.FixtureDirectory, $"{name}.pytorch.safetensors"));
        Assert.Equal(SafeTensorsTests.Bits(twin.Parameters), SafeTensorsTests.Bits(embedded));
    }

    [Fact]
    public void BatchNormNetwork_EmbedsItsRunningStatistics_AndInfersLikePyTorch()
    {
        var twin = new StBatchNormDropout();
        SafeTensors.Load(twin, Path.Combine(WeightFiles.FixtureDirectory, "st_batchnorm_dropout.pytorch.safetensors"));
        Assert.Equal(SafeTensorsTests.Bits(twin.Parameters), SafeTensorsTests.Bits(EmbeddedBatchNormDropout.EmbeddedParameters));
        Assert.Equal(SafeTensorsTests.Bits(twin.RunningStatistics), SafeTensorsTests.Bits(EmbeddedBatchNormDropout.EmbeddedRunningStatistics));
        var instance = new EmbeddedBatchNormDropout();
        Assert.Equal(SafeTensorsTests.Bits(twin.RunningStatistics), SafeTensorsTests.Bits(instance.RunningStatistics));

        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(WeightFiles.FixtureDirectory, "st_batchnorm_dropout.pytorch.json")));
        foreach (var (input, output) in doc.RootElement.GetProperty("inputs").EnumerateArray().Zip(doc.RootElement.GetProperty("outputs").EnumerateArray()))
        {
            float[] x = input.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            float[] embedded = new float[2], loaded = new float[2];
            EmbeddedBatchNormDropout.ForwardEmbedded(x, embedded);
            twin.Forward(x, loaded);
            Assert.Equal(loaded, embedded);
            double[] expected = output.EnumerateArray().Select(v => v.GetDouble()).ToArray();
            for (int k = 0; k < 2; k++)
            {
                Assert.True(Math.Abs(embedded[k] - expected[k]) <= PyTorchFixtureTests.Absolute + PyTorchFixtureTests.Relative * Math.Abs(expected[k]));
            }
        }
    }

    [Fact]
    public void ForwardEmbedded_GivesPyTorchsOutputs_AndEqualsALoadedNetwork()
    {
        var loaded = new StReluIdentitySoftmax();
        SafeTensors.Load(loaded, Path.Combine(WeightFiles.FixtureDirectory, "st_relu_identity_softmax.pytorch.safetensors"));
        var instance = new EmbeddedReluIdentitySoftmax();
        float[] x = [0.5f, -1f, 0.25f, 2f, -0.75f, 1.5f];
        float[] fromStatic = new float[3], fromLoaded = new float[3], fromInstance = new float[3];
        EmbeddedReluIdentitySoftmax.ForwardEmbedded(x, fromStatic);
        loaded.Forward(x, fromLoaded);
        instance.Forward(x, fromInstance);
        Assert.Equal(fromLoaded, fromStatic);
        Assert.Equal(fromLoaded, fromInstance);
    }

    [Fact]
    public void ParameterlessConstructor_StartsFromTheEmbeddedWeights_SeedConstructorDoesNot()
    {
        var embedded = new EmbeddedTanhSigmoid();
        Assert.Equal(SafeTensorsTests.Bits(EmbeddedTanhSigmoid.EmbeddedParameters), SafeTensorsTests.Bits(embedded.Parameters));
        var random = new EmbeddedTanhSigmoid(seed: 0);
        Assert.Equal(SafeTensorsTests.Bits(new StTanhSigmoid(seed: 0).Parameters), SafeTensorsTests.Bits(random.Parameters));
        Assert.NotEqual(SafeTensorsTests.Bits(EmbeddedTanhSigmoid.EmbeddedParameters), SafeTensorsTests.Bits(random.Parameters));
    }

    [Fact]
    public void EmbeddedTrainableNetwork_CanBeFineTuned_WithoutTouchingTheEmbeddedWeights()
    {
        var network = new EmbeddedTanhSigmoid();
        float[] x = [0.3f, -0.2f, 0.9f], y = [1f, 0f];
        float before = network.Backward(x, y);
        new NetGen.Training.Sgd(0.5f).Step(network);
        float after = network.Backward(x, y);
        Assert.True(after < before, $"loss {before} → {after}");
        float[] fresh = new EmbeddedTanhSigmoid().Parameters.ToArray();
        Assert.Equal(SafeTensorsTests.Bits(EmbeddedTanhSigmoid.EmbeddedParameters), SafeTensorsTests.Bits(fresh));
    }

    [Fact]
    public void ForwardEmbedded_AllocatesNothing()
    {
        float[] x = [0.5f, -1f, 0.25f, 2f], y = new float[3];
        EmbeddedGeluLeakySign.ForwardEmbedded(x, y);                      // JIT and type initialisation first
        float[] x6 = [0.5f, -1f, 0.25f, 2f, -0.75f, 1.5f], y3 = new float[3];
        EmbeddedReluIdentitySoftmax.ForwardEmbedded(x6, y3);
        float[] y2 = new float[2];
        EmbeddedBatchNormDropout.ForwardEmbedded(x, y2);
        // The least of three rounds, so that a one-off allocation by the runtime itself (tiering) cannot fail the test.
        long least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                EmbeddedGeluLeakySign.ForwardEmbedded(x, y);
                EmbeddedReluIdentitySoftmax.ForwardEmbedded(x6, y3);
                EmbeddedBatchNormDropout.ForwardEmbedded(x, y2);
                _ = EmbeddedTanhSigmoid.EmbeddedParameters[i % EmbeddedTanhSigmoid.ParameterCount];
            }
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, least);
    }

    [Fact]
    public void ForwardEmbedded_ChecksSpanLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => EmbeddedReluIdentitySoftmax.ForwardEmbedded(new float[5], new float[3]));
        Assert.Equal("input", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => EmbeddedReluIdentitySoftmax.ForwardEmbedded(new float[6], new float[2]));
        Assert.Equal("output", e.ParamName);
    }

    [Fact]
    public void ForwardEmbedded_IsSafeFromManyThreads()
    {
        float[] x = [0.5f, -1f, 0.25f, 2f, -0.75f, 1.5f];
        float[] expected = new float[3];
        EmbeddedReluIdentitySoftmax.ForwardEmbedded(x, expected);
        Parallel.For(0, 64, _ =>
        {
            float[] y = new float[3];
            for (int i = 0; i < 200; i++)
            {
                EmbeddedReluIdentitySoftmax.ForwardEmbedded(x, y);
                Assert.Equal(expected, y);
            }
        });
    }
}
