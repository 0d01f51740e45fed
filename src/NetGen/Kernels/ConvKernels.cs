using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Convolution layers for generated networks, PyTorch's <c>nn.Conv2d</c> and <c>nn.Conv1d</c> (cross-correlation, no kernel
/// flip): <c>z[f,i,j] = b[f] + Σ_{c,u,v} W[f,c,u,v]·x[c, i·s+u·d−p, j·s+v·d−p]</c>, taps outside the input reading 0.
/// One sample is CHW, row-major (channels, then rows, then columns; a 1-D signal is channels × length); a batch is sample
/// after sample. W is <c>[filters, channels, kh, kw]</c> (or <c>[filters, channels, k]</c>) row-major, <c>nn.Conv2d.weight</c>'s
/// layout, and b has one value per filter. Output sizes use floor division: <c>⌊(n + 2p − d·(k − 1) − 1)/s⌋ + 1</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every method works in a caller-owned <c>scratch</c> span of at least <see cref="Conv2DScratchLength"/> (or
/// <see cref="Conv1DScratchLength"/>) floats, which must not overlap the other arguments, and allocates nothing. Sizes are
/// plain <see cref="int"/> parameters, so generated code passes constants.
/// </para>
/// <para>
/// Two forms of the same arithmetic, chosen by the stride (measured on LeNet-5's layers, see benchmarks/README.md):
/// </para>
/// <list type="bullet">
/// <item><b>Direct</b> (stride 1, any padding and dilation): the input is copied once into a zero-padded plane
/// (<c>Hp × Wp</c> per channel), and output position <c>(i, j)</c> is computed at flat index <c>q = i·Wp + j</c>; tap
/// <c>(c, u, v)</c> then reads the padded input at <c>q + c·Hp·Wp + u·d·Wp + v·d</c>, a contiguous run for every tap, so
/// sixteen consecutive outputs are one vector load and one fused multiply-add per tap and filter, with no patch matrix. The
/// <c>Wp − Wo</c> columns past each output row are computed and dropped. ∂L/∂x, the full convolution of δ with the flipped
/// kernel, is the same loop over a zero-bordered copy of δ.</item>
/// <item><b>im2col</b> (stride &gt; 1): the patches are copied into a <c>(C·kh·kw) × (Ho·Wo)</c> matrix and multiplied by W
/// with the same register-blocked loop; ∂L/∂x is <c>Wᵀ·δ</c> scattered back (col2im).</item>
/// </list>
/// <para>
/// Each output is one chain of fused multiply-adds over the taps in (c, u, v) order, whatever its position in a vector, so
/// results do not depend on how positions are blocked, and a batched call gives exactly the bits of one call per sample.
/// The vector loops need AVX-512 (Vector512); elsewhere, and for fewer than 16 output positions, a scalar loop computes the
/// same sums.
/// </para>
/// </remarks>
public static partial class ConvKernels
{
    /// <summary>Output length along one axis, PyTorch's floor rule: <c>⌊(input + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1</c>.</summary>
    /// <param name="input">Input length (rows, columns or samples).</param>
    /// <param name="kernel">Kernel length.</param>
    /// <param name="stride">Stride, ≥ 1.</param>
    /// <param name="padding">Zero padding on each side, ≥ 0.</param>
    /// <param name="dilation">Spacing of the kernel taps, ≥ 1.</param>
    /// <returns>The output length; ≤ 0 when the kernel does not fit.</returns>
    public static int OutputLength(int input, int kernel, int stride, int padding, int dilation = 1)
    {
        int span = input + 2 * padding - dilation * (kernel - 1) - 1;
        return span < 0 ? 0 : span / stride + 1;
    }

    // ----- Conv2D ---------------------------------------------------------------------------------------------------------

    /// <summary>The scratch floats every <c>Conv2D*</c> method needs for this layer (forward and backward, one sample or a batch).</summary>
    public static int Conv2DScratchLength(int channels, int height, int width, int filters, int kernelSize, int stride, int padding) =>
        ConvShape.Conv2D(channels, height, width, filters, kernelSize, stride, padding).ScratchLength(ConvShape.Auto);

    /// <summary>
    /// Forward pass of one sample: <c>z[f,i,j] = b[f] + Σ_{c,u,v} W[f,c,u,v]·x[c, i·s+u−p, j·s+v−p]</c>.
    /// </summary>
    /// <param name="w">W, <c>filters × channels × kernelSize × kernelSize</c>, row-major.</param>
    /// <param name="b">b, <c>filters</c> values.</param>
    /// <param name="x">The input, <c>channels × height × width</c>.</param>
    /// <param name="z">The output, <c>filters × Ho × Wo</c>, written.</param>
    /// <param name="scratch">At least <see cref="Conv2DScratchLength"/> floats, overlapping nothing else.</param>
    /// <param name="channels">Input channels C.</param>
    /// <param name="height">Input rows H.</param>
    /// <param name="width">Input columns W.</param>
    /// <param name="filters">Output channels F.</param>
    /// <param name="kernelSize">Kernel rows and columns k.</param>
    /// <param name="stride">Stride s (both axes).</param>
    /// <param name="padding">Zero padding p on every side.</param>
    public static void Conv2DForward(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z, Span<float> scratch,
        int channels, int height, int width, int filters, int kernelSize, int stride, int padding) =>
        ForwardBatch(ConvShape.Conv2D(channels, height, width, filters, kernelSize, stride, padding), ConvShape.Auto, w, b, x, z, scratch, 1);

    /// <summary>
    /// Backward pass of one sample. <c>∂L/∂W[f,c,u,v] += Σ_{i,j} δ[f,i,j]·x[c, i·s+u−p, j·s+v−p]</c> (the correlation of the
    /// input with δ), <c>∂L/∂b[f] += Σ_{i,j} δ[f,i,j]</c> and, unless <paramref name="gradInput"/> is empty,
    /// <c>∂L/∂x[c,y,x′] = Σ_{f,u,v} W[f,c,u,v]·δ[f, (y+p−u)/s, (x′+p−v)/s]</c> over the quotients that are whole and in range
    /// (for stride 1: the full convolution of δ with the flipped kernel), overwritten.
    /// </summary>
    /// <param name="w">W, as for <see cref="Conv2DForward"/>.</param>
    /// <param name="x">The forward pass's input.</param>
    /// <param name="delta">δ = ∂L/∂z, <c>filters × Ho × Wo</c>.</param>
    /// <param name="gradW">∂L/∂W, accumulated.</param>
    /// <param name="gradB">∂L/∂b, accumulated.</param>
    /// <param name="gradInput">∂L/∂x, <c>channels × height × width</c>, overwritten; empty for the first layer.</param>
    /// <param name="scratch">At least <see cref="Conv2DScratchLength"/> floats, overlapping nothing else.</param>
    /// <param name="channels">Input channels C.</param>
    /// <param name="height">Input rows H.</param>
    /// <param name="width">Input columns W.</param>
    /// <param name="filters">Output channels F.</param>
    /// <param name="kernelSize">Kernel rows and columns k.</param>
    /// <param name="stride">Stride s (both axes).</param>
    /// <param name="padding">Zero padding p on every side.</param>
    public static void Conv2DBackward(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> delta, Span<float> gradW, Span<float> gradB,
        Span<float> gradInput, Span<float> scratch, int channels, int height, int width, int filters, int kernelSize, int stride, int padding) =>
        BackwardBatch(ConvShape.Conv2D(channels, height, width, filters, kernelSize, stride, padding), ConvShape.Auto, w, x, delta, gradW, gradB, gradInput, scratch, 1);

    /// <summary>
    /// <see cref="Conv2DForward"/> for each of <paramref name="batch"/> samples stored one after another in <paramref name="x"/>
    /// and <paramref name="z"/>; bit for bit the per-sample results.
    /// </summary>
    /// <param name="w">W.</param>
    /// <param name="b">b.</param>
    /// <param name="x">The inputs, <c>batch × channels × height × width</c>.</param>
    /// <param name="z">The outputs, <c>batch × filters × Ho × Wo</c>, written.</param>
    /// <param name="scratch">At least <see cref="Conv2DScratchLength"/> floats (the same as for one sample).</param>
    /// <param name="batch">Samples, ≥ 0.</param>
    /// <param name="channels">Input channels C.</param>
    /// <param name="height">Input rows H.</param>
    /// <param name="width">Input columns W.</param>
    /// <param name="filters">Output channels F.</param>
    /// <param name="kernelSize">Kernel rows and columns k.</param>
    /// <param name="stride">Stride s (both axes).</param>
    /// <param name="padding">Zero padding p on every side.</param>
    public static void Conv2DForwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z, Span<float> scratch,
        int batch, int channels, int height, int width, int filters, int kernelSize, int stride, int padding) =>
        ForwardBatch(ConvShape.Conv2D(channels, height, width, filters, kernelSize, stride, padding), ConvShape.Auto, w, b, x, z, scratch, batch);

    /// <summary>
    /// <see cref="Conv2DBackward"/> for each of <paramref name="batch"/> samples in order, the gradients summed over the batch;
    /// bit for bit the result of one call per sample.
    /// </summary>
    /// <param name="w">W.</param>
    /// <param name="x">The inputs, <c>batch × channels × height × width</c>.</param>
    /// <param name="delta">δ, <c>batch × filters × Ho × Wo</c>.</param>
    /// <param name="gradW">∂L/∂W, accumulated.</param>
    /// <param name="gradB">∂L/∂b, accumulated.</param>
    /// <param name="gradInput">∂L/∂x, <c>batch × channels × height × width</c>, overwritten; or empty.</param>
    /// <param name="scratch">At least <see cref="Conv2DScratchLength"/> floats.</param>
    /// <param name="batch">Samples, ≥ 0.</param>
    /// <param name="channels">Input channels C.</param>
    /// <param name="height">Input rows H.</param>
    /// <param name="width">Input columns W.</param>
    /// <param name="filters">Output channels F.</param>
    /// <param name="kernelSize">Kernel rows and columns k.</param>
    /// <param name="stride">Stride s (both axes).</param>
    /// <param name="padding">Zero padding p on every side.</param>
    public static void Conv2DBackwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> delta, Span<float> gradW, Span<float> gradB,
        Span<float> gradInput, Span<float> scratch, int batch, int channels, int height, int width, int filters, int kernelSize, int stride, int padding) =>
        BackwardBatch(ConvShape.Conv2D(channels, height, width, filters, kernelSize, stride, padding), ConvShape.Auto, w, x, delta, gradW, gradB, gradInput, scratch, batch);

    // ----- Conv1D ---------------------------------------------------------------------------------------------------------

    /// <summary>The scratch floats every <c>Conv1D*</c> method needs for this layer.</summary>
    public static int Conv1DScratchLength(int channels, int length, int filters, int kernelSize, int stride, int padding, int dilation) =>
        ConvShape.Conv1D(channels, length, filters, kernelSize, stride, padding, dilation).ScratchLength(ConvShape.Auto);

    /// <summary>
    /// Forward pass of one sample: <c>z[f,i] = b[f] + Σ_{c,u} W[f,c,u]·x[c, i·s+u·d−p]</c>.
    /// </summary>
    /// <param name="w">W, <c>filters × channels × kernelSize</c>, row-major.</param>
    /// <param name="b">b, <c>filters</c> values.</param>
    /// <param name="x">The input, <c>channels × length</c>.</param>
    /// <param name="z">The output, <c>filters × Lo</c>, written.</param>
    /// <param name="scratch">At least <see cref="Conv1DScratchLength"/> floats, overlapping nothing else.</param>
    /// <param name="channels">Input channels C.</param>
    /// <param name="length">Input samples L.</param>
    /// <param name="filters">Output channels F.</param>
    /// <param name="kernelSize">Kernel taps k.</param>
    /// <param name="stride">Stride s.</param>
    /// <param name="padding">Zero padding p on each end.</param>
    /// <param name="dilation">Tap spacing d.</param>
    public static void Conv1DForward(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z, Span<float> scratch,
        int channels, int length, int filters, int kernelSize, int stride, int padding, int dilation) =>
        ForwardBatch(ConvShape.Conv1D(channels, length, filters, kernelSize, stride, padding, dilation), ConvShape.Auto, w, b, x, z, scratch, 1);

    /// <summary>
    /// Backward pass of one sample: <c>∂L/∂W[f,c,u] += Σᵢ δ[f,i]·x[c, i·s+u·d−p]</c>, <c>∂L/∂b[f] += Σᵢ δ[f,i]</c> and, unless
    /// <paramref name="gradInput"/> is empty, <c>∂L/∂x[c,t] = Σ_{f,u} W[f,c,u]·δ[f, (t+p−u·d)/s]</c> over whole in-range
    /// quotients, overwritten.
    /// </summary>
    /// <param name="w">W.</param>
    /// <param name="x">The forward pass's input.</param>
    /// <param name="delta">δ = ∂L/∂z, <c>filters × Lo</c>.</param>
    /// <param name="gradW">∂L/∂W, accumulated.</param>
    /// <param name="gradB">∂L/∂b, accumulated.</param>
    /// <param name="gradInput">∂L/∂x, <c>channels × length</c>, overwritten; empty for the first layer.</param>
    /// <param name="scratch">At least <see cref="Conv1DScratchLength"/> floats.</param>
    /// <param name="channels">Input channels C.</param>
    /// <param name="length">Input samples L.</param>
    /// <param name="filters">Output channels F.</param>
    /// <param name="kernelSize">Kernel taps k.</param>
    /// <param name="stride">Stride s.</param>
    /// <param name="padding">Zero padding p on each end.</param>
    /// <param name="dilation">Tap spacing d.</param>
    public static void Conv1DBackward(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> delta, Span<float> gradW, Span<float> gradB,
        Span<float> gradInput, Span<float> scratch, int channels, int length, int filters, int kernelSize, int stride, int padding, int dilation) =>
        BackwardBatch(ConvShape.Conv1D(channels, length, filters, kernelSize, stride, padding, dilation), ConvShape.Auto, w, x, delta, gradW, gradB, gradInput, scratch, 1);

    /// <summary><see cref="Conv1DForward"/> for each of <paramref name="batch"/> samples; bit for bit the per-sample results.</summary>
    /// <param name="w">W.</param>
    /// <param name="b">b.</param>
    /// <param name="x">The inputs, <c>batch × channels × length</c>.</param>
    /// <param name="z">The outputs, <c>batch × filters × Lo</c>, written.</param>
    /// <param name="scratch">At least <see cref="Conv1DScratchLength"/> floats.</param>
    /// <param name="batch">Samples, ≥ 0.</param>
    /// <param name="channels">Input channels C.</param>
    /// <param name="length">Input samples L.</param>
    /// <param name="filters">Output channels F.</param>
    /// <param name="kernelSize">Kernel taps k.</param>
    /// <param name="stride">Stride s.</param>
    /// <param name="padding">Zero padding p on each end.</param>
    /// <param name="dilation">Tap spacing d.</param>
    public static void Conv1DForwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z, Span<float> scratch,
        int batch, int channels, int length, int filters, int kernelSize, int stride, int padding, int dilation) =>
        ForwardBatch(ConvShape.Conv1D(channels, length, filters, kernelSize, stride, padding, dilation), ConvShape.Auto, w, b, x, z, scratch, batch);

    /// <summary><see cref="Conv1DBackward"/> for each of <paramref name="batch"/> samples in order; bit for bit one call per sample.</summary>
    /// <param name="w">W.</param>
    /// <param name="x">The inputs, <c>batch × channels × length</c>.</param>
    /// <param name="delta">δ, <c>batch × filters × Lo</c>.</param>
    /// <param name="gradW">∂L/∂W, accumulated.</param>
    /// <param name="gradB">∂L/∂b, accumulated.</param>
    /// <param name="gradInput">∂L/∂x, <c>batch × channels × length</c>, overwritten; or empty.</param>
    /// <param name="scratch">At least <see cref="Conv1DScratchLength"/> floats.</param>
    /// <param name="batch">Samples, ≥ 0.</param>
    /// <param name="channels">Input channels C.</param>
    /// <param name="length">Input samples L.</param>
    /// <param name="filters">Output channels F.</param>
    /// <param name="kernelSize">Kernel taps k.</param>
    /// <param name="stride">Stride s.</param>
    /// <param name="padding">Zero padding p on each end.</param>
    /// <param name="dilation">Tap spacing d.</param>
    public static void Conv1DBackwardBatch(ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> delta, Span<float> gradW, Span<float> gradB,
        Span<float> gradInput, Span<float> scratch, int batch, int channels, int length, int filters, int kernelSize, int stride, int padding, int dilation) =>
        BackwardBatch(ConvShape.Conv1D(channels, length, filters, kernelSize, stride, padding, dilation), ConvShape.Auto, w, x, delta, gradW, gradB, gradInput, scratch, batch);

    // ----- The two forms --------------------------------------------------------------------------------------------------

    /// <summary>Forward over a batch in the given form (<see cref="ConvShape.Auto"/>, Direct or Im2Col); the benchmarks force a form.</summary>
    internal static void ForwardBatch(in ConvShape g, int form, ReadOnlySpan<float> w, ReadOnlySpan<float> b, ReadOnlySpan<float> x, Span<float> z,
        Span<float> scratch, int batch)
    {
        form = g.Resolve(form);
        Check(batch >= 0, nameof(batch), "≥ 0", batch);
        CheckLength(w.Length, g.WeightLength, nameof(w), "filters·channels·kernel");
        CheckLength(b.Length, g.F, nameof(b), "filters");
        CheckLength(x.Length, batch * g.InputLength, nameof(x), "batch·channels·input size");
        CheckLength(z.Length, batch * g.OutputLength, nameof(z), "batch·filters·output size");
        CheckScratch(scratch.Length, g.ScratchLength(form));
        CheckNoOverlap(scratch, x, w, b, z);
        CheckOutputApart(z, nameof(z), x, w, b);
        ref float sc = ref MemoryMarshal.GetReference(scratch);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float br = ref MemoryMarshal.GetReference(b);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float zr = ref MemoryMarshal.GetReference(z);
        if (form == ConvShape.Direct)
        {
            // scratch: [padded x | flat z]
            ref float xpad = ref sc;
            ref float zflat = ref Unsafe.Add(ref xpad, g.PaddedLength);
            for (int s = 0; s < batch; s++)
            {
                ref float xs = ref Unsafe.Add(ref xr, s * g.InputLength);
                ref float zs = ref Unsafe.Add(ref zr, s * g.OutputLength);
                ref float src = ref g.Padded ? ref xpad : ref xs;
                if (g.Padded)
                {
                    PadInput(in g, ref xs, ref xpad);
                }
                bool compact = g.NeedsCompaction;
                Correlate(ref wr, g.T, g.KH * g.KW, g.KW, 1, ref br, true, ref src, ref compact ? ref zflat : ref zs, compact ? g.Ho * g.Wp : g.Ho * g.Wo, g.F,
                    g.DirectPositions, g.C, g.KH, g.KW, g.Hp * g.Wp, g.DH * g.Wp, g.DW);
                if (compact)
                {
                    Compact(ref zflat, g.F * g.Ho, g.Wp, g.Wo, ref zs);
                }
            }
        }
        else
        {
            // scratch: [col]
            ref float col = ref sc;
            int p = g.Ho * g.Wo;
            for (int s = 0; s < batch; s++)
            {
                Im2Col(in g, ref Unsafe.Add(ref xr, s * g.InputLength), ref col);
                Correlate(ref wr, g.T, g.KH * g.KW, g.KW, 1, ref br, true, ref col, ref Unsafe.Add(ref zr, s * g.OutputLength), p, g.F, p, g.C, g.KH, g.KW, g.KH * g.KW * p, g.KW * p, p);
            }
        }
    }

    /// <summary>Backward over a batch in the given form; the gradients of W and b accumulate sample after sample.</summary>
    internal static void BackwardBatch(in ConvShape g, int form, ReadOnlySpan<float> w, ReadOnlySpan<float> x, ReadOnlySpan<float> delta,
        Span<float> gradW, Span<float> gradB, Span<float> gradInput, Span<float> scratch, int batch)
    {
        form = g.Resolve(form);
        Check(batch >= 0, nameof(batch), "≥ 0", batch);
        CheckLength(w.Length, g.WeightLength, nameof(w), "filters·channels·kernel");
        CheckLength(x.Length, batch * g.InputLength, nameof(x), "batch·channels·input size");
        CheckLength(delta.Length, batch * g.OutputLength, nameof(delta), "batch·filters·output size");
        CheckLength(gradW.Length, g.WeightLength, nameof(gradW), "filters·channels·kernel");
        CheckLength(gradB.Length, g.F, nameof(gradB), "filters");
        bool propagate = gradInput.Length != 0;
        if (propagate)
        {
            CheckLength(gradInput.Length, batch * g.InputLength, nameof(gradInput), "batch·channels·input size (or 0)");
        }
        CheckScratch(scratch.Length, g.ScratchLength(form));
        CheckNoOverlap(scratch, x, w, delta, gradW, gradB, gradInput);
        CheckOutputApart(gradInput, nameof(gradInput), x, w, delta);
        CheckOutputApart(gradW, nameof(gradW), x, w, delta);
        CheckOutputApart(gradB, nameof(gradB), x, w, delta);
        ref float sc = ref MemoryMarshal.GetReference(scratch);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float dr = ref MemoryMarshal.GetReference(delta);
        ref float gwr = ref MemoryMarshal.GetReference(gradW);
        ref float gbr = ref MemoryMarshal.GetReference(gradB);
        ref float gir = ref MemoryMarshal.GetReference(gradInput);
        int outPlane = g.Ho * g.Wo;
        if (form == ConvShape.Direct)
        {
            // scratch: [padded x | bordered δ | flat ∂L/∂x]
            int taps = g.KH * g.KW;
            ref float xpad = ref sc;
            ref float dbig = ref Unsafe.Add(ref xpad, g.PaddedLength);
            ref float gflat = ref Unsafe.Add(ref dbig, g.F * g.BorderedStride);
            int lead = g.Lead;
            for (int s = 0; s < batch; s++)
            {
                ref float xs = ref Unsafe.Add(ref xr, s * g.InputLength);
                ref float ds = ref Unsafe.Add(ref dr, s * g.OutputLength);
                SumRows(ref ds, g.F, outPlane, ref gbr);
                ref float src = ref g.Padded ? ref xpad : ref xs;
                if (g.Padded)
                {
                    PadInput(in g, ref xs, ref xpad);
                }
                BorderDelta(in g, ref ds, ref dbig);
                CorrelateGradient(ref Unsafe.Add(ref dbig, lead), g.BorderedStride, ref src, ref gwr, g.T, g.F, g.DirectPositions,
                    g.KH, g.KW, g.Hp * g.Wp, g.DH * g.Wp, g.DW);
                if (!propagate)
                {
                    continue;
                }
                // ∂L/∂x at padded flat index PH·Wp + q, q = i·Wp + PW + j: the flipped kernel slides over the bordered δ. Row c of
                // the flipped kernel, tap (f, u′, v′), is W[f, c, kh−1−u′, kw−1−v′]: W read from its last tap backwards.
                ref float gs = ref Unsafe.Add(ref gir, s * g.InputLength);
                bool direct = g.PW == 0;
                int positions = (g.H - 1) * g.Wp + g.PW + g.W;
                Correlate(ref Unsafe.Add(ref wr, taps - 1), taps, g.C * taps, -g.KW, -1, ref gbr, false, ref Unsafe.Add(ref dbig, g.PH * g.Wp), ref direct ? ref gs : ref gflat, g.H * g.Wp, g.C,
                    positions, g.F, g.KH, g.KW, g.BorderedStride, g.DH * g.Wp, g.DW);
                if (!direct)
                {
                    Compact(ref Unsafe.Add(ref gflat, g.PW), g.C * g.H, g.Wp, g.W, ref gs);
                }
            }
        }
        else
        {
            // scratch: [col | ∂L/∂col]
            ref float col = ref sc;
            ref float dcol = ref Unsafe.Add(ref col, g.T * outPlane);
            for (int s = 0; s < batch; s++)
            {
                ref float ds = ref Unsafe.Add(ref dr, s * g.OutputLength);
                SumRows(ref ds, g.F, outPlane, ref gbr);
                Im2Col(in g, ref Unsafe.Add(ref xr, s * g.InputLength), ref col);
                CorrelateGradient(ref ds, outPlane, ref col, ref gwr, g.T, g.F, outPlane, g.KH, g.KW, g.KH * g.KW * outPlane, g.KW * outPlane, outPlane);
                if (!propagate)
                {
                    continue;
                }
                // ∂L/∂col = Wᵀ·δ: row t of Wᵀ, tap f, is W[f, t].
                Correlate(ref wr, 1, g.T, 0, 0, ref gbr, false, ref ds, ref dcol, outPlane, g.T, outPlane, g.F, 1, 1, outPlane, 0, 0);
                Col2Im(in g, ref dcol, ref Unsafe.Add(ref gir, s * g.InputLength));
            }
        }
    }

    // ----- Layout helpers -------------------------------------------------------------------------------------------------

    /// <summary>x into the zero-bordered planes <c>C × Hp × Wp</c>.</summary>
    private static void PadInput(in ConvShape g, ref float x, ref float xpad)
    {
        MemoryMarshal.CreateSpan(ref xpad, g.PaddedLength).Clear();
        for (int c = 0; c < g.C; c++)
        {
            for (int i = 0; i < g.H; i++)
            {
                CopyRow(ref Unsafe.Add(ref x, (c * g.H + i) * g.W), ref Unsafe.Add(ref xpad, (c * g.Hp + i + g.PH) * g.Wp + g.PW), g.W);
            }
        }
    }

    /// <summary>
    /// δ into <c>F</c> regions of <see cref="ConvShape.BorderedStride"/> floats: <see cref="ConvShape.Lead"/> zeros, then δ's rows at
    /// stride Wp (zeros in the Wp − Wo columns past each row), then zeros.
    /// </summary>
    private static void BorderDelta(in ConvShape g, ref float delta, ref float dbig)
    {
        MemoryMarshal.CreateSpan(ref dbig, g.F * g.BorderedStride).Clear();
        for (int f = 0; f < g.F; f++)
        {
            for (int i = 0; i < g.Ho; i++)
            {
                CopyRow(ref Unsafe.Add(ref delta, (f * g.Ho + i) * g.Wo), ref Unsafe.Add(ref dbig, f * g.BorderedStride + g.Lead + i * g.Wp), g.Wo);
            }
        }
    }

    /// <summary>The first <paramref name="width"/> of every <paramref name="stride"/> floats, for <paramref name="rows"/> rows.</summary>
    private static void Compact(ref float flat, int rows, int stride, int width, ref float output)
    {
        for (int r = 0; r < rows; r++)
        {
            CopyRow(ref Unsafe.Add(ref flat, r * stride), ref Unsafe.Add(ref output, r * width), width);
        }
    }

    /// <summary>
    /// Copies <paramref name="n"/> floats between buffers that do not overlap, in vectors whose last one ends at the last float
    /// (re-copying a few): the rows here are short (a LeNet row is 28 or 10 floats), where a memmove call per row costs more
    /// than the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(ref float src, ref float dst, int n)
    {
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            for (int i = 0; i < n - 16; i += 16)
            {
                Vector512.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
            }
            Vector512.LoadUnsafe(ref src, (nuint)(n - 16)).StoreUnsafe(ref dst, (nuint)(n - 16));
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            for (int i = 0; i < n - 8; i += 8)
            {
                Vector256.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
            }
            Vector256.LoadUnsafe(ref src, (nuint)(n - 8)).StoreUnsafe(ref dst, (nuint)(n - 8));
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            for (int i = 0; i < n - 4; i += 4)
            {
                Vector128.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
            }
            Vector128.LoadUnsafe(ref src, (nuint)(n - 4)).StoreUnsafe(ref dst, (nuint)(n - 4));
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i);
            }
        }
    }

    /// <summary>
    /// The output columns j whose tap column <c>j·sw + v·dw − pw</c> lies inside the input: <c>[first, end)</c>, the same for every
    /// row, so the copy loops run without a bounds test per element.
    /// </summary>
    private static (int First, int End) InsideColumns(in ConvShape g, int v)
    {
        int offset = v * g.DW - g.PW;
        int first = offset >= 0 ? 0 : (-offset + g.SW - 1) / g.SW;
        int last = g.W - 1 - offset;
        int end = last < 0 ? 0 : Math.Min(g.Wo, last / g.SW + 1);
        return (Math.Min(first, end), end);
    }

    /// <summary><c>col[(c,u,v), i·Wo + j] = x[c, i·sh + u·dh − ph, j·sw + v·dw − pw]</c>, 0 outside the input.</summary>
    private static void Im2Col(in ConvShape g, ref float x, ref float col)
    {
        int p = g.Ho * g.Wo;
        for (int c = 0; c < g.C; c++)
        {
            for (int u = 0; u < g.KH; u++)
            {
                for (int v = 0; v < g.KW; v++)
                {
                    ref float row = ref Unsafe.Add(ref col, ((c * g.KH + u) * g.KW + v) * p);
                    (int first, int end) = InsideColumns(in g, v);
                    int offset = v * g.DW - g.PW;
                    for (int i = 0; i < g.Ho; i++)
                    {
                        int y = i * g.SH + u * g.DH - g.PH;
                        ref float dst = ref Unsafe.Add(ref row, i * g.Wo);
                        if ((uint)y >= (uint)g.H)
                        {
                            MemoryMarshal.CreateSpan(ref dst, g.Wo).Clear();
                            continue;
                        }
                        ref float src = ref Unsafe.Add(ref x, (c * g.H + y) * g.W + offset);
                        MemoryMarshal.CreateSpan(ref dst, first).Clear();
                        if (g.SW == 1)
                        {
                            CopyRow(ref Unsafe.Add(ref src, first), ref Unsafe.Add(ref dst, first), end - first);
                        }
                        else
                        {
                            for (int j = first; j < end; j++)
                            {
                                Unsafe.Add(ref dst, j) = Unsafe.Add(ref src, j * g.SW);
                            }
                        }
                        MemoryMarshal.CreateSpan(ref Unsafe.Add(ref dst, end), g.Wo - end).Clear();
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col"/>: <c>gx = 0</c>, then each column entry is added to the input element it came from.</summary>
    private static void Col2Im(in ConvShape g, ref float dcol, ref float gx)
    {
        MemoryMarshal.CreateSpan(ref gx, g.InputLength).Clear();
        int p = g.Ho * g.Wo;
        for (int c = 0; c < g.C; c++)
        {
            for (int u = 0; u < g.KH; u++)
            {
                for (int v = 0; v < g.KW; v++)
                {
                    ref float row = ref Unsafe.Add(ref dcol, ((c * g.KH + u) * g.KW + v) * p);
                    (int first, int end) = InsideColumns(in g, v);
                    int offset = v * g.DW - g.PW;
                    for (int i = 0; i < g.Ho; i++)
                    {
                        int y = i * g.SH + u * g.DH - g.PH;
                        if ((uint)y >= (uint)g.H)
                        {
                            continue;
                        }
                        ref float dst = ref Unsafe.Add(ref gx, (c * g.H + y) * g.W + offset);
                        ref float src = ref Unsafe.Add(ref row, i * g.Wo);
                        for (int j = first; j < end; j++)
                        {
                            Unsafe.Add(ref dst, j * g.SW) += Unsafe.Add(ref src, j);
                        }
                    }
                }
            }
        }
    }

    /// <summary><c>∂L/∂b[f] += Σ_q δ[f, q]</c>: sixteen lane sums (the last vector masked to the positions not yet counted), then their sum.</summary>
    private static void SumRows(ref float delta, int rows, int length, ref float gradB)
    {
        for (int f = 0; f < rows; f++)
        {
            ref float d = ref Unsafe.Add(ref delta, f * length);
            float sum = 0f;
            if (Vector512.IsHardwareAccelerated && length >= Lanes)
            {
                Vector512<float> acc = Vector512<float>.Zero;
                int q = 0;
                for (; q <= length - Lanes; q += Lanes)
                {
                    acc += Vector512.LoadUnsafe(ref d, (nuint)q);
                }
                if (q < length)
                {
                    acc += Vector512.LoadUnsafe(ref d, (nuint)(length - Lanes)) & TailMaskVector(length - q);
                }
                sum = Vector512.Sum(acc);
            }
            else
            {
                for (int q = 0; q < length; q++)
                {
                    sum += Unsafe.Add(ref d, q);
                }
            }
            Unsafe.Add(ref gradB, f) += sum;
        }
    }

    // ----- Checks ---------------------------------------------------------------------------------------------------------

    private static void CheckLength(int actual, int expected, string name, string what)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, name, what);
        }
    }

    private static void CheckScratch(int actual, int needed)
    {
        if (actual < needed)
        {
            throw new ArgumentException($"scratch has length {actual}, but this layer needs at least {needed} floats (ConvKernels.*ScratchLength).", "scratch");
        }
    }

    private static void CheckNoOverlap(ReadOnlySpan<float> scratch, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, ReadOnlySpan<float> d,
        ReadOnlySpan<float> e = default, ReadOnlySpan<float> f = default)
    {
        if (scratch.Overlaps(a) || scratch.Overlaps(b) || scratch.Overlaps(c) || scratch.Overlaps(d) || scratch.Overlaps(e) || scratch.Overlaps(f))
        {
            throw new ArgumentException("scratch overlaps another argument; the kernel writes scratch while it reads its inputs, so pass a separate buffer.", "scratch");
        }
    }

    /// <summary>An output the kernel writes while it still reads its inputs must not share memory with them.</summary>
    private static void CheckOutputApart(ReadOnlySpan<float> output, string name, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c)
    {
        if (output.Overlaps(a) || output.Overlaps(b) || output.Overlaps(c))
        {
            throw new ArgumentException($"{name} overlaps an input; the kernel reads its inputs while it writes {name}, so pass a separate buffer.", name);
        }
    }

    internal static void Check(bool ok, string name, string expected, int actual)
    {
        if (!ok)
        {
            ThrowRange(name, expected, actual);
        }
    }

    [DoesNotReturn]
    private static void ThrowLength(int actual, int expected, string name, string what) =>
        throw new ArgumentException($"{name} has length {actual}, but this layer needs exactly {expected} values ({what}).", name);

    [DoesNotReturn]
    private static void ThrowRange(string name, string expected, int actual) =>
        throw new ArgumentOutOfRangeException(name, actual, $"{name} must be {expected}, got {actual}.");
}

/// <summary>A convolution's sizes (a 1-D convolution is a 2-D one with one row and a 1 × k kernel) and its scratch layout.</summary>
internal readonly struct ConvShape
{
    public const int Auto = 0, Direct = 1, Im2Col = 2;

    public readonly int C, H, W, F, KH, KW, SH, SW, PH, PW, DH, DW, Ho, Wo;

    private ConvShape(int c, int h, int w, int f, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw)
    {
        (C, H, W, F, KH, KW, SH, SW, PH, PW, DH, DW) = (c, h, w, f, kh, kw, sh, sw, ph, pw, dh, dw);
        Ho = ConvKernels.OutputLength(h, kh, sh, ph, dh);
        Wo = ConvKernels.OutputLength(w, kw, sw, pw, dw);
        if (Ho < 1 || Wo < 1)
        {
            throw new ArgumentException(
                $"The kernel (size {kw}, dilation {dw}) does not fit the padded input ({h} × {w} + padding {pw}): the output would be {Ho} × {Wo}.", "kernelSize");
        }
    }

    public static ConvShape Conv2D(int channels, int height, int width, int filters, int kernelSize, int stride, int padding)
    {
        CheckCommon(channels, filters, kernelSize, stride, padding);
        ConvKernels.Check(height >= 1, nameof(height), "≥ 1", height);
        ConvKernels.Check(width >= 1, nameof(width), "≥ 1", width);
        return new(channels, height, width, filters, kernelSize, kernelSize, stride, stride, padding, padding, 1, 1);
    }

    public static ConvShape Conv1D(int channels, int length, int filters, int kernelSize, int stride, int padding, int dilation)
    {
        CheckCommon(channels, filters, kernelSize, stride, padding);
        ConvKernels.Check(length >= 1, nameof(length), "≥ 1", length);
        ConvKernels.Check(dilation >= 1, nameof(dilation), "≥ 1", dilation);
        return new(channels, 1, length, filters, 1, kernelSize, 1, stride, 0, padding, 1, dilation);
    }

    private static void CheckCommon(int channels, int filters, int kernelSize, int stride, int padding)
    {
        ConvKernels.Check(channels >= 1, nameof(channels), "≥ 1", channels);
        ConvKernels.Check(filters >= 1, nameof(filters), "≥ 1", filters);
        ConvKernels.Check(kernelSize >= 1, nameof(kernelSize), "≥ 1", kernelSize);
        ConvKernels.Check(stride >= 1, nameof(stride), "≥ 1", stride);
        ConvKernels.Check(padding >= 0, nameof(padding), "≥ 0", padding);
    }

    /// <summary>Taps per filter, C·kh·kw.</summary>
    public int T => C * KH * KW;

    public int Hp => H + 2 * PH;

    public int Wp => W + 2 * PW;

    public int InputLength => C * H * W;

    public int OutputLength => F * Ho * Wo;

    public int WeightLength => F * T;

    public bool Padded => PH != 0 || PW != 0;

    /// <summary>The padded planes (0 when there is no padding and x is read in place).</summary>
    public int PaddedLength => Padded ? C * Hp * Wp : 0;

    /// <summary>Flat output positions of the direct form: the last output is at (Ho − 1)·Wp + Wo − 1.</summary>
    public int DirectPositions => (Ho - 1) * Wp + Wo;

    /// <summary>Whether the direct form's rows of Wp outputs must be cut to Wo (not for one row or Wp = Wo).</summary>
    public bool NeedsCompaction => Ho > 1 && Wp != Wo;

    /// <summary>Zeros ahead of δ in its bordered copy: the largest tap offset, (kh − 1)·dh·Wp + (kw − 1)·dw.</summary>
    public int Lead => (KH - 1) * DH * Wp + (KW - 1) * DW;

    /// <summary>Floats per filter in the bordered copy of δ.</summary>
    public int BorderedStride => Lead + Hp * Wp;

    public int Resolve(int form) => form == Auto ? (SH == 1 && SW == 1 ? Direct : Im2Col)
        : form == Direct && (SH != 1 || SW != 1) ? throw new ArgumentException("The direct form needs stride 1.", nameof(form)) : form;

    public int ScratchLength(int form)
    {
        form = Resolve(form);
        if (form == Direct)
        {
            int forward = PaddedLength + (NeedsCompaction ? F * Ho * Wp : 0);
            int backward = PaddedLength + F * BorderedStride + (PW != 0 ? C * H * Wp : 0);
            return Math.Max(forward, backward);
        }
        int p = Ho * Wo;
        return 2 * T * p;
    }
}
