using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

// The register-blocked bodies of DenseKernels, one copy per vector width (Vector512: 16 floats, Vector256: 8). Each works
// on four rows of W at a time, so every chunk of x (forward) or of the input and δ-propagation vector (backward) is
// loaded once per four rows, and keeps one accumulator per row. A column count that is not a multiple of the width ends
// with one overlapping chunk at cols − width whose already-covered lanes are masked to zero (TailMask), so there is no
// scalar tail and adding a masked product leaves those lanes unchanged. Rows beyond the last block of four use the
// single-row Simd routines.
public static partial class DenseKernels
{
    /// <summary>32 lanes: 16 zeros then 16 all-ones; loading a vector at index r gives ones in its last r lanes.</summary>
    private static ReadOnlySpan<uint> TailMask =>
    [
        0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u,
        ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u,
    ];

    // ----- Vector512 (16 floats) ----------------------------------------------------------------------------------------

    /// <summary>Ones in the last <paramref name="remainder"/> lanes (0 &lt; remainder &lt; 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TailMaskVector512(int remainder) =>
        Vector512.LoadUnsafe(ref Unsafe.As<uint, float>(ref Unsafe.AsRef(in TailMask[0])), (nuint)(16 + remainder - 16));

    /// <summary>Four row sums of four accumulators, in row order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3)
    {
        Vector256<float> s0 = a0.GetLower() + a0.GetUpper(), s1 = a1.GetLower() + a1.GetUpper(), s2 = a2.GetLower() + a2.GetUpper(), s3 = a3.GetLower() + a3.GetUpper();
        Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
        return h.GetLower() + h.GetUpper();
    }

    /// <summary>
    /// Four rows at a time, each block's sums stored as one 128-bit vector. (Measured on W3's 128 × 784 layer, 64-byte-aligned:
    /// this loop streams the weights at the L2 read rate, 2.3 µs; grouping four blocks to store 512 bits at once, which would
    /// let a following activation's wide loads be forwarded from the store, ran at 3.2 µs.) Returns the number of rows done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ForwardVector512(ref float w, ref float b, ref float x, ref float z, int rows, int cols)
    {
        int o = 0;
        for (; o <= rows - 4; o += 4)
        {
            (Rows4Vector512(ref Unsafe.Add(ref w, o * cols), ref x, cols) + Vector128.LoadUnsafe(ref b, (nuint)o)).StoreUnsafe(ref z, (nuint)o);
        }
        return o;
    }

    /// <summary>
    /// z = W·x + b and a = softmax(z) for 4 ≤ rows ≤ 16 and cols ≥ 16, in registers: the rows in up to four blocks of four
    /// starting at min(4k, rows − 4) (the last block overlaps the one before when rows is not a multiple of 4), softmax over
    /// the sixteen lanes with repeated and unused lanes masked out of the sum, each block stored once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardSoftmaxVector512(ref float w, ref float b, ref float x, ref float z, ref float a, bool keepLogits, int rows, int cols)
    {
        // Every logit is computed exactly as Forward computes it (full blocks of four rows, then single rows), so the values
        // match Forward's and ForwardBatch's bit for bit; the last block is then assembled from the block before it and the
        // single rows.
        int full = rows / 4, single = rows % 4;
        Vector128<float> f0 = Rows4Vector512(ref w, ref x, cols) + Vector128.LoadUnsafe(ref b);
        Vector128<float> f1 = full > 1 ? Rows4Vector512(ref Unsafe.Add(ref w, 4 * cols), ref x, cols) + Vector128.LoadUnsafe(ref b, 4) : f0;
        Vector128<float> f2 = full > 2 ? Rows4Vector512(ref Unsafe.Add(ref w, 8 * cols), ref x, cols) + Vector128.LoadUnsafe(ref b, 8) : f0;
        Vector128<float> f3 = full > 3 ? Rows4Vector512(ref Unsafe.Add(ref w, 12 * cols), ref x, cols) + Vector128.LoadUnsafe(ref b, 12) : f0;
        if (single != 0)
        {
            int o = 4 * full;
            float t0 = Unsafe.Add(ref b, o) + Simd.Dot(ref Unsafe.Add(ref w, o * cols), ref x, cols);
            float t1 = single > 1 ? Unsafe.Add(ref b, o + 1) + Simd.Dot(ref Unsafe.Add(ref w, (o + 1) * cols), ref x, cols) : 0f;
            float t2 = single > 2 ? Unsafe.Add(ref b, o + 2) + Simd.Dot(ref Unsafe.Add(ref w, (o + 2) * cols), ref x, cols) : 0f;
            Vector128<float> previous = full == 1 ? f0 : full == 2 ? f1 : f2;
            Vector128<float> last = single == 1 ? Vector128.Create(previous.GetElement(1), previous.GetElement(2), previous.GetElement(3), t0)
                : single == 2 ? Vector128.Create(previous.GetElement(2), previous.GetElement(3), t0, t1)
                : Vector128.Create(previous.GetElement(3), t0, t1, t2);
            if (full == 1)
            {
                f1 = last;
            }
            else if (full == 2)
            {
                f2 = last;
            }
            else
            {
                f3 = last;
            }
        }
        Activations.SoftmaxBlocks(f0, f1, f2, f3, rows, ref z, keepLogits, ref a);
    }

    /// <summary>The four dot products W[r]·x of the rows starting at <paramref name="w0"/> (cols ≥ 16), in row order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Rows4Vector512(ref float w0, ref float x, int cols)
    {
        int remainder = cols % 16, full = cols - remainder;
        ref float w1 = ref Unsafe.Add(ref w0, cols);
        ref float w2 = ref Unsafe.Add(ref w1, cols);
        ref float w3 = ref Unsafe.Add(ref w2, cols);
        Vector512<float> acc0 = Vector512<float>.Zero, acc1 = Vector512<float>.Zero, acc2 = Vector512<float>.Zero, acc3 = Vector512<float>.Zero;
        for (int i = 0; i < full; i += 16)
        {
            Vector512<float> xv = Vector512.LoadUnsafe(ref x, (nuint)i);
            acc0 = VectorMath.Fma(Vector512.LoadUnsafe(ref w0, (nuint)i), xv, acc0);
            acc1 = VectorMath.Fma(Vector512.LoadUnsafe(ref w1, (nuint)i), xv, acc1);
            acc2 = VectorMath.Fma(Vector512.LoadUnsafe(ref w2, (nuint)i), xv, acc2);
            acc3 = VectorMath.Fma(Vector512.LoadUnsafe(ref w3, (nuint)i), xv, acc3);
        }
        if (remainder != 0)
        {
            nuint i = (nuint)(cols - 16);
            Vector512<float> xv = Vector512.LoadUnsafe(ref x, i) & TailMaskVector512(remainder);
            acc0 = VectorMath.Fma(Vector512.LoadUnsafe(ref w0, i), xv, acc0);
            acc1 = VectorMath.Fma(Vector512.LoadUnsafe(ref w1, i), xv, acc1);
            acc2 = VectorMath.Fma(Vector512.LoadUnsafe(ref w2, i), xv, acc2);
            acc3 = VectorMath.Fma(Vector512.LoadUnsafe(ref w3, i), xv, acc3);
        }
        return Sum4(acc0, acc1, acc2, acc3);
    }

    /// <summary>
    /// Backprop through four rows at a time: <c>G ← G + scale·δ·aᵀ</c> row by row and, when <paramref name="propagate"/>,
    /// <c>gi ← gi + Wᵀ·δ</c>. Accumulating gradients passes G = ∂L/∂W and scale = 1; the fused SGD step passes G = W
    /// itself and scale = −η, and each chunk of W is read for the propagation before it is updated, so gi sees the old W.
    /// With <paramref name="update"/> false only gi is computed. Returns the number of rows done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BackwardVector512(ref float w, ref float delta, ref float input, ref float gw, ref float gi, bool propagate,
        bool update, float scale, int rows, int cols)
    {
        int o = 0;
        int remainder = cols % 16, full = cols - remainder;
        for (; o <= rows - 4; o += 4)
        {
            ref float w0 = ref Unsafe.Add(ref w, o * cols);
            ref float g0 = ref Unsafe.Add(ref gw, o * cols);
            float dd0 = Unsafe.Add(ref delta, o), dd1 = Unsafe.Add(ref delta, o + 1), dd2 = Unsafe.Add(ref delta, o + 2), dd3 = Unsafe.Add(ref delta, o + 3);
            var d = new Block4Vector512(Vector512.Create(dd0), Vector512.Create(dd1), Vector512.Create(dd2), Vector512.Create(dd3));
            var s = new Block4Vector512(Vector512.Create(scale * dd0), Vector512.Create(scale * dd1), Vector512.Create(scale * dd2), Vector512.Create(scale * dd3));
            for (int i = 0; i < full; i += 16)
            {
                BackwardChunkVector512((nuint)i, Vector512<float>.AllBitsSet, ref w0, ref g0, ref input, ref gi, propagate, update, in d, in s, cols);
            }
            if (remainder != 0)
            {
                BackwardChunkVector512((nuint)(cols - 16), TailMaskVector512(remainder), ref w0, ref g0, ref input, ref gi, propagate, update, in d, in s, cols);
            }
        }
        return o;
    }

    /// <summary>Four broadcast values, one per row of a block.</summary>
    private readonly struct Block4Vector512(Vector512<float> r0, Vector512<float> r1, Vector512<float> r2, Vector512<float> r3)
    {
        public readonly Vector512<float> R0 = r0, R1 = r1, R2 = r2, R3 = r3;
    }

    /// <summary>One chunk of four rows; lanes outside <paramref name="m"/> add zero (they belong to the previous chunk).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardChunkVector512(nuint i, Vector512<float> m, ref float w0, ref float g0, ref float input, ref float gi, bool propagate,
        bool update, in Block4Vector512 d, in Block4Vector512 s, int cols)
    {
        nuint c = (nuint)cols;
        Vector512<float> a = Vector512.LoadUnsafe(ref input, i) & m;
        if (propagate)
        {
            Vector512<float> g = Vector512.LoadUnsafe(ref gi, i);
            g = VectorMath.Fma(d.R0, Vector512.LoadUnsafe(ref w0, i) & m, g);
            g = VectorMath.Fma(d.R1, Vector512.LoadUnsafe(ref w0, i + c) & m, g);
            g = VectorMath.Fma(d.R2, Vector512.LoadUnsafe(ref w0, i + 2 * c) & m, g);
            g = VectorMath.Fma(d.R3, Vector512.LoadUnsafe(ref w0, i + 3 * c) & m, g);
            g.StoreUnsafe(ref gi, i);
        }
        if (!update)
        {
            return;
        }
        VectorMath.Fma(s.R0, a, Vector512.LoadUnsafe(ref g0, i)).StoreUnsafe(ref g0, i);
        VectorMath.Fma(s.R1, a, Vector512.LoadUnsafe(ref g0, i + c)).StoreUnsafe(ref g0, i + c);
        VectorMath.Fma(s.R2, a, Vector512.LoadUnsafe(ref g0, i + 2 * c)).StoreUnsafe(ref g0, i + 2 * c);
        VectorMath.Fma(s.R3, a, Vector512.LoadUnsafe(ref g0, i + 3 * c)).StoreUnsafe(ref g0, i + 3 * c);
    }

    // ----- Vector256 (8 floats) ----------------------------------------------------------------------------------------

    /// <summary>Ones in the last <paramref name="remainder"/> lanes (0 &lt; remainder &lt; 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TailMaskVector256(int remainder) =>
        Vector256.LoadUnsafe(ref Unsafe.As<uint, float>(ref Unsafe.AsRef(in TailMask[0])), (nuint)(16 + remainder - 8));

    /// <summary>Four row sums of four accumulators, in row order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        Vector256<float> s0 = a0, s1 = a1, s2 = a2, s3 = a3;
        Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
        return h.GetLower() + h.GetUpper();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ForwardVector256(ref float w, ref float b, ref float x, ref float z, int rows, int cols)
    {
        int o = 0;
        int remainder = cols % 8, full = cols - remainder;
        for (; o <= rows - 4; o += 4)
        {
            ref float w0 = ref Unsafe.Add(ref w, o * cols);
            ref float w1 = ref Unsafe.Add(ref w0, cols);
            ref float w2 = ref Unsafe.Add(ref w1, cols);
            ref float w3 = ref Unsafe.Add(ref w2, cols);
            Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero, acc2 = Vector256<float>.Zero, acc3 = Vector256<float>.Zero;
            for (int i = 0; i < full; i += 8)
            {
                Vector256<float> xv = Vector256.LoadUnsafe(ref x, (nuint)i);
                acc0 = VectorMath.Fma(Vector256.LoadUnsafe(ref w0, (nuint)i), xv, acc0);
                acc1 = VectorMath.Fma(Vector256.LoadUnsafe(ref w1, (nuint)i), xv, acc1);
                acc2 = VectorMath.Fma(Vector256.LoadUnsafe(ref w2, (nuint)i), xv, acc2);
                acc3 = VectorMath.Fma(Vector256.LoadUnsafe(ref w3, (nuint)i), xv, acc3);
            }
            if (remainder != 0)
            {
                nuint i = (nuint)(cols - 8);
                Vector256<float> xv = Vector256.LoadUnsafe(ref x, i) & TailMaskVector256(remainder);
                acc0 = VectorMath.Fma(Vector256.LoadUnsafe(ref w0, i), xv, acc0);
                acc1 = VectorMath.Fma(Vector256.LoadUnsafe(ref w1, i), xv, acc1);
                acc2 = VectorMath.Fma(Vector256.LoadUnsafe(ref w2, i), xv, acc2);
                acc3 = VectorMath.Fma(Vector256.LoadUnsafe(ref w3, i), xv, acc3);
            }
            (Sum4(acc0, acc1, acc2, acc3) + Vector128.LoadUnsafe(ref b, (nuint)o)).StoreUnsafe(ref z, (nuint)o);
        }
        return o;
    }

    /// <summary>
    /// Backprop through four rows at a time: <c>G ← G + scale·δ·aᵀ</c> row by row and, when <paramref name="propagate"/>,
    /// <c>gi ← gi + Wᵀ·δ</c>. Accumulating gradients passes G = ∂L/∂W and scale = 1; the fused SGD step passes G = W
    /// itself and scale = −η, and each chunk of W is read for the propagation before it is updated, so gi sees the old W.
    /// With <paramref name="update"/> false only gi is computed. Returns the number of rows done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BackwardVector256(ref float w, ref float delta, ref float input, ref float gw, ref float gi, bool propagate,
        bool update, float scale, int rows, int cols)
    {
        int o = 0;
        int remainder = cols % 8, full = cols - remainder;
        for (; o <= rows - 4; o += 4)
        {
            ref float w0 = ref Unsafe.Add(ref w, o * cols);
            ref float g0 = ref Unsafe.Add(ref gw, o * cols);
            float dd0 = Unsafe.Add(ref delta, o), dd1 = Unsafe.Add(ref delta, o + 1), dd2 = Unsafe.Add(ref delta, o + 2), dd3 = Unsafe.Add(ref delta, o + 3);
            var d = new Block4Vector256(Vector256.Create(dd0), Vector256.Create(dd1), Vector256.Create(dd2), Vector256.Create(dd3));
            var s = new Block4Vector256(Vector256.Create(scale * dd0), Vector256.Create(scale * dd1), Vector256.Create(scale * dd2), Vector256.Create(scale * dd3));
            for (int i = 0; i < full; i += 8)
            {
                BackwardChunkVector256((nuint)i, Vector256<float>.AllBitsSet, ref w0, ref g0, ref input, ref gi, propagate, update, in d, in s, cols);
            }
            if (remainder != 0)
            {
                BackwardChunkVector256((nuint)(cols - 8), TailMaskVector256(remainder), ref w0, ref g0, ref input, ref gi, propagate, update, in d, in s, cols);
            }
        }
        return o;
    }

    /// <summary>Four broadcast values, one per row of a block.</summary>
    private readonly struct Block4Vector256(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3)
    {
        public readonly Vector256<float> R0 = r0, R1 = r1, R2 = r2, R3 = r3;
    }

    /// <summary>One chunk of four rows; lanes outside <paramref name="m"/> add zero (they belong to the previous chunk).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BackwardChunkVector256(nuint i, Vector256<float> m, ref float w0, ref float g0, ref float input, ref float gi, bool propagate,
        bool update, in Block4Vector256 d, in Block4Vector256 s, int cols)
    {
        nuint c = (nuint)cols;
        Vector256<float> a = Vector256.LoadUnsafe(ref input, i) & m;
        if (propagate)
        {
            Vector256<float> g = Vector256.LoadUnsafe(ref gi, i);
            g = VectorMath.Fma(d.R0, Vector256.LoadUnsafe(ref w0, i) & m, g);
            g = VectorMath.Fma(d.R1, Vector256.LoadUnsafe(ref w0, i + c) & m, g);
            g = VectorMath.Fma(d.R2, Vector256.LoadUnsafe(ref w0, i + 2 * c) & m, g);
            g = VectorMath.Fma(d.R3, Vector256.LoadUnsafe(ref w0, i + 3 * c) & m, g);
            g.StoreUnsafe(ref gi, i);
        }
        if (!update)
        {
            return;
        }
        VectorMath.Fma(s.R0, a, Vector256.LoadUnsafe(ref g0, i)).StoreUnsafe(ref g0, i);
        VectorMath.Fma(s.R1, a, Vector256.LoadUnsafe(ref g0, i + c)).StoreUnsafe(ref g0, i + c);
        VectorMath.Fma(s.R2, a, Vector256.LoadUnsafe(ref g0, i + 2 * c)).StoreUnsafe(ref g0, i + 2 * c);
        VectorMath.Fma(s.R3, a, Vector256.LoadUnsafe(ref g0, i + 3 * c)).StoreUnsafe(ref g0, i + 3 * c);
    }
}
