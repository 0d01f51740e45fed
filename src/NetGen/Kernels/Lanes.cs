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
public static class Lanes
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
