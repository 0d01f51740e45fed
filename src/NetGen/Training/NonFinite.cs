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
    /// Whether every value is finite. A float is NaN or ±∞ exactly when its exponent bits are all ones, that is when its bits
    /// without the sign, read as an integer, are at least <c>0x7F800000</c>; so the check keeps the running maximum of
    /// <c>bits &amp; 0x7FFFFFFF</c> in four independent accumulators: one load, one AND and one integer max per vector.
    /// (Not <c>x − x</c>: the JIT may fold that to 0.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        const int Exponent = 0x7F800000, Magnitude = 0x7FFFFFFF;
        ref int x = ref Unsafe.As<float, int>(ref MemoryMarshal.GetReference(values));
        int n = values.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<int>.Count)
        {
            const int W = 16;
            Vector512<int> mask = Vector512.Create(Magnitude);
            Vector512<int> a0 = Vector512<int>.Zero, a1 = Vector512<int>.Zero, a2 = Vector512<int>.Zero, a3 = Vector512<int>.Zero;
            for (; i <= n - 4 * W; i += 4 * W)
            {
                a0 = Vector512.Max(a0, Vector512.LoadUnsafe(ref x, (nuint)i) & mask);
                a1 = Vector512.Max(a1, Vector512.LoadUnsafe(ref x, (nuint)(i + W)) & mask);
                a2 = Vector512.Max(a2, Vector512.LoadUnsafe(ref x, (nuint)(i + 2 * W)) & mask);
                a3 = Vector512.Max(a3, Vector512.LoadUnsafe(ref x, (nuint)(i + 3 * W)) & mask);
            }
            for (; i <= n - W; i += W)
            {
                a0 = Vector512.Max(a0, Vector512.LoadUnsafe(ref x, (nuint)i) & mask);
            }
            if (i < n)
            {
                // The last, overlapping vector instead of a scalar tail.
                a1 = Vector512.Max(a1, Vector512.LoadUnsafe(ref x, (nuint)(n - W)) & mask);
            }
            return Vector512.LessThanAll(Vector512.Max(Vector512.Max(a0, a1), Vector512.Max(a2, a3)), Vector512.Create(Exponent));
        }
        if (Vector256.IsHardwareAccelerated && n >= Vector256<int>.Count)
        {
            const int W = 8;
            Vector256<int> mask = Vector256.Create(Magnitude);
            Vector256<int> a0 = Vector256<int>.Zero, a1 = Vector256<int>.Zero, a2 = Vector256<int>.Zero, a3 = Vector256<int>.Zero;
            for (; i <= n - 4 * W; i += 4 * W)
            {
                a0 = Vector256.Max(a0, Vector256.LoadUnsafe(ref x, (nuint)i) & mask);
                a1 = Vector256.Max(a1, Vector256.LoadUnsafe(ref x, (nuint)(i + W)) & mask);
                a2 = Vector256.Max(a2, Vector256.LoadUnsafe(ref x, (nuint)(i + 2 * W)) & mask);
                a3 = Vector256.Max(a3, Vector256.LoadUnsafe(ref x, (nuint)(i + 3 * W)) & mask);
            }
            for (; i <= n - W; i += W)
            {
                a0 = Vector256.Max(a0, Vector256.LoadUnsafe(ref x, (nuint)i) & mask);
            }
            if (i < n)
            {
                a1 = Vector256.Max(a1, Vector256.LoadUnsafe(ref x, (nuint)(n - W)) & mask);
            }
            return Vector256.LessThanAll(Vector256.Max(Vector256.Max(a0, a1), Vector256.Max(a2, a3)), Vector256.Create(Exponent));
        }
        if (Vector128.IsHardwareAccelerated && n >= Vector128<int>.Count)
        {
            const int W = 4;
            Vector128<int> mask = Vector128.Create(Magnitude);
            Vector128<int> a0 = Vector128<int>.Zero, a1 = Vector128<int>.Zero;
            for (; i <= n - 2 * W; i += 2 * W)
            {
                a0 = Vector128.Max(a0, Vector128.LoadUnsafe(ref x, (nuint)i) & mask);
                a1 = Vector128.Max(a1, Vector128.LoadUnsafe(ref x, (nuint)(i + W)) & mask);
            }
            for (; i <= n - W; i += W)
            {
                a0 = Vector128.Max(a0, Vector128.LoadUnsafe(ref x, (nuint)i) & mask);
            }
            if (i < n)
            {
                a1 = Vector128.Max(a1, Vector128.LoadUnsafe(ref x, (nuint)(n - W)) & mask);
            }
            return Vector128.LessThanAll(Vector128.Max(a0, a1), Vector128.Create(Exponent));
        }
        int largest = 0;
        for (; i < n; i++)
        {
            largest = Math.Max(largest, Unsafe.Add(ref x, i) & Magnitude);
        }
        return largest < Exponent;
    }

    /// <summary><c>W⁽²⁾[3, 7] (parameter 31) in layer 2 (Dense 8 → 4, ReLU)</c>, or <c>parameter 31</c> when no layer holds it.</summary>
    public static string Describe(IReadOnlyList<LayerInfo>? layers, int index, out LayerInfo? layer)
    {
        layer = layers is null ? null : LayerInfo.Containing(layers, index);
        return layer is null ? $"parameter {index}" : $"{layer.DescribeParameter(index)} (parameter {index}) in {layer}";
    }
}
