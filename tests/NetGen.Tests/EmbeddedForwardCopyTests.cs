using System.Runtime.InteropServices;
using NetGen.IO;
using Xunit;

namespace NetGen.Tests;

/// <summary>
/// A network with embedded weights and a layer read by columns (issue 11): <c>ForwardEmbedded</c> reads a copy of the embedded
/// θ baked in with that W by columns, so it gives the bits of an instance's <c>Forward</c> (which makes its copy at run time).
/// The weights (<c>audio_copy.weights.json</c>) are multiples of 1/64.
/// </summary>
[Network(Loss = Loss.MeanSquaredError, Weights = "audio_copy.weights.json")]
[Input(1)]
[Dense(8, Activation.Tanh)]
[Dense(8, Activation.Tanh)]
[Dense(1)]
public sealed partial class EmbeddedAudioCopy;

public class EmbeddedForwardCopyTests
{
    private static float[] Inputs()
    {
        var x = new float[64];
        for (int s = 0; s < x.Length; s++)
        {
            x[s] = -3f + 6f * s / (x.Length - 1);
        }
        return x;
    }

    [Fact]
    public void ForwardEmbedded_GivesTheBitsOfAnInstancesForward_AndOfANetworkLoadedFromTheFile()
    {
        var instance = new EmbeddedAudioCopy();
        var loaded = new EmbeddedAudioCopy(seed: 3);
        WeightsJson.Load(loaded, Path.Combine(WeightFiles.FixtureDirectory, "audio_copy.weights.json"));
        Assert.Equal(SafeTensorsTests.Bits(EmbeddedAudioCopy.EmbeddedParameters), SafeTensorsTests.Bits(loaded.Parameters));
        float[] embedded = new float[1], fromInstance = new float[1], fromLoaded = new float[1];
        foreach (float v in Inputs())
        {
            float[] x = [v];
            EmbeddedAudioCopy.ForwardEmbedded(x, embedded);
            instance.Forward(x, fromInstance);
            loaded.Forward(x, fromLoaded);
            Assert.Equal(BitConverter.SingleToInt32Bits(fromInstance[0]), BitConverter.SingleToInt32Bits(embedded[0]));
            Assert.Equal(BitConverter.SingleToInt32Bits(fromLoaded[0]), BitConverter.SingleToInt32Bits(embedded[0]));
        }
    }

    [Fact]
    public void ForwardEmbedded_MatchesADoublePrecisionForwardOfTheEmbeddedWeights()
    {
        // θ row-major as in the file: W¹ [0, 8), b¹ [8, 16), W² [16, 80) (row o = the weights of output o), b² [80, 88), w³ [88, 96), b³ 96.
        float[] t = EmbeddedAudioCopy.EmbeddedParameters.ToArray();
        var y = new float[1];
        foreach (float v in Inputs())
        {
            double[] a1 = new double[8], a2 = new double[8];
            for (int o = 0; o < 8; o++)
            {
                a1[o] = Math.Tanh(t[o] * (double)v + t[8 + o]);
            }
            for (int o = 0; o < 8; o++)
            {
                double z = t[80 + o];
                for (int i = 0; i < 8; i++)
                {
                    z += t[16 + 8 * o + i] * a1[i];
                }
                a2[o] = Math.Tanh(z);
            }
            double expected = t[96];
            double scale = Math.Abs(t[96]);
            for (int i = 0; i < 8; i++)
            {
                expected += t[88 + i] * a2[i];
                scale += Math.Abs(t[88 + i]);
            }
            EmbeddedAudioCopy.ForwardEmbedded([v], y);
            // tanh's documented relative error (4.3·10⁻⁷) through two layers of at most 9 terms each, plus float rounding of
            // the sums: a bound of 64 float epsilons of the output's scale (Σ|w³| + |b³|, the largest |ŷ| can be).
            double bound = 64 * Math.Pow(2, -24) * scale;
            Assert.True(Math.Abs(y[0] - expected) <= bound, $"x = {v}: {y[0]:R} vs {expected:R} (bound {bound:E2})");
        }
    }

    [Fact]
    public void ForwardEmbedded_AllocatesNothing()
    {
        float[] x = [0.5f], y = new float[1];
        EmbeddedAudioCopy.ForwardEmbedded(x, y);
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                EmbeddedAudioCopy.ForwardEmbedded(x, y);
            }
        }));
    }
}
