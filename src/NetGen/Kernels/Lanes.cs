using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

/// <summary>
/// Row sums, column multiply-adds and column shuffles for the straight-line code of tiny layers held in registers. A layer whose input fills one vector multiplies
/// each weight row by the input lane by lane (<c>pₒ = W⁽ˡ⁾ₒ ⊙ a⁽ˡ⁻¹⁾</c>); <c>RowSums</c> then adds up each product across
/// its lanes and returns the sums <c>Σᵢ pₒᵢ</c> side by side, one lane per row, in a transpose-and-add tree of horizontal
/// adds — the matrix-vector product W·a without a scalar extract per element.
/// </summary>
/// <remarks>
/// The sums are formed pairwise (lanes 0+1, 2+3, …, then pairs of pairs), so they may differ from a left-to-right sum in the
/// last bit. Without AVX the same pairing is done with shuffles.
/// </remarks>
public static partial class Lanes
{
    /// <summary>Eight rows of eight: lane o of the result is the sum of the lanes of <c>p</c>ₒ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RowSums(Vector256<float> p0, Vector256<float> p1, Vector256<float> p2, Vector256<float> p3,
        Vector256<float> p4, Vector256<float> p5, Vector256<float> p6, Vector256<float> p7)
    {
        if (Avx.IsSupported)
        {
            // After two rounds of hadd each 128-bit half holds the four partial sums of its half of the rows' lanes.
            Vector256<float> h0123 = Avx.HorizontalAdd(Avx.HorizontalAdd(p0, p1), Avx.HorizontalAdd(p2, p3));
            Vector256<float> h4567 = Avx.HorizontalAdd(Avx.HorizontalAdd(p4, p5), Avx.HorizontalAdd(p6, p7));
            return Avx.Permute2x128(h0123, h4567, 0x20) + Avx.Permute2x128(h0123, h4567, 0x31);
        }
        return Vector256.Create(RowSums(p0, p1, p2, p3), RowSums(p4, p5, p6, p7));
    }

    /// <summary>
    /// An 8 × 8 row-major matrix times a vector: lane o of the result is <c>Σᵢ rows[8o + i]·xᵢ</c>, summed in the same tree as
    /// <see cref="RowSums(Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float})"/>
    /// of the eight row products (((x₀+x₁)+(x₂+x₃)) + ((x₄+x₅)+(x₆+x₇)) per row), so the bits are the same. With AVX-512 two rows
    /// share a 512-bit register: 4 products, then three levels of two-source permutes and adds — 17 instructions instead of the
    /// 8 products, 6 horizontal adds (3 micro-operations each) and 3 more of the 256-bit form.
    /// </summary>
    /// <param name="rows">The 64 weights, row by row (at least 64 elements; the first 64 are used).</param>
    /// <param name="x">The 8 inputs.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RowSums(ReadOnlySpan<float> rows, Vector256<float> x)
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            // x in both halves, built from x alone: Vector512.Create(x, x) inserts into a register left from the previous call
            // (a dependency from one call to the next).
            Vector512<float> xx = Avx512F.InsertVector256(x.ToVector512Unsafe(), x, 1);
            Vector512<float> m01 = Vector512.Create(rows.Slice(0, 16)) * xx, m23 = Vector512.Create(rows.Slice(16, 16)) * xx;
            Vector512<float> m45 = Vector512.Create(rows.Slice(32, 16)) * xx, m67 = Vector512.Create(rows.Slice(48, 16)) * xx;
            Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            Vector512<int> odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
            // Adjacent lanes added: rows 0–3 (then 4–7), four pair sums each.
            Vector512<float> n03 = Avx512F.PermuteVar16x32x2(m01, even, m23) + Avx512F.PermuteVar16x32x2(m01, odd, m23);
            Vector512<float> n47 = Avx512F.PermuteVar16x32x2(m45, even, m67) + Avx512F.PermuteVar16x32x2(m45, odd, m67);
            // Pairs of pairs: rows 0–7, two sums each.
            Vector512<float> s = Avx512F.PermuteVar16x32x2(n03, even, n47) + Avx512F.PermuteVar16x32x2(n03, odd, n47);
            return Avx512F.PermuteVar16x32(s, even).GetLower() + Avx512F.PermuteVar16x32(s, odd).GetLower();
        }
        return RowSums(
            Vector256.Create(rows.Slice(0, 8)) * x, Vector256.Create(rows.Slice(8, 8)) * x,
            Vector256.Create(rows.Slice(16, 8)) * x, Vector256.Create(rows.Slice(24, 8)) * x,
            Vector256.Create(rows.Slice(32, 8)) * x, Vector256.Create(rows.Slice(40, 8)) * x,
            Vector256.Create(rows.Slice(48, 8)) * x, Vector256.Create(rows.Slice(56, 8)) * x);
    }

    /// <summary>
    /// The sum of the 8 lanes, ((v₀+v₁)+(v₂+v₃)) + ((v₄+v₅)+(v₆+v₇)): the tree of <see cref="Vector256.Sum{T}(Vector256{T})"/>,
    /// so the same bits, in 6 instructions with AVX instead of its 9 (it sums each 128-bit half on its own).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> v)
    {
        if (Avx.IsSupported)
        {
            Vector256<float> pairs = v + Avx.Permute(v, 0b10_11_00_01);
            Vector256<float> quads = pairs + Avx.Permute(pairs, 0b01_00_11_10);
            return quads.ToScalar() + quads.GetUpper().ToScalar();
        }
        return Vector256.Sum(v);
    }

    /// <summary>The sum of the 4 lanes, (v₀+v₁)+(v₂+v₃) (<see cref="Vector128.Sum{T}(Vector128{T})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> v) => Vector128.Sum(v);

    /// <summary>Four rows of eight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> RowSums(Vector256<float> p0, Vector256<float> p1, Vector256<float> p2, Vector256<float> p3)
    {
        if (Avx.IsSupported)
        {
            Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(p0, p1), Avx.HorizontalAdd(p2, p3));
            return h.GetLower() + h.GetUpper();
        }
        return RowSums(p0.GetLower(), p1.GetLower(), p2.GetLower(), p3.GetLower()) + RowSums(p0.GetUpper(), p1.GetUpper(), p2.GetUpper(), p3.GetUpper());
    }

    /// <summary>Eight rows of four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RowSums(Vector128<float> p0, Vector128<float> p1, Vector128<float> p2, Vector128<float> p3,
        Vector128<float> p4, Vector128<float> p5, Vector128<float> p6, Vector128<float> p7) =>
        Vector256.Create(RowSums(p0, p1, p2, p3), RowSums(p4, p5, p6, p7));

    /// <summary>Four rows of four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> RowSums(Vector128<float> p0, Vector128<float> p1, Vector128<float> p2, Vector128<float> p3)
    {
        if (Sse3.IsSupported)
        {
            return Sse3.HorizontalAdd(Sse3.HorizontalAdd(p0, p1), Sse3.HorizontalAdd(p2, p3));
        }
        return PairSums(PairSums(p0, p1), PairSums(p2, p3));
    }

    /// <summary>
    /// <c>w·x + c</c> lane by lane with x broadcast, fused where the hardware has FMA: one column of a weight matrix times one
    /// input, added to the running sum. Rounds exactly like the scalar <see cref="MultiplyAdd(float, float, float)"/> lane by lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> w, float x, Vector128<float> c) => FastMath.MultiplyAdd(w, Vector128.Create(x), c);

    /// <inheritdoc cref="MultiplyAdd(Vector128{float}, float, Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> w, float x, Vector256<float> c) => FastMath.MultiplyAdd(w, Vector256.Create(x), c);

    /// <inheritdoc cref="MultiplyAdd(Vector128{float}, float, Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> w, float x, Vector512<float> c) => FastMath.MultiplyAdd(w, Vector512.Create(x), c);

    /// <summary>
    /// <see cref="MultiplyAdd(Vector128{float}, float, Vector128{float})"/> with x read where it is broadcast: passed as
    /// <c>in span[i]</c>, the element is loaded by the broadcast itself (one load, no shuffle), where a value argument that may
    /// throw (a span index) is loaded first and broadcast from a register. The same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> w, in float x, Vector128<float> c) => FastMath.MultiplyAdd(w, Vector128.Create(x), c);

    /// <inheritdoc cref="MultiplyAdd(Vector128{float}, in float, Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> w, in float x, Vector256<float> c) => FastMath.MultiplyAdd(w, Vector256.Create(x), c);

    /// <inheritdoc cref="MultiplyAdd(Vector128{float}, in float, Vector128{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> w, in float x, Vector512<float> c) => FastMath.MultiplyAdd(w, Vector512.Create(x), c);

    /// <summary><c>w·x + c</c> for one value, fused where the hardware has FMA (the lane-by-lane form's arithmetic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float w, float x, float c) => FastMath.MultiplyAdd(w, x, c);

    /// <summary>
    /// Lanes 0 and 2 of <paramref name="a"/>, then of <paramref name="b"/>: column 0 of a 4×2 row-major matrix whose rows 0–1
    /// are <paramref name="a"/> and rows 2–3 <paramref name="b"/> (one shuffle).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> EvenLanes(Vector128<float> a, Vector128<float> b) =>
        Sse.IsSupported ? Sse.Shuffle(a, b, 0b10_00_10_00) : Vector128.Create(a.GetElement(0), a.GetElement(2), b.GetElement(0), b.GetElement(2));

    /// <summary>Lanes 1 and 3 of <paramref name="a"/>, then of <paramref name="b"/>: column 1 of the same 4×2 matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> OddLanes(Vector128<float> a, Vector128<float> b) =>
        Sse.IsSupported ? Sse.Shuffle(a, b, 0b11_01_11_01) : Vector128.Create(a.GetElement(1), a.GetElement(3), b.GetElement(1), b.GetElement(3));

    /// <summary>
    /// (v₀, v₀, v₁, v₁): each of the first two lanes twice. Times (x₀, x₁, x₀, x₁) it gives rows 0–1 of the outer product v·xᵀ
    /// of four units and two inputs, as they lie in a row-major matrix.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LowPairs(Vector128<float> v) =>
        Sse.IsSupported ? Sse.UnpackLow(v, v) : Vector128.Create(v.GetElement(0), v.GetElement(0), v.GetElement(1), v.GetElement(1));

    /// <summary>(v₂, v₂, v₃, v₃): rows 2–3 of the same outer product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HighPairs(Vector128<float> v) =>
        Sse.IsSupported ? Sse.UnpackHigh(v, v) : Vector128.Create(v.GetElement(2), v.GetElement(2), v.GetElement(3), v.GetElement(3));

    /// <summary>hadd without SSE3: (a0+a1, a2+a3, b0+b1, b2+b3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> PairSums(Vector128<float> a, Vector128<float> b)
    {
        Vector128<float> even = Vector128.Create(a.GetElement(0), a.GetElement(2), b.GetElement(0), b.GetElement(2));
        Vector128<float> odd = Vector128.Create(a.GetElement(1), a.GetElement(3), b.GetElement(1), b.GetElement(3));
        return even + odd;
    }
}
