using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using NetGen.Kernels;

namespace NetGen.Benchmarks;

/// <summary>
/// LeNet-5's convolution and pooling layers, one image (CHW) per call, through NetGen.Kernels.ConvKernels / PoolKernels:
/// C1 = Conv2D 1×28×28 → 6×28×28 (5×5, padding 2), C2 = Conv2D 6×14×14 → 16×10×10 (5×5). Each convolution is timed in both
/// forms (direct and im2col; the public methods use direct for stride 1) so that the form is chosen by measurement.
/// <c>-- conv</c> prints ns per image and GFLOP/s against the core's measured FMA peak (fastest of 100 rounds, robust on a
/// shared machine); <c>-- --filter '*Conv*'</c> runs the same methods under BenchmarkDotNet.
/// </summary>
public class ConvBenchmarks
{
    /// <summary>Multiply-adds counted as 2 flops: forward 2·F·Ho·Wo·C·k², ∂W the same, ∂x the same again.</summary>
    public const double C1Flops = 2.0 * 6 * 28 * 28 * 1 * 25, C2Flops = 2.0 * 16 * 10 * 10 * 6 * 25;

    private static readonly ConvShape C1 = ConvShape.Conv2D(1, 28, 28, 6, 5, 1, 2);
    private static readonly ConvShape C2 = ConvShape.Conv2D(6, 14, 14, 16, 5, 1, 0);

    private readonly float[] _x1 = Filled(784, 1), _w1 = Filled(150, 2), _b1 = Filled(6, 3), _z1 = new float[6 * 784], _d1 = Filled(6 * 784, 4);
    private readonly float[] _x2 = Filled(6 * 196, 5), _w2 = Filled(2400, 6), _b2 = Filled(16, 7), _z2 = new float[1600], _d2 = Filled(1600, 8);
    private readonly float[] _gw1 = new float[150], _gb1 = new float[6], _gw2 = new float[2400], _gb2 = new float[16], _gx2 = new float[6 * 196];
    private readonly float[] _p1 = new float[6 * 196], _p2 = new float[16 * 25], _gp1 = new float[6 * 784], _gp2 = new float[1600];
    private readonly float[] _scratch = new float[Math.Max(Math.Max(C1.ScratchLength(ConvShape.Im2Col), C1.ScratchLength(ConvShape.Direct)),
        Math.Max(C2.ScratchLength(ConvShape.Im2Col), C2.ScratchLength(ConvShape.Direct)))];

    private static float[] Filled(int n, int seed)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float)(random.NextDouble() - 0.5);
        return values;
    }

    [GlobalSetup]
    public void Setup()
    {
        // Both forms compute the same forward bits (the same chain of fused multiply-adds per output).
        C1DirectForward();
        float[] direct = (float[])_z1.Clone();
        C1Im2ColForward();
        if (!direct.AsSpan().SequenceEqual(_z1))
        {
            throw new InvalidOperationException("The direct and im2col forms of C1 disagree.");
        }
    }

    [Benchmark] public void C1DirectForward() => ConvKernels.ForwardBatch(C1, ConvShape.Direct, _w1, _b1, _x1, _z1, _scratch, 1);
    [Benchmark] public void C1Im2ColForward() => ConvKernels.ForwardBatch(C1, ConvShape.Im2Col, _w1, _b1, _x1, _z1, _scratch, 1);
    [Benchmark] public void C2DirectForward() => ConvKernels.ForwardBatch(C2, ConvShape.Direct, _w2, _b2, _x2, _z2, _scratch, 1);
    [Benchmark] public void C2Im2ColForward() => ConvKernels.ForwardBatch(C2, ConvShape.Im2Col, _w2, _b2, _x2, _z2, _scratch, 1);

    /// <summary>The first layer's backward: ∂W and ∂b only.</summary>
    [Benchmark] public void C1DirectBackward() => ConvKernels.BackwardBatch(C1, ConvShape.Direct, _w1, _x1, _d1, _gw1, _gb1, default, _scratch, 1);
    [Benchmark] public void C1Im2ColBackward() => ConvKernels.BackwardBatch(C1, ConvShape.Im2Col, _w1, _x1, _d1, _gw1, _gb1, default, _scratch, 1);

    /// <summary>∂W, ∂b and ∂x.</summary>
    [Benchmark] public void C2DirectBackward() => ConvKernels.BackwardBatch(C2, ConvShape.Direct, _w2, _x2, _d2, _gw2, _gb2, _gx2, _scratch, 1);
    [Benchmark] public void C2Im2ColBackward() => ConvKernels.BackwardBatch(C2, ConvShape.Im2Col, _w2, _x2, _d2, _gw2, _gb2, _gx2, _scratch, 1);

    [Benchmark] public void S2MaxPoolForward() => PoolKernels.MaxPool2DForward(_z1, _p1, 6, 28, 28, 2, 2);
    [Benchmark] public void S2MaxPoolBackward() => PoolKernels.MaxPool2DBackward(_z1, _p1, _gp1, 6, 28, 28, 2, 2);
    [Benchmark] public void S4MaxPoolForward() => PoolKernels.MaxPool2DForward(_z2, _p2, 16, 10, 10, 2, 2);
    [Benchmark] public void S4MaxPoolBackward() => PoolKernels.MaxPool2DBackward(_z2, _p2, _gp2, 16, 10, 10, 2, 2);

    /// <summary>
    /// The FMA peak of one core: 12 independent chains of 512-bit fused multiply-adds (more than the 2 ports × 4 cycles of
    /// latency = 8 that must be in flight), 1024 iterations; flops = 1024·12·16·2.
    /// </summary>
    [Benchmark]
    public float FmaPeak() => FmaLoop(1024);

    public const double FmaPeakFlops = 1024.0 * 12 * 16 * 2;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float FmaLoop(int iterations)
    {
        Vector512<float> m = Vector512.Create(0.999f), a = Vector512.Create(1e-3f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a); c2 = Vector512.FusedMultiplyAdd(c2, m, a);
            c3 = Vector512.FusedMultiplyAdd(c3, m, a); c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a); c8 = Vector512.FusedMultiplyAdd(c8, m, a);
            c9 = Vector512.FusedMultiplyAdd(c9, m, a); c10 = Vector512.FusedMultiplyAdd(c10, m, a); c11 = Vector512.FusedMultiplyAdd(c11, m, a);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    /// <summary><c>-- conv</c>: the table of ns per image and GFLOP/s, with the measured peak.</summary>
    public static int Run()
    {
        var b = new ConvBenchmarks();
        b.Setup();
        double peakNs = Quick.FastestNanoseconds(() => b.FmaPeak(), 1);
        double peak = FmaPeakFlops / peakNs;
        Console.WriteLine($"Measured FMA peak (one core, 512-bit): {peak:F1} GFLOP/s");
        Console.WriteLine($"Scratch floats: C1 {ConvKernels.Conv2DScratchLength(1, 28, 28, 6, 5, 1, 2)}, C2 {ConvKernels.Conv2DScratchLength(6, 14, 14, 16, 5, 1, 0)}");
        Console.WriteLine();
        Console.WriteLine($"| {"Layer",-22} | {"Form",-7} | {"ns/image",9} | {"GFLOP/s",8} | {"% peak",6} |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        Row("C1 forward", "direct", b.C1DirectForward, C1Flops, peak);
        Row("C1 forward", "im2col", b.C1Im2ColForward, C1Flops, peak);
        Row("C2 forward", "direct", b.C2DirectForward, C2Flops, peak);
        Row("C2 forward", "im2col", b.C2Im2ColForward, C2Flops, peak);
        Row("C1 backward (∂W, ∂b)", "direct", b.C1DirectBackward, C1Flops, peak);
        Row("C1 backward (∂W, ∂b)", "im2col", b.C1Im2ColBackward, C1Flops, peak);
        Row("C2 backward (∂W,∂b,∂x)", "direct", b.C2DirectBackward, 2 * C2Flops, peak);
        Row("C2 backward (∂W,∂b,∂x)", "im2col", b.C2Im2ColBackward, 2 * C2Flops, peak);
        Row("S2 max pool forward", "", b.S2MaxPoolForward, 0, peak);
        Row("S2 max pool backward", "", b.S2MaxPoolBackward, 0, peak);
        Row("S4 max pool forward", "", b.S4MaxPoolForward, 0, peak);
        Row("S4 max pool backward", "", b.S4MaxPoolBackward, 0, peak);
        return 0;
    }

    private static void Row(string layer, string form, Action action, double flops, double peak)
    {
        double ns = Quick.FastestNanoseconds(action, 1);
        string rate = flops > 0 ? $"{flops / ns,8:F1}" : $"{"",8}";
        string share = flops > 0 ? $"{100 * flops / ns / peak,5:F0}%" : $"{"",6}";
        Console.WriteLine($"| {layer,-22} | {form,-7} | {ns,9:F0} | {rate} | {share} |");
    }
}
