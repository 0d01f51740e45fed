using System.Text.Json;
using System.Threading;

namespace NetGen.Tests;

/// <summary>
/// Issue 10b: a streaming network with embedded weights has a static <c>StepEmbedded(ref State, input, output)</c> — no instance,
/// θ read-only — that gives the instance step's bits and PyTorch's outputs, keeps streams apart and allocates nothing after the
/// first call (which packs the embedded weights once).
/// </summary>
public class StepEmbeddedTests
{
    private static JsonElement Fixture(string file, string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-recurrent", file))).RootElement
            .GetProperty("networks").EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    [Fact]
    public void CausalTcn_StepEmbedded_GivesPyTorchsOutputs_AndTheInstanceStepsBits()
    {
        JsonElement c = Fixture("causal_networks.json", "causal_tcn_d1_d2_d4_dense1");
        int steps = c.GetProperty("steps").GetInt32();
        float[] x = PyTorchFixtureTests.Floats(c.GetProperty("inputs"));
        Assert.Equal(PyTorchFixtureTests.Floats(c.GetProperty("parameters")), EmbeddedCausalTcn.EmbeddedParameters.ToArray());
        EmbeddedCausalTcn.State state = default;
        var y = new float[steps];
        for (int t = 0; t < steps; t++)
        {
            EmbeddedCausalTcn.StepEmbedded(ref state, x.AsSpan(2 * t, 2), y.AsSpan(t, 1));
        }
        RecurrentKernelTests.AssertClose(PyTorchFixtureTests.Doubles(c.GetProperty("stepped_outputs")), y, "StepEmbedded");
        var net = new EmbeddedCausalTcn();
        var sequence = new float[steps];
        net.ForwardSequence(x, sequence, steps);
        Assert.Equal(sequence, y);
        EmbeddedCausalTcn.State instanceState = default;
        var one = new float[1];
        for (int t = 0; t < steps; t++)
        {
            net.Step(ref instanceState, x.AsSpan(2 * t, 2), one);
        }
        Assert.Equal(((ReadOnlySpan<float>)instanceState).ToArray(), ((ReadOnlySpan<float>)state).ToArray());
    }

    [Fact]
    public void Gru3_StepEmbedded_IsTheEmbeddedNetworksSequence()
    {
        var net = new EmbeddedGru3();
        var random = new Random(4);
        float[] x = [.. Enumerable.Range(0, 2 * 30).Select(_ => (float)(random.NextDouble() - 0.5))];
        var expected = new float[30 * 6];
        net.ForwardSequence(x, expected, 30);
        EmbeddedGru3.State state = default;
        var y = new float[expected.Length];
        for (int t = 0; t < 30; t++)
        {
            EmbeddedGru3.StepEmbedded(ref state, x.AsSpan(2 * t, 2), y.AsSpan(6 * t, 6));
        }
        Assert.Equal(expected, y);
    }

    [Fact]
    public void StepEmbedded_OnFourThreads_KeepsStreamsApart_AndAllocatesNothingAfterTheFirstCall()
    {
        float[] x = [.. Enumerable.Range(0, 2 * 200).Select(i => MathF.Sin(0.1f * i))];
        var expected = new float[200];
        new EmbeddedCausalTcn().ForwardSequence(x, expected, 200);
        var results = new float[4][];
        Thread[] threads = [.. Enumerable.Range(0, 4).Select(k => new Thread(() =>
        {
            EmbeddedCausalTcn.State s = default;
            var y = new float[200];
            for (int t = 0; t < 200; t++)
            {
                EmbeddedCausalTcn.StepEmbedded(ref s, x.AsSpan(2 * t, 2), y.AsSpan(t, 1));
            }
            results[k] = y;
        }))];
        foreach (Thread t in threads)
        {
            t.Start();
        }
        foreach (Thread t in threads)
        {
            t.Join();
        }
        Assert.All(results, y => Assert.Equal(expected, y));

        EmbeddedCausalTcn.State a = default, b = default;
        var out1 = new float[1];
        EmbeddedCausalTcn.StepEmbedded(ref a, x.AsSpan(0, 2), out1);
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            for (int t = 0; t < 200; t++)
            {
                EmbeddedCausalTcn.StepEmbedded(ref a, x.AsSpan(2 * t, 2), out1);
                EmbeddedCausalTcn.StepEmbedded(ref b, x.AsSpan(2 * t, 2), out1);
            }
        }));
        Assert.Throws<ArgumentException>(() => EmbeddedCausalTcn.StepEmbedded(ref a, x.AsSpan(0, 3), out1));
    }
}
