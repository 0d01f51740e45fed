using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

// Mini-batch forms of the dense kernels: a batch is stored row-major, sample after sample (X is batch × cols, Z and Δ are
// batch × rows). They reuse every loaded chunk of W across several samples (forward, propagation) and every loaded chunk of
// a sample across several rows (gradients), so a layer whose weights live in L2 is read from L2 once per batch rather than
// once per sample, and the arithmetic becomes bound by the FMA units.
//
// Accumulating forms give exactly the bits of one per-sample call after another (Forward, Backward): every output is the
// same chain of fused multiply-adds in the same order (per row, one accumulator per row of a block of four, reduced by Sum4;
// per gradient element, one fused multiply-add per sample in sample order), only with the loads shared. Only the sign of an
// exact zero may differ. The register-blocked paths are written for Vector512; other widths loop over the samples with
// the per-sample kernels, which is the same arithmetic.
public static partial class DenseKernels
{
    /// <summary>
    /// <c>Z[s] = W·X[s] + b</c> for every sample s of a row-major batch: <c>Z[s, o] = b[o] + Σᵢ W[o, i]·X[s, i]</c>. Same result,
    /// bit for bit, as <see cref="Forward"/> once per sample; eight rows × two samples share each loaded chunk.
    /// </summary>
    /// <param name="w">W, <c>rows × cols</c>, row-major.</param>
    /// <param name="b">b, <c>rows</c> values.</param>
    /// <param name="x">X, <c>batch × cols</c>, one sample per row.</param>
    /// <param name="z">Z, <c>batch × rows</c>, written.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="rows">Outputs per sample.</param>
    /// <param name="cols">Inputs per sample.</param>
    public static void ForwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z, int batch, int rows, int cols)
    {
        if (batch < 0 || w.Length != rows * cols || b.Length != rows || x.Length != batch * cols || z.Length != batch * rows)
        {
            ThrowShape();
        }
        if (!(Vector512.IsHardwareAccelerated && Avx.IsSupported && cols >= Vector512<float>.Count))
        {
            for (int s = 0; s < batch; s++)
            {
                Forward(w, b, x.Slice(s * cols, cols), z.Slice(s * rows, rows), rows, cols);
            }
            return;
        }
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float zr = ref MemoryMarshal.GetReference(z);
        int o = 0;
        for (; o <= rows - 8; o += 8)
        {
            int s = 0;
            for (; s <= batch - 2; s += 2)
            {
                Rows8Samples2(ref Unsafe.Add(ref wr, o * cols), ref Unsafe.Add(ref br, o), ref Unsafe.Add(ref xr, s * cols),
                    ref Unsafe.Add(ref zr, s * rows + o), rows, cols, pair: true);
            }
            if (s < batch)
            {
                Rows8Samples2(ref Unsafe.Add(ref wr, o * cols), ref Unsafe.Add(ref br, o), ref Unsafe.Add(ref xr, s * cols),
                    ref Unsafe.Add(ref zr, s * rows + o), rows, cols, pair: false);
            }
        }
        for (int s = 0; s < batch; s++)
        {
            ref float xs = ref Unsafe.Add(ref xr, s * cols);
            ref float zs = ref Unsafe.Add(ref zr, s * rows);
            int done = o + ForwardVector512(ref Unsafe.Add(ref wr, o * cols), ref Unsafe.Add(ref br, o), ref xs, ref Unsafe.Add(ref zs, o), rows - o, cols);
            for (int t = done; t < rows; t++)
            {
                Unsafe.Add(ref zs, t) = Unsafe.Add(ref br, t) + Simd.Dot(ref Unsafe.Add(ref wr, t * cols), ref xs, cols);
            }
        }
    }

    /// <summary>Eight rows for one or two samples (<paramref name="pair"/>), two groups of four rows reduced by Sum4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows8Samples2(ref float w, ref float b, ref float x, ref float z, int rows, int cols, bool pair)
    {
        nuint c = (nuint)cols;
        int remainder = cols % 16, full = cols - remainder;
        ref float x1 = ref Unsafe.Add(ref x, pair ? cols : 0);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        for (int chunk = 0; ; chunk += 16)
        {
            nuint i;
            Vector512<float> m;
            if (chunk < full)
            {
                i = (nuint)chunk;
                m = Vector512<float>.AllBitsSet;
            }
            else if (remainder != 0 && chunk == full)
            {
                i = (nuint)(cols - 16);
                m = TailMaskVector512(remainder);
            }
            else
            {
                break;
            }
            Vector512<float> xa = Vector512.LoadUnsafe(ref x, i) & m, xb = Vector512.LoadUnsafe(ref x1, i) & m;
            Vector512<float> wv = Vector512.LoadUnsafe(ref w, i);
            a0 = VectorMath.Fma(wv, xa, a0); b0 = VectorMath.Fma(wv, xb, b0);
            wv = Vector512.LoadUnsafe(ref w, i + c);
            a1 = VectorMath.Fma(wv, xa, a1); b1 = VectorMath.Fma(wv, xb, b1);
            wv = Vector512.LoadUnsafe(ref w, i + 2 * c);
            a2 = VectorMath.Fma(wv, xa, a2); b2 = VectorMath.Fma(wv, xb, b2);
            wv = Vector512.LoadUnsafe(ref w, i + 3 * c);
            a3 = VectorMath.Fma(wv, xa, a3); b3 = VectorMath.Fma(wv, xb, b3);
            wv = Vector512.LoadUnsafe(ref w, i + 4 * c);
            a4 = VectorMath.Fma(wv, xa, a4); b4 = VectorMath.Fma(wv, xb, b4);
            wv = Vector512.LoadUnsafe(ref w, i + 5 * c);
            a5 = VectorMath.Fma(wv, xa, a5); b5 = VectorMath.Fma(wv, xb, b5);
            wv = Vector512.LoadUnsafe(ref w, i + 6 * c);
            a6 = VectorMath.Fma(wv, xa, a6); b6 = VectorMath.Fma(wv, xb, b6);
            wv = Vector512.LoadUnsafe(ref w, i + 7 * c);
            a7 = VectorMath.Fma(wv, xa, a7); b7 = VectorMath.Fma(wv, xb, b7);
            if (chunk >= full)
            {
                break;
            }
        }
        Vector128<float> bLow = Vector128.LoadUnsafe(ref b), bHigh = Vector128.LoadUnsafe(ref b, 4);
        (Sum4(a0, a1, a2, a3) + bLow).StoreUnsafe(ref z);
        (Sum4(a4, a5, a6, a7) + bHigh).StoreUnsafe(ref z, 4);
        if (pair)
        {
            (Sum4(b0, b1, b2, b3) + bLow).StoreUnsafe(ref z, (nuint)rows);
            (Sum4(b4, b5, b6, b7) + bHigh).StoreUnsafe(ref z, (nuint)rows + 4);
        }
    }

    /// <summary>
    /// Backprop of a mini-batch through a dense layer: <c>∂L/∂W += Σₛ δₛ·aₛᵀ</c>, <c>∂L/∂b += Σₛ δₛ</c> and, when
    /// <paramref name="gradInput"/> is not empty, <c>gradInput[s] = Wᵀ·δₛ</c> (overwritten). Same result, bit for bit, as
    /// <see cref="Backward"/> once per sample in order (up to the sign of an exact zero).
    /// </summary>
    /// <param name="w">W, <c>rows × cols</c>.</param>
    /// <param name="delta">Δ, <c>batch × rows</c>.</param>
    /// <param name="input">The layer's inputs A, <c>batch × cols</c>.</param>
    /// <param name="gradW">∂L/∂W, accumulated.</param>
    /// <param name="gradB">∂L/∂b, accumulated.</param>
    /// <param name="gradInput">Wᵀ·δ per sample, <c>batch × cols</c>, overwritten; empty for the first layer.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="rows">Outputs per sample.</param>
    /// <param name="cols">Inputs per sample.</param>
    public static void BackwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> delta, ReadOnlySpan<float> input,
        Span<float> gradW, Span<float> gradB, Span<float> gradInput, int batch, int rows, int cols)
    {
        CheckBatchShapes(w.Length, delta.Length, input.Length, gradInput.Length, batch, rows, cols);
        if (gradW.Length != rows * cols || gradB.Length != rows)
        {
            ThrowShape();
        }
        if (!(Vector512.IsHardwareAccelerated && Avx.IsSupported && cols >= Vector512<float>.Count))
        {
            for (int s = 0; s < batch; s++)
            {
                Backward(w, delta.Slice(s * rows, rows), input.Slice(s * cols, cols), gradW, gradB,
                    gradInput.Length == 0 ? default : gradInput.Slice(s * cols, cols), rows, cols);
            }
            return;
        }
        ref float dr = ref MemoryMarshal.GetReference(delta);
        for (int s = 0; s < batch; s++)
        {
            Simd.MultiplyAdd(1f, ref Unsafe.Add(ref dr, s * rows), ref MemoryMarshal.GetReference(gradB), rows);
        }
        if (gradInput.Length != 0)
        {
            PropagateBatch(w, delta, gradInput, batch, rows, cols);
        }
        GradientBatch(ref dr, ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(gradW), fusedScale: 0f, batch, rows, cols);
    }

    /// <summary>
    /// A mini-batch SGD step fused into backprop: <c>gradInput[s] = Wᵀ·δₛ</c> with W as it was (when not empty), then
    /// <c>W ← W − (η/B)·Σₛ δₛ·aₛᵀ</c> and <c>b ← b − (η/B)·Σₛ δₛ</c>, the mean gradient over the B samples. W is read and written
    /// once per batch, and no gradient buffer is touched.
    /// </summary>
    /// <param name="w">W, <c>rows × cols</c>, updated in place.</param>
    /// <param name="b">b, <c>rows</c> values, updated in place.</param>
    /// <param name="delta">Δ, <c>batch × rows</c>.</param>
    /// <param name="input">The layer's inputs A, <c>batch × cols</c>.</param>
    /// <param name="gradInput">Wᵀ·δ per sample, <c>batch × cols</c>, overwritten; empty for the first layer.</param>
    /// <param name="batch">Samples, B.</param>
    /// <param name="rows">Outputs per sample.</param>
    /// <param name="cols">Inputs per sample.</param>
    /// <param name="learningRate">η.</param>
    public static void BackwardBatchSgd(Span<float> w, Span<float> b, ReadOnlySpan<float> delta, ReadOnlySpan<float> input,
        Span<float> gradInput, int batch, int rows, int cols, float learningRate)
    {
        CheckBatchShapes(w.Length, delta.Length, input.Length, gradInput.Length, batch, rows, cols);
        if (b.Length != rows || batch == 0)
        {
            ThrowShape();
        }
        if (gradInput.Length != 0)
        {
            PropagateBatch(w, delta, gradInput, batch, rows, cols);
        }
        float scale = -learningRate / batch;
        ref float dr = ref MemoryMarshal.GetReference(delta);
        ref float br = ref MemoryMarshal.GetReference(b);
        for (int o = 0; o < rows; o++)
        {
            float total = 0f;
            for (int s = 0; s < batch; s++)
            {
                total += Unsafe.Add(ref dr, s * rows + o);
            }
            Unsafe.Add(ref br, o) = FastMath.MultiplyAdd(scale, total, Unsafe.Add(ref br, o));
        }
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float ar = ref MemoryMarshal.GetReference(input);
        if (Vector512.IsHardwareAccelerated && Avx.IsSupported && cols >= Vector512<float>.Count)
        {
            GradientBatch(ref dr, ref ar, ref wr, scale, batch, rows, cols);
            return;
        }
        // Other widths: each row's batch gradient in a stack block of columns, then one update of that block.
        Span<float> sum = stackalloc float[SumBlock];
        for (int o = 0; o < rows; o++)
        {
            SumRowsAndUpdate(ref dr, ref ar, ref Unsafe.Add(ref wr, o * cols), sum, scale, batch, rows, cols, o);
        }
    }

    private const int SumBlock = 512;

    /// <summary>Row o of W ← W + scale·Σₛ δₛ[o]·aₛ, summed over the samples in <paramref name="sum"/>, one block of columns at a time.</summary>
    private static void SumRowsAndUpdate(ref float delta, ref float input, ref float row, Span<float> sum, float scale, int batch, int rows, int cols, int o)
    {
        ref float sr = ref MemoryMarshal.GetReference(sum);
        for (int start = 0; start < cols; start += SumBlock)
        {
            int n = Math.Min(SumBlock, cols - start);
            sum.Slice(0, n).Clear();
            for (int s = 0; s < batch; s++)
            {
                Simd.MultiplyAdd(Unsafe.Add(ref delta, s * rows + o), ref Unsafe.Add(ref input, s * cols + start), ref sr, n);
            }
            Simd.MultiplyAdd(scale, ref sr, ref Unsafe.Add(ref row, start), n);
        }
    }

    /// <summary>gradInput[s] = Wᵀ·δₛ for every sample (Vector512: four samples × up to four chunks share each loaded chunk of W).</summary>
    private static void PropagateBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> delta, Span<float> gradInput, int batch, int rows, int cols)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float dr = ref MemoryMarshal.GetReference(delta);
        if (!(Vector512.IsHardwareAccelerated && Avx.IsSupported && cols >= Vector512<float>.Count))
        {
            // Other widths: the per-sample kernel's propagation, sample by sample (the same arithmetic as Backward).
            for (int s = 0; s < batch; s++)
            {
                BackwardCore(ref wr, ref Unsafe.Add(ref dr, s * rows), ref wr, ref wr, gradInput.Slice(s * cols, cols), update: false, 0f, rows, cols);
            }
            return;
        }
        gradInput.Clear();
        ref float gr = ref MemoryMarshal.GetReference(gradInput);
        int blocked = rows - rows % 4; // the per-sample kernel's blocks of four, then its single tail rows
        int remainder = cols % 16, full = cols - remainder;
        int s0 = 0;
        for (; s0 <= batch - 4; s0 += 4)
        {
            PropagateSamples(ref wr, ref dr, ref gr, s0, 4, blocked, rows, cols, full, remainder);
        }
        for (; s0 < batch; s0++)
        {
            PropagateSamples(ref wr, ref dr, ref gr, s0, 1, blocked, rows, cols, full, remainder);
        }
        for (int s = 0; s < batch; s++)
        {
            for (int o = blocked; o < rows; o++)
            {
                Simd.MultiplyAdd(Unsafe.Add(ref dr, s * rows + o), ref Unsafe.Add(ref wr, o * cols), ref Unsafe.Add(ref gr, s * cols), cols);
            }
        }
    }

    /// <summary>Rows [0, blocked) of Wᵀ·δ for <paramref name="count"/> (1 or 4) samples from <paramref name="s"/>, chunk by chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PropagateSamples(ref float w, ref float delta, ref float gi, int s, int count, int blocked, int rows, int cols, int full, int remainder)
    {
        nuint c = (nuint)cols;
        ref float g0 = ref Unsafe.Add(ref gi, s * cols);
        ref float d0 = ref Unsafe.Add(ref delta, s * rows);
        for (int chunk = 0; ; chunk += 16)
        {
            nuint i;
            Vector512<float> m;
            if (chunk < full)
            {
                i = (nuint)chunk;
                m = Vector512<float>.AllBitsSet;
            }
            else if (remainder != 0 && chunk == full)
            {
                i = (nuint)(cols - 16);
                m = TailMaskVector512(remainder);
            }
            else
            {
                break;
            }
            if (count == 4)
            {
                Vector512<float> p0 = Vector512.LoadUnsafe(ref g0, i), p1 = Vector512.LoadUnsafe(ref g0, i + c);
                Vector512<float> p2 = Vector512.LoadUnsafe(ref g0, i + 2 * c), p3 = Vector512.LoadUnsafe(ref g0, i + 3 * c);
                for (int o = 0; o < blocked; o++)
                {
                    Vector512<float> wv = Vector512.LoadUnsafe(ref w, (nuint)o * c + i) & m;
                    p0 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref d0, o)), wv, p0);
                    p1 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref d0, rows + o)), wv, p1);
                    p2 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref d0, 2 * rows + o)), wv, p2);
                    p3 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref d0, 3 * rows + o)), wv, p3);
                }
                p0.StoreUnsafe(ref g0, i);
                p1.StoreUnsafe(ref g0, i + c);
                p2.StoreUnsafe(ref g0, i + 2 * c);
                p3.StoreUnsafe(ref g0, i + 3 * c);
            }
            else
            {
                Vector512<float> p0 = Vector512.LoadUnsafe(ref g0, i);
                for (int o = 0; o < blocked; o++)
                {
                    p0 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref d0, o)), Vector512.LoadUnsafe(ref w, (nuint)o * c + i) & m, p0);
                }
                p0.StoreUnsafe(ref g0, i);
            }
            if (chunk >= full)
            {
                break;
            }
        }
    }

    /// <summary>
    /// The weight gradient of a batch (Vector512, cols ≥ 16), four rows × up to four chunks at a time, the samples innermost.
    /// <paramref name="fusedScale"/> = 0: <c>G[o] += Σₛ δₛ[o]·aₛ</c>, one fused multiply-add per sample in order (G = ∂L/∂W).
    /// Otherwise: <c>G[o] ← G[o] + fusedScale·Σₛ δₛ[o]·aₛ</c> with G = W (the fused SGD step). Rows beyond the last block of
    /// four go through the per-sample routine.
    /// </summary>
    private static void GradientBatch(ref float delta, ref float input, ref float g, float fusedScale, int batch, int rows, int cols)
    {
        int remainder = cols % 16, full = cols - remainder;
        int blocked = rows - rows % 4;
        int chunk = 0;
        for (; chunk + 64 <= full; chunk += 64)
        {
            for (int o = 0; o < blocked; o += 4)
            {
                GradientBlock(ref delta, ref input, ref g, fusedScale, batch, rows, cols, o, (nuint)chunk, 4, Vector512<float>.AllBitsSet);
            }
        }
        for (; chunk < full; chunk += 16)
        {
            for (int o = 0; o < blocked; o += 4)
            {
                GradientBlock(ref delta, ref input, ref g, fusedScale, batch, rows, cols, o, (nuint)chunk, 1, Vector512<float>.AllBitsSet);
            }
        }
        if (remainder != 0)
        {
            for (int o = 0; o < blocked; o += 4)
            {
                GradientBlock(ref delta, ref input, ref g, fusedScale, batch, rows, cols, o, (nuint)(cols - 16), 1, TailMaskVector512(remainder));
            }
        }
        Span<float> sum = fusedScale == 0f ? default : stackalloc float[SumBlock];
        for (int o = blocked; o < rows; o++)
        {
            ref float row = ref Unsafe.Add(ref g, o * cols);
            if (fusedScale == 0f)
            {
                for (int s = 0; s < batch; s++)
                {
                    Simd.MultiplyAdd(1f * Unsafe.Add(ref delta, s * rows + o), ref Unsafe.Add(ref input, s * cols), ref row, cols);
                }
            }
            else
            {
                // Fused: updating per sample would move W under the later samples; sum the batch first.
                SumRowsAndUpdate(ref delta, ref input, ref row, sum, fusedScale, batch, rows, cols, o);
            }
        }
    }

    /// <summary>Rows o..o+3 × <paramref name="chunks"/> (1 or 4) chunks from column <paramref name="i"/>, over every sample.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientBlock(ref float delta, ref float input, ref float g, float fusedScale, int batch, int rows, int cols, int o,
        nuint i, int chunks, Vector512<float> m)
    {
        nuint c = (nuint)cols;
        ref float g0 = ref Unsafe.Add(ref g, o * cols);
        bool accumulate = fusedScale == 0f;
        if (chunks == 4)
        {
            Vector512<float> r00 = default, r01 = default, r02 = default, r03 = default, r10 = default, r11 = default, r12 = default, r13 = default;
            Vector512<float> r20 = default, r21 = default, r22 = default, r23 = default, r30 = default, r31 = default, r32 = default, r33 = default;
            if (accumulate)
            {
                r00 = Vector512.LoadUnsafe(ref g0, i); r01 = Vector512.LoadUnsafe(ref g0, i + 16); r02 = Vector512.LoadUnsafe(ref g0, i + 32); r03 = Vector512.LoadUnsafe(ref g0, i + 48);
                r10 = Vector512.LoadUnsafe(ref g0, c + i); r11 = Vector512.LoadUnsafe(ref g0, c + i + 16); r12 = Vector512.LoadUnsafe(ref g0, c + i + 32); r13 = Vector512.LoadUnsafe(ref g0, c + i + 48);
                r20 = Vector512.LoadUnsafe(ref g0, 2 * c + i); r21 = Vector512.LoadUnsafe(ref g0, 2 * c + i + 16); r22 = Vector512.LoadUnsafe(ref g0, 2 * c + i + 32); r23 = Vector512.LoadUnsafe(ref g0, 2 * c + i + 48);
                r30 = Vector512.LoadUnsafe(ref g0, 3 * c + i); r31 = Vector512.LoadUnsafe(ref g0, 3 * c + i + 16); r32 = Vector512.LoadUnsafe(ref g0, 3 * c + i + 32); r33 = Vector512.LoadUnsafe(ref g0, 3 * c + i + 48);
            }
            for (int s = 0; s < batch; s++)
            {
                ref float a = ref Unsafe.Add(ref input, s * cols);
                ref float d = ref Unsafe.Add(ref delta, s * rows + o);
                Vector512<float> a0 = Vector512.LoadUnsafe(ref a, i), a1 = Vector512.LoadUnsafe(ref a, i + 16);
                Vector512<float> a2 = Vector512.LoadUnsafe(ref a, i + 32), a3 = Vector512.LoadUnsafe(ref a, i + 48);
                Vector512<float> d0 = Vector512.Create(Unsafe.Add(ref d, 0));
                r00 = VectorMath.Fma(d0, a0, r00); r01 = VectorMath.Fma(d0, a1, r01); r02 = VectorMath.Fma(d0, a2, r02); r03 = VectorMath.Fma(d0, a3, r03);
                Vector512<float> d1 = Vector512.Create(Unsafe.Add(ref d, 1));
                r10 = VectorMath.Fma(d1, a0, r10); r11 = VectorMath.Fma(d1, a1, r11); r12 = VectorMath.Fma(d1, a2, r12); r13 = VectorMath.Fma(d1, a3, r13);
                Vector512<float> d2 = Vector512.Create(Unsafe.Add(ref d, 2));
                r20 = VectorMath.Fma(d2, a0, r20); r21 = VectorMath.Fma(d2, a1, r21); r22 = VectorMath.Fma(d2, a2, r22); r23 = VectorMath.Fma(d2, a3, r23);
                Vector512<float> d3 = Vector512.Create(Unsafe.Add(ref d, 3));
                r30 = VectorMath.Fma(d3, a0, r30); r31 = VectorMath.Fma(d3, a1, r31); r32 = VectorMath.Fma(d3, a2, r32); r33 = VectorMath.Fma(d3, a3, r33);
            }
            Finish(ref g0, i, r00, fusedScale); Finish(ref g0, i + 16, r01, fusedScale); Finish(ref g0, i + 32, r02, fusedScale); Finish(ref g0, i + 48, r03, fusedScale);
            Finish(ref g0, c + i, r10, fusedScale); Finish(ref g0, c + i + 16, r11, fusedScale); Finish(ref g0, c + i + 32, r12, fusedScale); Finish(ref g0, c + i + 48, r13, fusedScale);
            Finish(ref g0, 2 * c + i, r20, fusedScale); Finish(ref g0, 2 * c + i + 16, r21, fusedScale); Finish(ref g0, 2 * c + i + 32, r22, fusedScale); Finish(ref g0, 2 * c + i + 48, r23, fusedScale);
            Finish(ref g0, 3 * c + i, r30, fusedScale); Finish(ref g0, 3 * c + i + 16, r31, fusedScale); Finish(ref g0, 3 * c + i + 32, r32, fusedScale); Finish(ref g0, 3 * c + i + 48, r33, fusedScale);
        }
        else
        {
            Vector512<float> r0 = default, r1 = default, r2 = default, r3 = default;
            if (accumulate)
            {
                r0 = Vector512.LoadUnsafe(ref g0, i); r1 = Vector512.LoadUnsafe(ref g0, c + i);
                r2 = Vector512.LoadUnsafe(ref g0, 2 * c + i); r3 = Vector512.LoadUnsafe(ref g0, 3 * c + i);
            }
            for (int s = 0; s < batch; s++)
            {
                Vector512<float> a = Vector512.LoadUnsafe(ref Unsafe.Add(ref input, s * cols), i) & m;
                ref float d = ref Unsafe.Add(ref delta, s * rows + o);
                r0 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref d, 0)), a, r0);
                r1 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref d, 1)), a, r1);
                r2 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref d, 2)), a, r2);
                r3 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref d, 3)), a, r3);
            }
            Finish(ref g0, i, r0, fusedScale);
            Finish(ref g0, c + i, r1, fusedScale);
            Finish(ref g0, 2 * c + i, r2, fusedScale);
            Finish(ref g0, 3 * c + i, r3, fusedScale);
        }
    }

    /// <summary>Accumulating: store the running value. Fused: G ← G + scale·Σ (lanes of the sum outside a mask are 0, so G stays).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(ref float g, nuint i, Vector512<float> value, float fusedScale)
    {
        if (fusedScale == 0f)
        {
            value.StoreUnsafe(ref g, i);
        }
        else
        {
            VectorMath.Fma(Vector512.Create(fusedScale), value, Vector512.LoadUnsafe(ref g, i)).StoreUnsafe(ref g, i);
        }
    }

    private static void CheckBatchShapes(int w, int delta, int input, int gradInput, int batch, int rows, int cols)
    {
        if (batch < 0 || w != rows * cols || delta != batch * rows || input != batch * cols || (gradInput != 0 && gradInput != batch * cols))
        {
            ThrowShape();
        }
    }
}
