using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>
/// The blocked dense kernels against double-precision loops for every column count 0..257 (every masked tail of every
/// vector width, with row counts that leave 0–3 rows after the blocks of four and eight), and the batched kernels against
/// one per-sample call after another (bit for bit) for batches 0..9.
/// </summary>
public class DenseKernelTests
{
    public static TheoryData<int> Columns() => new(Enumerable.Range(0, 258));

    private static readonly int[] s_rows = [1, 3, 4, 7, 8, 13];

    [Theory]
    [MemberData(nameof(Columns))]
    public void ForwardBackwardAndFusedSgdMatchDoublePrecisionLoops(int cols)
    {
        foreach (int rows in s_rows)
        {
            var random = new SeededRandom(rows * 1000 + cols);
            float[] w = Random(rows * cols, ref random), b = Random(rows, ref random), x = Random(cols, ref random), delta = Random(rows, ref random);
            var z = new float[rows + 1];
            z[rows] = 42f; // a sentinel past the output
            DenseKernels.Forward(w, b, x, z.AsSpan(0, rows), rows, cols);
            Assert.Equal(42f, z[rows]);
            for (int o = 0; o < rows; o++)
            {
                (double sum, double magnitude) = Dot(w.AsSpan(o * cols, cols), x, b[o]);
                Assert.True(Math.Abs(sum - z[o]) <= 1e-6 * magnitude + 1e-7, $"rows {rows}, cols {cols}, z[{o}] = {z[o]}, expected {sum}");
            }

            float[] gradW = Random(rows * cols, ref random), gradB = Random(rows, ref random);
            float[] gradW0 = (float[])gradW.Clone(), gradB0 = (float[])gradB.Clone();
            var gradInput = new float[cols];
            gradInput.AsSpan().Fill(float.NaN); // overwritten, never accumulated
            DenseKernels.Backward(w, delta, x, gradW, gradB, gradInput, rows, cols);
            float[] fusedW = (float[])w.Clone(), fusedB = (float[])b.Clone();
            var fusedInput = new float[cols];
            const float eta = 0.3f;
            DenseKernels.BackwardSgd(fusedW, fusedB, delta, x, fusedInput, rows, cols, eta);
            for (int o = 0; o < rows; o++)
            {
                Assert.Equal(gradB0[o] + delta[o], gradB[o], 1e-6);
                Assert.Equal(b[o] - eta * (double)delta[o], fusedB[o], 1e-6);
                for (int i = 0; i < cols; i++)
                {
                    int k = o * cols + i;
                    Assert.True(Math.Abs(gradW0[k] + (double)delta[o] * x[i] - gradW[k]) <= 1e-6, $"∂W[{o},{i}]");
                    Assert.True(Math.Abs(w[k] - eta * (double)delta[o] * x[i] - fusedW[k]) <= 1e-6, $"fused W[{o},{i}]");
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
                Assert.True(Math.Abs(sum - gradInput[i]) <= 1e-6 * magnitude + 1e-7, $"gradInput[{i}]");
                Assert.Equal(gradInput[i], fusedInput[i]); // the fused step propagates with the old W, bit for bit
            }
        }
    }

    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 3, 17 }, { 8, 16 }, { 9, 31 }, { 13, 64 }, { 16, 100 }, { 20, 33 }, { 128, 784 }, { 10, 64 }, { 64, 128 }, { 7, 8 }, { 5, 12 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BatchedKernelsEqualOnePerSampleCallAfterAnotherBitForBit(int rows, int cols)
    {
        for (int batch = 0; batch <= 9; batch++)
        {
            var random = new SeededRandom(rows * 7919 + cols * 31 + batch);
            float[] w = Random(rows * cols, ref random), b = Random(rows, ref random);
            float[] x = Random(batch * cols, ref random), delta = Random(batch * rows, ref random);

            var z = new float[batch * rows];
            DenseKernels.ForwardBatch(w, b, x, z, batch, rows, cols);
            var zs = new float[rows];
            for (int s = 0; s < batch; s++)
            {
                DenseKernels.Forward(w, b, x.AsSpan(s * cols, cols), zs, rows, cols);
                Assert.Equal(zs, z.AsSpan(s * rows, rows).ToArray());
            }

            float[] gradW = Random(rows * cols, ref random), gradB = Random(rows, ref random);
            float[] gradWs = (float[])gradW.Clone(), gradBs = (float[])gradB.Clone();
            var gradInput = new float[batch * cols];
            DenseKernels.BackwardBatch(w, delta, x, gradW, gradB, gradInput, batch, rows, cols);
            var gi = new float[cols];
            for (int s = 0; s < batch; s++)
            {
                DenseKernels.Backward(w, delta.AsSpan(s * rows, rows), x.AsSpan(s * cols, cols), gradWs, gradBs, gi, rows, cols);
                Assert.Equal(gi, gradInput.AsSpan(s * cols, cols).ToArray());
            }
            Assert.Equal(gradWs, gradW);
            Assert.Equal(gradBs, gradB);

            if (batch == 0)
            {
                continue;
            }
            // The fused mini-batch step: W ← W − (η/B)·Σ δ·aᵀ against a double-precision sum, and Wᵀ·δ with the old W.
            float[] fusedW = (float[])w.Clone(), fusedB = (float[])b.Clone();
            var fusedInput = new float[batch * cols];
            const float eta = 0.4f;
            DenseKernels.BackwardBatchSgd(fusedW, fusedB, delta, x, fusedInput, batch, rows, cols, eta);
            Assert.Equal(gradInput, fusedInput);
            for (int o = 0; o < rows; o++)
            {
                double db = 0;
                for (int s = 0; s < batch; s++)
                {
                    db += delta[s * rows + o];
                }
                Assert.Equal(b[o] - eta / batch * db, fusedB[o], 1e-6);
                for (int i = 0; i < cols; i++)
                {
                    double dw = 0;
                    for (int s = 0; s < batch; s++)
                    {
                        dw += (double)delta[s * rows + o] * x[s * cols + i];
                    }
                    Assert.True(Math.Abs(w[o * cols + i] - eta / batch * dw - fusedW[o * cols + i]) <= 2e-6, $"batch {batch}: W[{o},{i}]");
                }
            }
        }
    }

    [Fact]
    public void BatchedKernelsRejectMismatchedShapes()
    {
        Assert.Throws<ArgumentException>(() => DenseKernels.ForwardBatch(new float[6], new float[2], new float[9], new float[4], 2, 2, 3));
        Assert.Throws<ArgumentException>(() => DenseKernels.BackwardBatch(new float[6], new float[4], new float[6], new float[6], new float[2], new float[5], 2, 2, 3));
        Assert.Throws<ArgumentException>(() => DenseKernels.BackwardBatchSgd(new float[6], new float[2], new float[4], new float[6], default, 0, 2, 3, 0.1f));
        Assert.Throws<ArgumentException>(() => DenseKernels.BackwardSgd(new float[6], new float[3], new float[2], new float[3], default, 2, 3, 0.1f));
    }

    private static (double Sum, double Magnitude) Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float bias)
    {
        double sum = bias, magnitude = Math.Abs(bias);
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
            magnitude += Math.Abs((double)a[i] * b[i]);
        }
        return (sum, magnitude);
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
