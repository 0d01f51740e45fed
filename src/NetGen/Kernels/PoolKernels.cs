using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// Pooling layers for generated networks, PyTorch's <c>nn.MaxPool2d</c>, <c>nn.AvgPool2d</c>, <c>nn.MaxPool1d</c>,
/// <c>nn.AvgPool1d</c> (no padding, floor division: <c>Ho = ⌊(H − size)/stride⌋ + 1</c>) and global average pooling
/// (<c>nn.AdaptiveAvgPool2d(1)</c> flattened). Data is CHW, row-major, one plane per channel; pooling works plane by plane,
/// so a batch of B samples is one call with <c>B·channels</c> channels. Nothing is allocated.
/// </summary>
/// <remarks>
/// Max pooling routes δ to the arg-max of each window, found again from the input in the backward pass (no index buffer);
/// ties go to the first maximum in scan order (row by row, left to right) and a NaN wins, as in PyTorch. Overlapping
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

    /// <summary>The index in the plane of window (i, j)'s first maximum in scan order (a NaN counts as a new maximum, as in PyTorch).</summary>
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
                    if (float.IsNaN(value))
                    {
                        return best;
                    }
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
