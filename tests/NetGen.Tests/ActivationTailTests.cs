using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>
/// The span activations for every length 0..257 (every tail of the 512 → 256 → 128 → scalar cascade): each element must
/// equal the scalar form bit for bit, in place as well as out of place, and nothing past the end may be written.
/// </summary>
public class ActivationTailTests
{
    public static TheoryData<int> Lengths() => new(Enumerable.Range(0, 258));

    private delegate void SpanFunction(ReadOnlySpan<float> z, Span<float> a);

    private delegate void SpanBackward(ReadOnlySpan<float> s, Span<float> g);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ForwardEqualsTheScalarFormForEveryTail(int n)
    {
        var random = new SeededRandom(n + 7);
        float[] z = Enumerable.Range(0, n).Select(_ => 12f * random.NextSingle() - 6f).ToArray();
        Check("sigmoid", Activations.Sigmoid, FastMath.Sigmoid);
        Check("tanh", Activations.Tanh, FastMath.Tanh);
        Check("GELU", Activations.Gelu, FastMath.Gelu);
        Check("ReLU", Activations.ReLU, v => v > 0f ? v : 0f);
        Check("LeakyReLU", (a, b) => Activations.LeakyReLU(a, b, 0.1f), v => v > 0f ? v : 0.1f * v);
        Check("step", Activations.Step, v => v > 0f ? 1f : 0f);

        void Check(string name, SpanFunction f, Func<float, float> scalar)
        {
            var a = new float[n + 1];
            a[n] = 42f;
            f(z, a.AsSpan(0, n));
            float[] inPlace = (float[])z.Clone();
            f(inPlace, inPlace);
            for (int i = 0; i < n; i++)
            {
                float expected = scalar(z[i]);
                Assert.True(Same(expected, a[i]) && Same(expected, inPlace[i]), $"{name}, n = {n}, element {i}: {a[i]:R} / {inPlace[i]:R}, scalar {expected:R}");
            }
            Assert.Equal(42f, a[n]);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BackwardEqualsTheScalarFormForEveryTail(int n)
    {
        var random = new SeededRandom(n + 1000);
        float[] s = Enumerable.Range(0, n).Select(_ => 2f * random.NextSingle() - 1f).ToArray();
        float[] g0 = Enumerable.Range(0, n).Select(_ => 2f * random.NextSingle() - 1f).ToArray();
        Check("sigmoid′", Activations.SigmoidBackward, (a, g) => Activations.SigmoidBackward(a, g));
        Check("tanh′", Activations.TanhBackward, (a, g) => Activations.TanhBackward(a, g));
        Check("GELU′", Activations.GeluBackward, (z, g) => Activations.GeluBackward(z, g));
        Check("ReLU′", Activations.ReLUBackward, (z, g) => Activations.ReLUBackward(z, g));
        Check("LeakyReLU′", (a, b) => Activations.LeakyReLUBackward(a, b, 0.2f), (z, g) => Activations.LeakyReLUBackward(z, g, 0.2f));

        void Check(string name, SpanBackward f, Func<float, float, float> scalar)
        {
            var g = new float[n + 1];
            g0.CopyTo(g, 0);
            g[n] = 42f;
            f(s, g.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                float expected = scalar(s[i], g0[i]);
                Assert.True(Same(expected, g[i]), $"{name}, n = {n}, element {i}: {g[i]:R}, scalar {expected:R}");
            }
            Assert.Equal(42f, g[n]);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SoftmaxAndLogSumExpMatchDoublePrecisionForEveryLength(int n)
    {
        if (n == 0)
        {
            Assert.Equal(float.NegativeInfinity, Activations.LogSumExp([]));
            return;
        }
        var random = new SeededRandom(n + 2000);
        float[] z = Enumerable.Range(0, n).Select(_ => 20f * random.NextSingle() - 10f).ToArray();
        double max = z.Max();
        double sum = z.Sum(v => Math.Exp(v - max));
        var a = new float[n + 1];
        a[n] = 42f;
        Activations.Softmax(z, a.AsSpan(0, n));
        for (int i = 0; i < n; i++)
        {
            double expected = Math.Exp(z[i] - max) / sum;
            // float z − max carries up to half an ulp of |z − max| ≤ 20 into the exponent: relative 1e-6, plus 1e-9 absolute
            Assert.True(Math.Abs(a[i] - expected) <= 2e-6 * expected + 1e-9, $"n = {n}, softmax[{i}] = {a[i]:R}, expected {expected:R}");
        }
        Assert.Equal(42f, a[n]);
        Assert.Equal(max + Math.Log(sum), Activations.LogSumExp(z), 1e-5 * Math.Max(1, Math.Abs(max)));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SoftmaxInPlaceEqualsOutOfPlace_AndHandlesInfinitiesAndNaN(int n)
    {
        if (n == 0)
        {
            return;
        }
        var random = new SeededRandom(n + 3000);
        float[] z = Enumerable.Range(0, n).Select(_ => 30f * random.NextSingle() - 15f).ToArray();
        float[] outOfPlace = new float[n];
        Activations.Softmax(z, outOfPlace);
        float[] inPlace = (float[])z.Clone();
        Activations.Softmax(inPlace, inPlace);
        Assert.Equal(outOfPlace, inPlace);
        Assert.Equal(1.0, outOfPlace.Sum(v => (double)v), 1e-6);

        // −∞ logits get probability exactly 0 and the rest share 1; a single +∞ or NaN makes every output NaN (as PyTorch).
        // (A lone −∞ logit has no finite maximum to subtract: NaN, as in PyTorch.)
        float[] withMinusInfinity = (float[])z.Clone();
        withMinusInfinity[n - 1] = float.NegativeInfinity;
        Activations.Softmax(withMinusInfinity, withMinusInfinity);
        if (n > 1)
        {
            Assert.Equal(0f, withMinusInfinity[n - 1]);
            Assert.Equal(1.0, withMinusInfinity.Sum(v => (double)v), 1e-6);
        }
        else
        {
            Assert.True(float.IsNaN(withMinusInfinity[0]));
        }
        float[] withNaN = (float[])z.Clone();
        withNaN[n / 2] = float.NaN;
        Activations.Softmax(withNaN, withNaN);
        Assert.All(withNaN, v => Assert.True(float.IsNaN(v)));
    }

    private static bool Same(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);
}
