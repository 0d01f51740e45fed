using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// The column form of a tiny dense layer for inference (issue 11): <c>z = b + Σᵢ W₍:,ᵢ₎·xᵢ</c>, one fused multiply-add per
/// input over a column of W, each input broadcast from memory. θ keeps W row-major (PyTorch's layout), so the generated
/// <c>Forward</c> reads these columns from its forward copy of θ, in which such a W is stored transposed
/// (<see cref="Transpose"/>). Against <see cref="RowSums(ReadOnlySpan{float}, Vector256{float})"/> the layer needs no
/// shuffles and no 512-bit registers: 8 × 8 is 8 multiply-adds and one add instead of 17 instructions, 9 of them shuffles.
/// </summary>
/// <remarks>
/// The inputs are summed in two chains, even i onto b and odd i from zero, added at the end: within a last-bit rounding of
/// the row sums (the training pass keeps those; it writes W row by row and a step must not pay for a transpose).
/// </remarks>
public static partial class Lanes
{
    /// <summary>
    /// <c>a·b + c</c> as <see cref="FastMath.MultiplyAdd(Vector256{float}, Vector256{float}, Vector256{float})"/> (the same bits),
    /// through the x86 intrinsic where there is one: with it the JIT folds the broadcast of b from memory into the multiply-add
    /// (W4's Forward 13.8 → 12.0 ns).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fused(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : FastMath.MultiplyAdd(a, b, c);

    /// <inheritdoc cref="Fused(Vector256{float}, Vector256{float}, Vector256{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fused(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : FastMath.MultiplyAdd(a, b, c);

    /// <summary>Eight floats on the stack, so each input is broadcast straight from memory (no shuffle).</summary>
    [InlineArray(8)]
    private struct Eight
    {
        private float _element;
    }

    /// <summary>
    /// 8 inputs, 8 units: lane o is <c>bₒ + Σᵢ columns[8i + o]·xᵢ</c> (see the class remarks for the order of the sums).
    /// </summary>
    /// <param name="columns">W by columns: column i (the weights of input i) at [8i, 8i + 8); at least 64 values.</param>
    /// <param name="x">The 8 inputs.</param>
    /// <param name="bias">b, one lane per unit.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SkipLocalsInit] // the buffer is written whole before it is read: no zeroing on every call
    public static Vector256<float> TimesColumns(ReadOnlySpan<float> columns, Vector256<float> x, Vector256<float> bias)
    {
        if (columns.Length < 64)
        {
            ThrowShort(nameof(columns), columns.Length, 64);
        }
        ref float c = ref MemoryMarshal.GetReference(columns);
        Unsafe.SkipInit(out Eight inputs);
        ref float xi = ref inputs[0];
        x.StoreUnsafe(ref xi);
        Vector256<float> even = Fused(Vector256.LoadUnsafe(ref c), Vector256.Create(xi), bias);
        Vector256<float> odd = Vector256.LoadUnsafe(ref c, 8) * Vector256.Create(Unsafe.Add(ref xi, 1));
        even = Fused(Vector256.LoadUnsafe(ref c, 16), Vector256.Create(Unsafe.Add(ref xi, 2)), even);
        odd = Fused(Vector256.LoadUnsafe(ref c, 24), Vector256.Create(Unsafe.Add(ref xi, 3)), odd);
        even = Fused(Vector256.LoadUnsafe(ref c, 32), Vector256.Create(Unsafe.Add(ref xi, 4)), even);
        odd = Fused(Vector256.LoadUnsafe(ref c, 40), Vector256.Create(Unsafe.Add(ref xi, 5)), odd);
        even = Fused(Vector256.LoadUnsafe(ref c, 48), Vector256.Create(Unsafe.Add(ref xi, 6)), even);
        odd = Fused(Vector256.LoadUnsafe(ref c, 56), Vector256.Create(Unsafe.Add(ref xi, 7)), odd);
        return even + odd;
    }

    /// <summary>4 inputs, 8 units: lane o is <c>bₒ + Σᵢ columns[8i + o]·xᵢ</c>.</summary>
    /// <param name="columns">W by columns, at least 32 values.</param>
    /// <param name="x">The 4 inputs.</param>
    /// <param name="bias">b, one lane per unit.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SkipLocalsInit] // the buffer is written whole before it is read: no zeroing on every call
    public static Vector256<float> TimesColumns(ReadOnlySpan<float> columns, Vector128<float> x, Vector256<float> bias)
    {
        if (columns.Length < 32)
        {
            ThrowShort(nameof(columns), columns.Length, 32);
        }
        ref float c = ref MemoryMarshal.GetReference(columns);
        Unsafe.SkipInit(out Eight inputs);
        ref float xi = ref inputs[0];
        x.StoreUnsafe(ref xi);
        Vector256<float> even = Fused(Vector256.LoadUnsafe(ref c), Vector256.Create(xi), bias);
        Vector256<float> odd = Vector256.LoadUnsafe(ref c, 8) * Vector256.Create(Unsafe.Add(ref xi, 1));
        even = Fused(Vector256.LoadUnsafe(ref c, 16), Vector256.Create(Unsafe.Add(ref xi, 2)), even);
        odd = Fused(Vector256.LoadUnsafe(ref c, 24), Vector256.Create(Unsafe.Add(ref xi, 3)), odd);
        return even + odd;
    }

    /// <summary>8 inputs, 4 units: lane o is <c>bₒ + Σᵢ columns[4i + o]·xᵢ</c>.</summary>
    /// <param name="columns">W by columns, at least 32 values.</param>
    /// <param name="x">The 8 inputs.</param>
    /// <param name="bias">b, one lane per unit.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SkipLocalsInit] // the buffer is written whole before it is read: no zeroing on every call
    public static Vector128<float> TimesColumns(ReadOnlySpan<float> columns, Vector256<float> x, Vector128<float> bias)
    {
        if (columns.Length < 32)
        {
            ThrowShort(nameof(columns), columns.Length, 32);
        }
        ref float c = ref MemoryMarshal.GetReference(columns);
        Unsafe.SkipInit(out Eight inputs);
        ref float xi = ref inputs[0];
        x.StoreUnsafe(ref xi);
        Vector128<float> even = Fused(Vector128.LoadUnsafe(ref c), Vector128.Create(xi), bias);
        Vector128<float> odd = Vector128.LoadUnsafe(ref c, 4) * Vector128.Create(Unsafe.Add(ref xi, 1));
        even = Fused(Vector128.LoadUnsafe(ref c, 8), Vector128.Create(Unsafe.Add(ref xi, 2)), even);
        odd = Fused(Vector128.LoadUnsafe(ref c, 12), Vector128.Create(Unsafe.Add(ref xi, 3)), odd);
        even = Fused(Vector128.LoadUnsafe(ref c, 16), Vector128.Create(Unsafe.Add(ref xi, 4)), even);
        odd = Fused(Vector128.LoadUnsafe(ref c, 20), Vector128.Create(Unsafe.Add(ref xi, 5)), odd);
        even = Fused(Vector128.LoadUnsafe(ref c, 24), Vector128.Create(Unsafe.Add(ref xi, 6)), even);
        odd = Fused(Vector128.LoadUnsafe(ref c, 28), Vector128.Create(Unsafe.Add(ref xi, 7)), odd);
        return even + odd;
    }

    /// <summary>4 inputs, 4 units: lane o is <c>bₒ + Σᵢ columns[4i + o]·xᵢ</c>.</summary>
    /// <param name="columns">W by columns, at least 16 values.</param>
    /// <param name="x">The 4 inputs.</param>
    /// <param name="bias">b, one lane per unit.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [SkipLocalsInit] // the buffer is written whole before it is read: no zeroing on every call
    public static Vector128<float> TimesColumns(ReadOnlySpan<float> columns, Vector128<float> x, Vector128<float> bias)
    {
        if (columns.Length < 16)
        {
            ThrowShort(nameof(columns), columns.Length, 16);
        }
        ref float c = ref MemoryMarshal.GetReference(columns);
        Unsafe.SkipInit(out Eight inputs);
        ref float xi = ref inputs[0];
        x.StoreUnsafe(ref xi);
        Vector128<float> even = Fused(Vector128.LoadUnsafe(ref c), Vector128.Create(xi), bias);
        Vector128<float> odd = Vector128.LoadUnsafe(ref c, 4) * Vector128.Create(Unsafe.Add(ref xi, 1));
        even = Fused(Vector128.LoadUnsafe(ref c, 8), Vector128.Create(Unsafe.Add(ref xi, 2)), even);
        odd = Fused(Vector128.LoadUnsafe(ref c, 12), Vector128.Create(Unsafe.Add(ref xi, 3)), odd);
        return even + odd;
    }

    /// <summary>
    /// Writes the <paramref name="rowCount"/> × <paramref name="columnCount"/> row-major matrix <paramref name="rows"/> by
    /// columns into <paramref name="columns"/>: <c>columns[i·rowCount + o] = rows[o·columnCount + i]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than the matrix.</exception>
    public static void Transpose(ReadOnlySpan<float> rows, int rowCount, int columnCount, Span<float> columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        ArgumentOutOfRangeException.ThrowIfNegative(columnCount);
        int count = rowCount * columnCount;
        if (rows.Length < count)
        {
            ThrowShort(nameof(rows), rows.Length, count);
        }
        if (columns.Length < count)
        {
            ThrowShort(nameof(columns), columns.Length, count);
        }
        for (int o = 0; o < rowCount; o++)
        {
            for (int i = 0; i < columnCount; i++)
            {
                columns[i * rowCount + o] = rows[o * columnCount + i];
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShort(string name, int actual, int needed) =>
        throw new ArgumentException($"{name} has {actual} values; the matrix needs {needed}.", name);
}
