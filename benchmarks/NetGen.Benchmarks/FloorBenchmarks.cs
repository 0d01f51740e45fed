using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using NetGen.Kernels;

namespace NetGen.Benchmarks;

/// <summary>
/// The memory floor under W3 (<c>-- --filter '*Floor*'</c>): W3's first layer is 128 × 784 floats = 401 KB, resident in the
/// 1 MB L2 but not in the 48 KB L1, so every forward pass streams it from L2 once, and a fused training step streams all
/// 437 KB of parameters in and out once more. These measure the bare streams next to the kernel that does the work, on
/// 64-byte-aligned buffers as the generated networks use (NetGen.Kernels.Aligned).
/// </summary>
public class FloorBenchmarks
{
    private const int Rows = 128, Cols = 784;
    private readonly float[] _buffer = Aligned.Allocate(Rows * Cols);
    private readonly float[] _b = new float[Rows];
    private readonly float[] _x = new float[Cols];
    private readonly float[] _z = new float[Rows];
    private readonly float[] _delta = new float[Rows];

    private Span<float> W => Aligned.Span(_buffer, Rows * Cols);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        Span<float> w = W;
        for (int i = 0; i < w.Length; i++) w[i] = (float)(random.NextDouble() - 0.5) * 0.01f;
        for (int i = 0; i < Cols; i++) _x[i] = (float)random.NextDouble();
        for (int i = 0; i < Rows; i++) _delta[i] = (float)(random.NextDouble() - 0.5) * 1e-3f;
    }

    /// <summary>Sum of the 401 KB weight matrix: the L2 → core read bandwidth, no arithmetic to speak of.</summary>
    [Benchmark]
    public float StreamRead401KB()
    {
        ref float w = ref MemoryMarshal.GetReference(W);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (nuint i = 0; i < Rows * Cols; i += 64)
        {
            a0 += Vector512.LoadUnsafe(ref w, i);
            a1 += Vector512.LoadUnsafe(ref w, i + 16);
            a2 += Vector512.LoadUnsafe(ref w, i + 32);
            a3 += Vector512.LoadUnsafe(ref w, i + 48);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3);
    }

    /// <summary>w ← w + c over the 401 KB: the read-modify-write stream of an SGD update of that layer.</summary>
    [Benchmark]
    public void StreamUpdate401KB()
    {
        ref float w = ref MemoryMarshal.GetReference(W);
        Vector512<float> c = Vector512.Create(1e-30f);
        for (nuint i = 0; i < Rows * Cols; i += 16)
        {
            (Vector512.LoadUnsafe(ref w, i) + c).StoreUnsafe(ref w, i);
        }
    }

    /// <summary>NetGen's blocked GEMV on that layer (W3's first forward layer).</summary>
    [Benchmark]
    public void DenseForward128x784() => DenseKernels.Forward(W, _b, _x, _z, Rows, Cols);

    /// <summary>NetGen's fused backward + SGD on that layer without propagation (W3's first layer in TrainStep).</summary>
    [Benchmark]
    public void DenseBackwardSgd128x784() => DenseKernels.BackwardSgd(W, _b, _delta, _x, default, Rows, Cols, 1e-6f);
}
