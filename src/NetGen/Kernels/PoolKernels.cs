using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

/// <summary>
/// Pooling layers for generated networks, PyTorch's <c>nn.MaxPool2d</c>, <c>nn.AvgPool2d</c>, <c>nn.MaxPool1d</c>,
/// <c>nn.AvgPool1d</c> (no padding, floor division: <c>Ho = ⌊(H − size)/stride⌋ + 1</c>) and global average pooling
/// (<c>nn.AdaptiveAvgPool2d(1)</c> flattened). Data is CHW, row-major, one plane per channel; pooling works plane by plane,
/// so a batch of B samples is one call with <c>B·channels</c> channels. Nothing is allocated.
/// </summary>
/// <remarks>
/// Max pooling routes δ to the arg-max of each window, found again from the input in the backward pass (no index buffer);
/// ties go to the first maximum in scan order (row by row, left to right) and a window holding NaNs outputs NaN and routes δ
/// to its last NaN, as PyTorch's CPU kernels do. 2 × 2 windows with stride 2 (LeNet's) run eight or four windows per vector
/// step under AVX2. Overlapping
/// windows (stride &lt; size) add their δ.
/// </remarks>
public static class PoolKernels
{
    /// <summary>Pooled length along one axis: <c>⌊(input − size)/stride⌋ + 1</c> (≤ 0 when the window does not fit).</summary>
    public static int OutputLength(int input, int size, int stride) => input < size ? 0 : (input - size) / stride + 1;

    /// <summary><c>y[c,i,j] = max_{u,v &lt; size} x[c, i·s+u, j·s+v]</c>.</summary>
    /// <param name="x">Input, <c>channels × height × width</c>.</param>
    /// <param name="y">Output, <c>channels × Ho × Wo</c>, written.</param>
    /// <param name="channels">Planes (for a batch: samples × channels).</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="size">Window rows and columns.</param>
    /// <param name="stride">Window step (nn.MaxPool2d's default is size).</param>
    public static void MaxPool2DForward(ReadOnlySpan<float> x, Span<float> y, int channels, int height, int width, int size, int stride)
    {
        var g = new PoolShape(channels, height, width, size, size, stride, stride, x.Length, y.Length, oneD: false, "x", "y");
        MaxForward(in g, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y));
    }

    /// <summary><c>∂L/∂x = 0</c>, then <c>∂L/∂x[arg max of window (c,i,j)] += δ[c,i,j]</c>.</summary>
    /// <param name="x">The forward pass's input.</param>
    /// <param name="delta">δ = ∂L/∂y, <c>channels × Ho × Wo</c>.</param>
    /// <param name="gradInput">∂L/∂x, <c>channels × height × width</c>, overwritten.</param>
    /// <param name="channels">Planes.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="size">Window rows and columns.</param>
    /// <param name="stride">Window step.</param>
    public static void MaxPool2DBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> delta, Span<float> gradInput, int channels, int height, int width, int size, int stride)
    {
        var g = new PoolShape(channels, height, width, size, size, stride, stride, x.Length, delta.Length, oneD: false, "x", "delta");
        CheckGradInput(gradInput.Length, x.Length);
        MaxBackward(in g, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(delta), ref MemoryMarshal.GetReference(gradInput));
    }

    /// <summary><c>y[c,i,j] = (1/size²)·Σ_{u,v &lt; size} x[c, i·s+u, j·s+v]</c>.</summary>
    /// <param name="x">Input, <c>channels × height × width</c>.</param>
    /// <param name="y">Output, <c>channels × Ho × Wo</c>, written.</param>
    /// <param name="channels">Planes.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="size">Window rows and columns.</param>
    /// <param name="stride">Window step.</param>
    public static void AvgPool2DForward(ReadOnlySpan<float> x, Span<float> y, int channels, int height, int width, int size, int stride)
    {
        var g = new PoolShape(channels, height, width, size, size, stride, stride, x.Length, y.Length, oneD: false, "x", "y");
        AvgForward(in g, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y));
    }

    /// <summary><c>∂L/∂x = 0</c>, then <c>∂L/∂x[c, i·s+u, j·s+v] += δ[c,i,j]/size²</c> for every window.</summary>
    /// <param name="delta">δ = ∂L/∂y, <c>channels × Ho × Wo</c>.</param>
    /// <param name="gradInput">∂L/∂x, <c>channels × height × width</c>, overwritten.</param>
    /// <param name="channels">Planes.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="size">Window rows and columns.</param>
    /// <param name="stride">Window step.</param>
    public static void AvgPool2DBackward(ReadOnlySpan<float> delta, Span<float> gradInput, int channels, int height, int width, int size, int stride)
    {
        var g = new PoolShape(channels, height, width, size, size, stride, stride, gradInput.Length, delta.Length, oneD: false, "gradInput", "delta");
        AvgBackward(in g, ref MemoryMarshal.GetReference(delta), ref MemoryMarshal.GetReference(gradInput));
    }

    /// <summary><c>y[c,i] = max_{u &lt; size} x[c, i·s+u]</c>.</summary>
    /// <param name="x">Input, <c>channels × length</c>.</param>
    /// <param name="y">Output, <c>channels × Lo</c>, written.</param>
    /// <param name="channels">Signals (for a batch: samples × channels).</param>
    /// <param name="length">Samples per signal.</param>
    /// <param name="size">Window length.</param>
    /// <param name="stride">Window step.</param>
    public static void MaxPool1DForward(ReadOnlySpan<float> x, Span<float> y, int channels, int length, int size, int stride)
    {
        var g = new PoolShape(channels, 1, length, 1, size, 1, stride, x.Length, y.Length, oneD: true, "x", "y");
        MaxForward(in g, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y));
    }

    /// <summary><c>∂L/∂x = 0</c>, then <c>∂L/∂x[arg max of window (c,i)] += δ[c,i]</c>.</summary>
    /// <param name="x">The forward pass's input.</param>
    /// <param name="delta">δ = ∂L/∂y, <c>channels × Lo</c>.</param>
    /// <param name="gradInput">∂L/∂x, <c>channels × length</c>, overwritten.</param>
    /// <param name="channels">Signals.</param>
    /// <param name="length">Samples per signal.</param>
    /// <param name="size">Window length.</param>
    /// <param name="stride">Window step.</param>
    public static void MaxPool1DBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> delta, Span<float> gradInput, int channels, int length, int size, int stride)
    {
        var g = new PoolShape(channels, 1, length, 1, size, 1, stride, x.Length, delta.Length, oneD: true, "x", "delta");
        CheckGradInput(gradInput.Length, x.Length);
        MaxBackward(in g, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(delta), ref MemoryMarshal.GetReference(gradInput));
    }

    /// <summary><c>y[c,i] = (1/size)·Σ_{u &lt; size} x[c, i·s+u]</c>.</summary>
    /// <param name="x">Input, <c>channels × length</c>.</param>
    /// <param name="y">Output, <c>channels × Lo</c>, written.</param>
    /// <param name="channels">Signals.</param>
    /// <param name="length">Samples per signal.</param>
    /// <param name="size">Window length.</param>
    /// <param name="stride">Window step.</param>
    public static void AvgPool1DForward(ReadOnlySpan<float> x, Span<float> y, int channels, int length, int size, int stride)
    {
        var g = new PoolShape(channels, 1, length, 1, size, 1, stride, x.Length, y.Length, oneD: true, "x", "y");
        AvgForward(in g, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y));
    }

    /// <summary><c>∂L/∂x = 0</c>, then <c>∂L/∂x[c, i·s+u] += δ[c,i]/size</c> for every window.</summary>
    /// <param name="delta">δ = ∂L/∂y, <c>channels × Lo</c>.</param>
    /// <param name="gradInput">∂L/∂x, <c>channels × length</c>, overwritten.</param>
    /// <param name="channels">Signals.</param>
    /// <param name="length">Samples per signal.</param>
    /// <param name="size">Window length.</param>
    /// <param name="stride">Window step.</param>
    public static void AvgPool1DBackward(ReadOnlySpan<float> delta, Span<float> gradInput, int channels, int length, int size, int stride)
    {
        var g = new PoolShape(channels, 1, length, 1, size, 1, stride, gradInput.Length, delta.Length, oneD: true, "gradInput", "delta");
        AvgBackward(in g, ref MemoryMarshal.GetReference(delta), ref MemoryMarshal.GetReference(gradInput));
    }

    /// <summary><c>y[c] = (1/n)·Σ_q x[c, q]</c> over each plane of <paramref name="planeSize"/> values (H·W, or the length).</summary>
    /// <param name="x">Input, <c>channels × planeSize</c>.</param>
    /// <param name="y">Output, <c>channels</c> values, written.</param>
    /// <param name="channels">Planes (for a batch: samples × channels).</param>
    /// <param name="planeSize">Values per plane, n.</param>
    public static void GlobalAvgPoolForward(ReadOnlySpan<float> x, Span<float> y, int channels, int planeSize)
    {
        CheckGlobal(channels, planeSize, x.Length, y.Length, nameof(x), nameof(y));
        float scale = 1f / planeSize;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = x.Slice(c * planeSize, planeSize);
            float sum = 0f;
            for (int q = 0; q < plane.Length; q++)
            {
                sum += plane[q];
            }
            y[c] = sum * scale;
        }
    }

    /// <summary><c>∂L/∂x[c, q] = δ[c]/n</c>.</summary>
    /// <param name="delta">δ = ∂L/∂y, <c>channels</c> values.</param>
    /// <param name="gradInput">∂L/∂x, <c>channels × planeSize</c>, overwritten.</param>
    /// <param name="channels">Planes.</param>
    /// <param name="planeSize">Values per plane, n.</param>
    public static void GlobalAvgPoolBackward(ReadOnlySpan<float> delta, Span<float> gradInput, int channels, int planeSize)
    {
        CheckGlobal(channels, planeSize, gradInput.Length, delta.Length, nameof(gradInput), nameof(delta));
        float scale = 1f / planeSize;
        for (int c = 0; c < channels; c++)
        {
            gradInput.Slice(c * planeSize, planeSize).Fill(delta[c] * scale);
        }
    }

    // ----- Shared loops -----------------------------------------------------------------------------------------------------

    private static void MaxForward(in PoolShape g, ref float x, ref float y)
    {
        if (Avx2.IsSupported && g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.Wo >= 4)
        {
            if (g.Wo >= 8)
            {
                MaxForward2x2(in g, ref x, ref y);
            }
            else
            {
                MaxForward2x2Narrow(in g, ref x, ref y);
            }
            return;
        }
        for (int c = 0; c < g.C; c++)
        {
            ref float plane = ref Unsafe.Add(ref x, c * g.H * g.W);
            for (int i = 0; i < g.Ho; i++)
            {
                for (int j = 0; j < g.Wo; j++)
                {
                    int at = ArgMax(in g, ref plane, i, j);
                    Unsafe.Add(ref y, (c * g.Ho + i) * g.Wo + j) = Unsafe.Add(ref plane, at);
                }
            }
        }
    }

    private static void MaxBackward(in PoolShape g, ref float x, ref float delta, ref float gradInput)
    {
        MemoryMarshal.CreateSpan(ref gradInput, g.C * g.H * g.W).Clear();
        if (Avx2.IsSupported && g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.Wo >= 4)
        {
            if (g.Wo >= 8)
            {
                MaxBackward2x2(in g, ref x, ref delta, ref gradInput);
            }
            else
            {
                MaxBackward2x2Narrow(in g, ref x, ref delta, ref gradInput);
            }
            return;
        }
        for (int c = 0; c < g.C; c++)
        {
            ref float plane = ref Unsafe.Add(ref x, c * g.H * g.W);
            ref float gradPlane = ref Unsafe.Add(ref gradInput, c * g.H * g.W);
            for (int i = 0; i < g.Ho; i++)
            {
                for (int j = 0; j < g.Wo; j++)
                {
                    Unsafe.Add(ref gradPlane, ArgMax(in g, ref plane, i, j)) += Unsafe.Add(ref delta, (c * g.Ho + i) * g.Wo + j);
                }
            }
        }
    }

    // ----- 2 × 2 windows, stride 2 (LeNet's pooling), eight outputs at a time -------------------------------------------------
    //
    // A pair of input rows gives eight windows from 16 columns of each row: the left and right column of each window are the
    // even and odd lanes (vshufps picks them in 64-bit pairs, vpermq puts the pairs in order). A row's last eight outputs end at
    // its last output (overlapping the previous eight, which are computed again identically). Eight windows holding a NaN go
    // through the scalar ArgMax, so NaN propagation and its routing stay PyTorch's.

    /// <summary>Columns 2j (even) and 2j + 1 (odd) of 16 floats from <paramref name="row"/>, each as eight lanes in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Columns(ref float row)
    {
        Vector256<float> lo = Vector256.LoadUnsafe(ref row), hi = Vector256.LoadUnsafe(ref row, 8);
        Vector256<float> even = Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
        Vector256<float> odd = Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
        return (even, odd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AnyNaN(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d) =>
        (Avx.CompareUnordered(a, b) | Avx.CompareUnordered(c, d)) != Vector256<float>.Zero;

    private static void MaxForward2x2(in PoolShape g, ref float x, ref float y)
    {
        for (int c = 0; c < g.C; c++)
        {
            ref float plane = ref Unsafe.Add(ref x, c * g.H * g.W);
            for (int i = 0; i < g.Ho; i++)
            {
                ref float top = ref Unsafe.Add(ref plane, 2 * i * g.W);
                ref float bottom = ref Unsafe.Add(ref top, g.W);
                ref float output = ref Unsafe.Add(ref y, (c * g.Ho + i) * g.Wo);
                for (int j = 0; j < g.Wo; j += 8)
                {
                    int at = Math.Min(j, g.Wo - 8);
                    (Vector256<float> te, Vector256<float> to) = Columns(ref Unsafe.Add(ref top, 2 * at));
                    (Vector256<float> be, Vector256<float> bo) = Columns(ref Unsafe.Add(ref bottom, 2 * at));
                    if (AnyNaN(te, to, be, bo))
                    {
                        for (int k = at; k < at + 8; k++)
                        {
                            Unsafe.Add(ref output, k) = Unsafe.Add(ref plane, ArgMax(in g, ref plane, i, k));
                        }
                        continue;
                    }
                    Avx.Max(Avx.Max(te, to), Avx.Max(be, bo)).StoreUnsafe(ref output, (nuint)at);
                }
            }
        }
    }

    private static void MaxBackward2x2(in PoolShape g, ref float x, ref float delta, ref float gradInput)
    {
        for (int c = 0; c < g.C; c++)
        {
            ref float plane = ref Unsafe.Add(ref x, c * g.H * g.W);
            ref float gradPlane = ref Unsafe.Add(ref gradInput, c * g.H * g.W);
            for (int i = 0; i < g.Ho; i++)
            {
                ref float top = ref Unsafe.Add(ref plane, 2 * i * g.W);
                ref float bottom = ref Unsafe.Add(ref top, g.W);
                ref float gradTop = ref Unsafe.Add(ref gradPlane, 2 * i * g.W);
                ref float gradBottom = ref Unsafe.Add(ref gradTop, g.W);
                ref float d = ref Unsafe.Add(ref delta, (c * g.Ho + i) * g.Wo);
                for (int j = 0; j < g.Wo; j += 8)
                {
                    int at = Math.Min(j, g.Wo - 8);
                    (Vector256<float> te, Vector256<float> to) = Columns(ref Unsafe.Add(ref top, 2 * at));
                    (Vector256<float> be, Vector256<float> bo) = Columns(ref Unsafe.Add(ref bottom, 2 * at));
                    if (AnyNaN(te, to, be, bo))
                    {
                        // Windows are disjoint, so each output's δ is stored (not added) at its arg-max; the overlapped
                        // outputs of a last block store the same values again.
                        Vector256.Create(0f).StoreUnsafe(ref gradTop, (nuint)(2 * at));
                        Vector256.Create(0f).StoreUnsafe(ref gradTop, (nuint)(2 * at + 8));
                        Vector256.Create(0f).StoreUnsafe(ref gradBottom, (nuint)(2 * at));
                        Vector256.Create(0f).StoreUnsafe(ref gradBottom, (nuint)(2 * at + 8));
                        for (int k = at; k < at + 8; k++)
                        {
                            Unsafe.Add(ref gradPlane, ArgMax(in g, ref plane, i, k)) = Unsafe.Add(ref d, k);
                        }
                        continue;
                    }
                    Vector256<float> max = Avx.Max(Avx.Max(te, to), Avx.Max(be, bo));
                    Vector256<float> dv = Vector256.LoadUnsafe(ref d, (nuint)at);
                    // The first maximum in scan order: top-left, top-right, bottom-left, bottom-right.
                    Vector256<float> first = Vector256.Equals(te, max);
                    Vector256<float> second = Vector256.AndNot(Vector256.Equals(to, max), first);
                    Vector256<float> taken = first | second;
                    Vector256<float> third = Vector256.AndNot(Vector256.Equals(be, max), taken);
                    Vector256<float> fourth = ~(taken | third);
                    Interleave(dv & first, dv & second, ref Unsafe.Add(ref gradTop, 2 * at));
                    Interleave(dv & third, dv & fourth, ref Unsafe.Add(ref gradBottom, 2 * at));
                }
            }
        }
    }

    private static void MaxForward2x2Narrow(in PoolShape g, ref float x, ref float y)
    {
        for (int c = 0; c < g.C; c++)
        {
            ref float plane = ref Unsafe.Add(ref x, c * g.H * g.W);
            for (int i = 0; i < g.Ho; i++)
            {
                ref float top = ref Unsafe.Add(ref plane, 2 * i * g.W);
                ref float bottom = ref Unsafe.Add(ref top, g.W);
                ref float output = ref Unsafe.Add(ref y, (c * g.Ho + i) * g.Wo);
                for (int j = 0; j < g.Wo; j += 4)
                {
                    int at = Math.Min(j, g.Wo - 4);
                    (Vector128<float> te, Vector128<float> to) = Columns128(ref Unsafe.Add(ref top, 2 * at));
                    (Vector128<float> be, Vector128<float> bo) = Columns128(ref Unsafe.Add(ref bottom, 2 * at));
                    if (AnyNaN128(te, to, be, bo))
                    {
                        for (int k = at; k < at + 4; k++)
                        {
                            Unsafe.Add(ref output, k) = Unsafe.Add(ref plane, ArgMax(in g, ref plane, i, k));
                        }
                        continue;
                    }
                    Sse.Max(Sse.Max(te, to), Sse.Max(be, bo)).StoreUnsafe(ref output, (nuint)at);
                }
            }
        }
    }

    private static void MaxBackward2x2Narrow(in PoolShape g, ref float x, ref float delta, ref float gradInput)
    {
        for (int c = 0; c < g.C; c++)
        {
            ref float plane = ref Unsafe.Add(ref x, c * g.H * g.W);
            ref float gradPlane = ref Unsafe.Add(ref gradInput, c * g.H * g.W);
            for (int i = 0; i < g.Ho; i++)
            {
                ref float top = ref Unsafe.Add(ref plane, 2 * i * g.W);
                ref float bottom = ref Unsafe.Add(ref top, g.W);
                ref float gradTop = ref Unsafe.Add(ref gradPlane, 2 * i * g.W);
                ref float gradBottom = ref Unsafe.Add(ref gradTop, g.W);
                ref float d = ref Unsafe.Add(ref delta, (c * g.Ho + i) * g.Wo);
                for (int j = 0; j < g.Wo; j += 4)
                {
                    int at = Math.Min(j, g.Wo - 4);
                    (Vector128<float> te, Vector128<float> to) = Columns128(ref Unsafe.Add(ref top, 2 * at));
                    (Vector128<float> be, Vector128<float> bo) = Columns128(ref Unsafe.Add(ref bottom, 2 * at));
                    if (AnyNaN128(te, to, be, bo))
                    {
                        // Windows are disjoint, so each output's δ is stored (not added) at its arg-max; the overlapped
                        // outputs of a last block store the same values again.
                        Vector128.Create(0f).StoreUnsafe(ref gradTop, (nuint)(2 * at));
                        Vector128.Create(0f).StoreUnsafe(ref gradTop, (nuint)(2 * at + 4));
                        Vector128.Create(0f).StoreUnsafe(ref gradBottom, (nuint)(2 * at));
                        Vector128.Create(0f).StoreUnsafe(ref gradBottom, (nuint)(2 * at + 4));
                        for (int k = at; k < at + 4; k++)
                        {
                            Unsafe.Add(ref gradPlane, ArgMax(in g, ref plane, i, k)) = Unsafe.Add(ref d, k);
                        }
                        continue;
                    }
                    Vector128<float> max = Sse.Max(Sse.Max(te, to), Sse.Max(be, bo));
                    Vector128<float> dv = Vector128.LoadUnsafe(ref d, (nuint)at);
                    // The first maximum in scan order: top-left, top-right, bottom-left, bottom-right.
                    Vector128<float> first = Vector128.Equals(te, max);
                    Vector128<float> second = Vector128.AndNot(Vector128.Equals(to, max), first);
                    Vector128<float> taken = first | second;
                    Vector128<float> third = Vector128.AndNot(Vector128.Equals(be, max), taken);
                    Vector128<float> fourth = ~(taken | third);
                    Interleave128(dv & first, dv & second, ref Unsafe.Add(ref gradTop, 2 * at));
                    Interleave128(dv & third, dv & fourth, ref Unsafe.Add(ref gradBottom, 2 * at));
                }
            }
        }
    }

    /// <summary>Columns 2j (even) and 2j + 1 (odd) of 8 floats from <paramref name="row"/>, each as four lanes in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Even, Vector128<float> Odd) Columns128(ref float row)
    {
        Vector128<float> lo = Vector128.LoadUnsafe(ref row), hi = Vector128.LoadUnsafe(ref row, 4);
        return (Sse.Shuffle(lo, hi, 0b10_00_10_00), Sse.Shuffle(lo, hi, 0b11_01_11_01));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AnyNaN128(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d) =>
        (Sse.CompareUnordered(a, b) | Sse.CompareUnordered(c, d)) != Vector128<float>.Zero;

    /// <summary>Stores even[0], odd[0], …, even[3], odd[3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave128(Vector128<float> even, Vector128<float> odd, ref float destination)
    {
        Sse.UnpackLow(even, odd).StoreUnsafe(ref destination);
        Sse.UnpackHigh(even, odd).StoreUnsafe(ref destination, 4);
    }

    /// <summary>Stores even[0], odd[0], even[1], odd[1], … (16 floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(Vector256<float> even, Vector256<float> odd, ref float destination)
    {
        Vector256<float> lo = Avx.UnpackLow(even, odd), hi = Avx.UnpackHigh(even, odd);
        Avx.Permute2x128(lo, hi, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(lo, hi, 0x31).StoreUnsafe(ref destination, 8);
    }

    /// <summary>
    /// The index in the plane of window (i, j)'s first maximum in scan order; every NaN counts as a new maximum, so the last NaN
    /// of a window wins (PyTorch's CPU kernel: <c>if (val &gt; maxval || isnan(val))</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ArgMax(in PoolShape g, ref float plane, int i, int j)
    {
        int top = i * g.SH, left = j * g.SW;
        int best = top * g.W + left;
        float max = float.NegativeInfinity;
        for (int u = 0; u < g.KH; u++)
        {
            int row = (top + u) * g.W + left;
            for (int v = 0; v < g.KW; v++)
            {
                float value = Unsafe.Add(ref plane, row + v);
                if (value > max || float.IsNaN(value))
                {
                    max = value;
                    best = row + v;
                }
            }
        }
        return best;
    }

    private static void AvgForward(in PoolShape g, ref float x, ref float y)
    {
        float scale = 1f / (g.KH * g.KW);
        for (int c = 0; c < g.C; c++)
        {
            ref float plane = ref Unsafe.Add(ref x, c * g.H * g.W);
            for (int i = 0; i < g.Ho; i++)
            {
                for (int j = 0; j < g.Wo; j++)
                {
                    float sum = 0f;
                    for (int u = 0; u < g.KH; u++)
                    {
                        ref float row = ref Unsafe.Add(ref plane, (i * g.SH + u) * g.W + j * g.SW);
                        for (int v = 0; v < g.KW; v++)
                        {
                            sum += Unsafe.Add(ref row, v);
                        }
                    }
                    Unsafe.Add(ref y, (c * g.Ho + i) * g.Wo + j) = sum * scale;
                }
            }
        }
    }

    private static void AvgBackward(in PoolShape g, ref float delta, ref float gradInput)
    {
        MemoryMarshal.CreateSpan(ref gradInput, g.C * g.H * g.W).Clear();
        float scale = 1f / (g.KH * g.KW);
        for (int c = 0; c < g.C; c++)
        {
            ref float gradPlane = ref Unsafe.Add(ref gradInput, c * g.H * g.W);
            for (int i = 0; i < g.Ho; i++)
            {
                for (int j = 0; j < g.Wo; j++)
                {
                    float share = Unsafe.Add(ref delta, (c * g.Ho + i) * g.Wo + j) * scale;
                    for (int u = 0; u < g.KH; u++)
                    {
                        ref float row = ref Unsafe.Add(ref gradPlane, (i * g.SH + u) * g.W + j * g.SW);
                        for (int v = 0; v < g.KW; v++)
                        {
                            Unsafe.Add(ref row, v) += share;
                        }
                    }
                }
            }
        }
    }

    // ----- Checks -------------------------------------------------------------------------------------------------------------

    private static void CheckGradInput(int actual, int expected)
    {
        if (actual != expected)
        {
            ThrowLength("gradInput", actual, expected);
        }
    }

    private static void CheckGlobal(int channels, int planeSize, int planes, int values, string planesName, string valuesName)
    {
        Positive(channels, nameof(channels));
        Positive(planeSize, nameof(planeSize));
        if (planes != channels * planeSize)
        {
            ThrowLength(planesName, planes, channels * planeSize);
        }
        if (values != channels)
        {
            ThrowLength(valuesName, values, channels);
        }
    }

    internal static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be ≥ 1, got {value}.");
        }
    }

    [DoesNotReturn]
    internal static void ThrowLength(string name, int actual, int expected) =>
        throw new ArgumentException($"{name} has length {actual}, but this layer needs exactly {expected} values.", name);

    /// <summary>A pooling window's sizes (1-D: one row, a 1 × size window); checks the span lengths it is built with.</summary>
    private readonly struct PoolShape
    {
        public readonly int C, H, W, KH, KW, SH, SW, Ho, Wo;

        public PoolShape(int c, int h, int w, int kh, int kw, int sh, int sw, int inputLength, int outputLength, bool oneD,
            string inputName, string outputName)
        {
            Positive(c, "channels");
            Positive(h, "height");
            Positive(w, oneD ? "length" : "width");
            Positive(kw, "size");
            Positive(sw, "stride");
            (C, H, W, KH, KW, SH, SW) = (c, h, w, kh, kw, sh, sw);
            Ho = OutputLength(h, kh, sh);
            Wo = OutputLength(w, kw, sw);
            if (Ho < 1 || Wo < 1)
            {
                throw new ArgumentException($"The pooling window ({kh} × {kw}) is larger than the input ({h} × {w}).", "size");
            }
            if (inputLength != c * h * w)
            {
                ThrowLength(inputName, inputLength, c * h * w);
            }
            if (outputLength != c * Ho * Wo)
            {
                ThrowLength(outputName, outputLength, c * Ho * Wo);
            }
        }
    }
}
