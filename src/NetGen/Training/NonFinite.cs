using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Training;

/// <summary>Finds NaN and ±∞ in a buffer: one vectorised read with no branch per element; the index search runs only on failure.</summary>
internal static class NonFinite
{
    /// <summary>The index of the first NaN or ±∞ in <paramref name="values"/>, or −1 when every value is finite.</summary>
    public static int IndexOf(ReadOnlySpan<float> values)
    {
        if (AllFinite(values))
        {
            return -1;
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// Whether every value is finite: <c>x − x</c> is 0 for a finite x and NaN for NaN or ±∞, and a sum that meets a NaN stays
    /// NaN, so four independent accumulators of <c>x − x</c> decide the whole buffer with one load and two additions per vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        ref float x = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0;
        float tail = 0f;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            const int W = 16;
            Vector512<float> a0 = Vector512<float>.Zero, a1 = Vector512<float>.Zero, a2 = Vector512<float>.Zero, a3 = Vector512<float>.Zero;
            for (; i <= n - 4 * W; i += 4 * W)
            {
                Vector512<float> v0 = Vector512.LoadUnsafe(ref x, (nuint)i);
                Vector512<float> v1 = Vector512.LoadUnsafe(ref x, (nuint)(i + W));
                Vector512<float> v2 = Vector512.LoadUnsafe(ref x, (nuint)(i + 2 * W));
                Vector512<float> v3 = Vector512.LoadUnsafe(ref x, (nuint)(i + 3 * W));
                a0 += v0 - v0;
                a1 += v1 - v1;
                a2 += v2 - v2;
                a3 += v3 - v3;
            }
            for (; i <= n - W; i += W)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref x, (nuint)i);
                a0 += v - v;
            }
            if (i < n)
            {
                // The last, overlapping vector instead of a scalar tail.
                Vector512<float> v = Vector512.LoadUnsafe(ref x, (nuint)(n - W));
                a1 += v - v;
            }
            Vector512<float> all = (a0 + a1) + (a2 + a3);
            return Vector512.EqualsAll(all, Vector512<float>.Zero);
        }
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            const int W = 8;
            Vector256<float> a0 = Vector256<float>.Zero, a1 = Vector256<float>.Zero, a2 = Vector256<float>.Zero, a3 = Vector256<float>.Zero;
            for (; i <= n - 4 * W; i += 4 * W)
            {
                Vector256<float> v0 = Vector256.LoadUnsafe(ref x, (nuint)i);
                Vector256<float> v1 = Vector256.LoadUnsafe(ref x, (nuint)(i + W));
                Vector256<float> v2 = Vector256.LoadUnsafe(ref x, (nuint)(i + 2 * W));
                Vector256<float> v3 = Vector256.LoadUnsafe(ref x, (nuint)(i + 3 * W));
                a0 += v0 - v0;
                a1 += v1 - v1;
                a2 += v2 - v2;
                a3 += v3 - v3;
            }
            for (; i <= n - W; i += W)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref x, (nuint)i);
                a0 += v - v;
            }
            if (i < n)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref x, (nuint)(n - W));
                a1 += v - v;
            }
            Vector256<float> all = (a0 + a1) + (a2 + a3);
            return Vector256.EqualsAll(all, Vector256<float>.Zero);
        }
        if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            const int W = 4;
            Vector128<float> a0 = Vector128<float>.Zero, a1 = Vector128<float>.Zero;
            for (; i <= n - 2 * W; i += 2 * W)
            {
                Vector128<float> v0 = Vector128.LoadUnsafe(ref x, (nuint)i);
                Vector128<float> v1 = Vector128.LoadUnsafe(ref x, (nuint)(i + W));
                a0 += v0 - v0;
                a1 += v1 - v1;
            }
            if (i < n)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref x, (nuint)(n - W));
                a1 += v - v;
            }
            return Vector128.EqualsAll(a0 + a1, Vector128<float>.Zero);
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref x, i);
            tail += v - v;
        }
        return tail == 0f;
    }

    /// <summary><c>W⁽²⁾[3, 7] (parameter 31) in layer 2 (Dense 8 → 4, ReLU)</c>, or <c>parameter 31</c> when no layer holds it.</summary>
    public static string Describe(IReadOnlyList<LayerInfo>? layers, int index, out LayerInfo? layer)
    {
        layer = layers is null ? null : LayerInfo.Containing(layers, index);
        return layer is null ? $"parameter {index}" : $"{layer.DescribeParameter(index)} (parameter {index}) in {layer}";
    }
}
