using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>The SIMD building blocks against scalar double references, for every length 0..257 (every tail of every width).</summary>
public class KernelTests
{
    public static TheoryData<int> Lengths() => new(Enumerable.Range(0, 258));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dot(int n)
    {
        var random = new SeededRandom(n);
        float[] a = Random(n, ref random), b = Random(n, ref random);
        double expected = 0, magnitude = 0;
        for (int i = 0; i < n; i++)
        {
            expected += (double)a[i] * b[i];
            magnitude += Math.Abs((double)a[i] * b[i]);
        }
        float actual = Simd.Dot(ref a.AsSpan().GetPinnableReference(), ref b.AsSpan().GetPinnableReference(), n);
        Assert.Equal(expected, actual, 1e-6 * magnitude + 1e-7);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void MultiplyAdd(int n)
    {
        var random = new SeededRandom(1000 + n);
        float[] x = Random(n + 1, ref random), y = Random(n + 1, ref random);
        float sentinel = y[n];
        float[] expected = y.Select((v, i) => i < n ? MathF.FusedMultiplyAdd(-0.75f, x[i], v) : v).ToArray();
        float[] plain = y.Select((v, i) => i < n ? v + -0.75f * x[i] : v).ToArray();
        Simd.MultiplyAdd(-0.75f, ref x[0], ref y[0], n);
        for (int i = 0; i < n; i++)
        {
            // Vector lanes use a fused multiply-add, the scalar tail a separate multiply and add: either rounding is right.
            Assert.True(y[i] == expected[i] || y[i] == plain[i], $"element {i}: {y[i]} vs {expected[i]}");
        }
        Assert.Equal(sentinel, y[n]);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 17)]
    [InlineData(10, 64)]
    [InlineData(33, 31)]
    [InlineData(7, 129)]
    [InlineData(128, 784)]
    public void DenseForwardAndBackwardMatchNaiveLoops(int rows, int cols)
    {
        var random = new SeededRandom(rows * 1000 + cols);
        float[] w = Random(rows * cols, ref random), b = Random(rows, ref random), x = Random(cols, ref random), delta = Random(rows, ref random);
        var z = new float[rows];
        DenseKernels.Forward(w, b, x, z, rows, cols);
        for (int o = 0; o < rows; o++)
        {
            double sum = b[o], magnitude = Math.Abs(b[o]);
            for (int i = 0; i < cols; i++)
            {
                sum += (double)w[o * cols + i] * x[i];
                magnitude += Math.Abs((double)w[o * cols + i] * x[i]);
            }
            Assert.Equal(sum, z[o], 1e-6 * magnitude + 1e-7);
        }

        float[] gradW = Random(rows * cols, ref random), gradB = Random(rows, ref random);
        float[] gradW0 = (float[])gradW.Clone(), gradB0 = (float[])gradB.Clone();
        var gradInput = new float[cols];
        gradInput.AsSpan().Fill(float.NaN); // must be overwritten, not accumulated
        DenseKernels.Backward(w, delta, x, gradW, gradB, gradInput, rows, cols);
        for (int o = 0; o < rows; o++)
        {
            Assert.Equal(gradB0[o] + delta[o], gradB[o], 1e-6);
            for (int i = 0; i < cols; i++)
            {
                Assert.Equal(gradW0[o * cols + i] + (double)delta[o] * x[i], gradW[o * cols + i], 1e-5);
            }
        }
        for (int i = 0; i < cols; i++)
        {
            double sum = 0, magnitude = 0;
            for (int o = 0; o < rows; o++)
            {
                sum += (double)w[o * cols + i] * delta[o];
                magnitude += Math.Abs((double)w[o * cols + i] * delta[o]);
            }
            Assert.Equal(sum, gradInput[i], 1e-6 * magnitude + 1e-7);
        }
    }

    [Fact]
    public void DenseKernelsRejectMismatchedShapes()
    {
        Assert.Throws<ArgumentException>(() => DenseKernels.Forward(new float[6], new float[2], new float[4], new float[2], 2, 3));
        Assert.Throws<ArgumentException>(() => DenseKernels.Backward(new float[6], new float[2], new float[3], new float[5], new float[2], default, 2, 3));
    }

    [Fact]
    public void StableSoftmaxAndLogSumExpDoNotOverflow()
    {
        float[] z = [1000f, 1001f, 999f];
        var a = new float[3];
        Activations.Softmax(z, a);
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, a.Sum(), 1e-6f);
        Assert.Equal(1001f + MathF.Log(1 + MathF.Exp(-1) + MathF.Exp(-2)), Activations.LogSumExp(z), 1e-3f);

        // Sigmoid + BCE from a huge logit: finite loss, δ = ŷ − y.
        var delta = new float[1];
        float loss = Losses.SigmoidBinaryCrossEntropy([-200f], [Activations.Sigmoid(-200f)], [1f], delta, 1f);
        Assert.Equal(200f, loss, 1e-3f);
        Assert.Equal(-1f, delta[0]);
    }

    [Fact]
    public void GeluMatchesTheErfDefinition()
    {
        for (double z = -8; z <= 8; z += 0.01)
        {
            double expected = z * 0.5 * (1 + ReferenceNetwork.Erf(z / Math.Sqrt(2)));
            Assert.Equal(expected, Activations.Gelu((float)z), 2e-7 * Math.Abs(z) + 1e-7);
        }
    }

    private static float[] Random(int n, ref SeededRandom random)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = 2f * random.NextSingle() - 1f;
        }
        return values;
    }
}

public class ForwardSoftmaxKernelTests
{
    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int rows in new[] { 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 20 })
        {
            foreach (int cols in new[] { 1, 7, 16, 17, 32, 33, 64 })
            {
                data.Add(rows, cols);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardSoftmax_EqualsForwardThenSoftmax_BitForBit(int rows, int cols)
    {
        var random = new SeededRandom(rows * 100 + cols);
        float[] w = Enumerable.Range(0, rows * cols).Select(_ => random.NextSingle() - 0.5f).ToArray();
        float[] b = Enumerable.Range(0, rows).Select(_ => 4f * random.NextSingle() - 2f).ToArray();
        float[] x = Enumerable.Range(0, cols).Select(_ => 2f * random.NextSingle() - 1f).ToArray();
        float[] expectedZ = new float[rows], expectedA = new float[rows];
        DenseKernels.Forward(w, b, x, expectedZ, rows, cols);
        Activations.Softmax(expectedZ, expectedA);

        float[] z = new float[rows + 1], a = new float[rows + 1];
        z[rows] = a[rows] = 42f;
        DenseKernels.ForwardSoftmax(w, b, x, z.AsSpan(0, rows), a.AsSpan(0, rows), rows, cols);
        Assert.Equal(expectedZ, z[..rows]);
        Assert.Equal(expectedA, a[..rows]);
        Assert.Equal(42f, z[rows]);
        Assert.Equal(42f, a[rows]);

        float[] onlyA = new float[rows];
        DenseKernels.ForwardSoftmax(w, b, x, default, onlyA, rows, cols);
        Assert.Equal(expectedA, onlyA);
        Assert.Throws<ArgumentException>(() => DenseKernels.ForwardSoftmax(w, b, x, new float[rows + 1], onlyA, rows, cols));
    }
}
