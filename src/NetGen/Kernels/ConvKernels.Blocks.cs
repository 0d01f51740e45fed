using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

// The two register-blocked loops every convolution form is made of. Both walk the taps t = (c, u, v) of a kernel, tap t
// reading the source at offset c·cs + u·us + v·vs from the current output position, so one loop serves the direct form
// (the source is the padded input, offsets in its planes), im2col (the source is the patch matrix, one row per tap) and the
// backward passes:
//
//   Correlate:          dst[r, p] = bias[r] + Σ_t A[r, t]·src[off(t) + p]        (forward, and ∂L/∂x)
//   CorrelateGradient:  G[r, t]  += Σ_p D[r, p]·src[off(t) + p]                   (∂L/∂W)
//
// Correlate holds 6 rows × 64 positions (4 vectors of 16) in 24 of the 32 AVX-512 registers: per tap, 4 loads of the source,
// 6 broadcasts of A and 24 fused multiply-adds. A is read where it lies, each coordinate of a tap with its own stride, so
// the forward pass reads W, ∂L/∂x reads W backwards (the kernel turned by 180°) and im2col's Wᵀ reads W's columns, with no
// packing per call (packing C2's W cost 1.9 µs of its 7 µs); a last partial block of rows repeats its last row, whose
// results are not stored.
// Positions past the last block of 64 go one vector at a time, the last vector ending at the last position (it overlaps the
// one before; the overlapped lanes get the same values again, as every lane is its own chain of fused multiply-adds in tap
// order). CorrelateGradient holds 6 rows × 4 taps and reduces over the positions in vectors of 16, the last vector masked to
// the positions not yet counted, then adds each accumulator's lane sum to G.
public static partial class ConvKernels
{
    /// <summary>Rows of A per block of <see cref="Correlate"/> and <see cref="CorrelateGradient"/>.</summary>
    internal const int PanelRows = 6;

    private const int Lanes = 16;

    /// <summary>32 lanes: 16 zeros then 16 all-ones; a vector loaded at index r has ones in its last r lanes.</summary>
    private static ReadOnlySpan<uint> TailMask =>
    [
        0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u,
        ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u,
    ];

    /// <summary>Ones in the last <paramref name="remainder"/> lanes (0 &lt; remainder &lt; 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TailMaskVector(int remainder) =>
        Vector512.LoadUnsafe(ref Unsafe.As<uint, float>(ref Unsafe.AsRef(in TailMask[0])), (nuint)remainder);

    /// <summary>
    /// <c>dst[r·dstStride + p] = bias[r] + Σ_t A[r, t]·src[off(t) + p]</c> for r &lt; <paramref name="rows"/>, p &lt; <paramref name="n"/>,
    /// with t = (c, u, v) over <paramref name="c"/> × <paramref name="kh"/> × <paramref name="kw"/> and off(t) = c·cs + u·us + v·vs.
    /// A is read in place: <c>A[r, (c, u, v)] = a[r·aRow + c·aC + u·aU + v·aV]</c> (W itself for the forward pass, W read
    /// backwards for the flipped kernel, W's columns for Wᵀ), so nothing is packed. Without <paramref name="hasBias"/> the sums
    /// start at 0.
    /// </summary>
    private static void Correlate(ref float a, int aRow, int aC, int aU, int aV, ref float bias, bool hasBias, ref float src, ref float dst, int dstStride,
        int rows, int n, int c, int kh, int kw, int cs, int us, int vs)
    {
        var walk = new Walk(c, kh, kw, cs, us, vs, aC, aU, aV);
        for (int r0 = 0; r0 < rows; r0 += PanelRows)
        {
            ref float panel = ref Unsafe.Add(ref a, r0 * aRow);
            int live = Math.Min(PanelRows, rows - r0);
            // Rows past the last are read again from the last row; their sums are not stored.
            var o = new RowOffsets(Math.Min(1, live - 1) * aRow, Math.Min(2, live - 1) * aRow, Math.Min(3, live - 1) * aRow,
                Math.Min(4, live - 1) * aRow, Math.Min(5, live - 1) * aRow);
            ref float d = ref Unsafe.Add(ref dst, r0 * dstStride);
            ref float b = ref Unsafe.Add(ref bias, r0);
            if (!Vector512.IsHardwareAccelerated || n < Lanes)
            {
                CorrelateScalar(ref panel, aRow, ref b, hasBias, ref src, ref d, dstStride, live, n, in walk);
                continue;
            }
            int p = 0;
            for (; p <= n - 4 * Lanes; p += 4 * Lanes)
            {
                Correlate6x64(ref panel, in o, ref b, hasBias, live, ref Unsafe.Add(ref src, p), ref Unsafe.Add(ref d, p), dstStride, in walk);
            }
            for (; p < n; p += Lanes)
            {
                int at = Math.Min(p, n - Lanes);
                Correlate6x16(ref panel, in o, ref b, hasBias, live, ref Unsafe.Add(ref src, at), ref Unsafe.Add(ref d, at), dstStride, in walk);
            }
        }
    }

    /// <summary>The tap loop's sizes and the strides of the source (cs, us, vs) and of A (aC, aU, aV) per tap coordinate.</summary>
    private readonly struct Walk(int c, int kh, int kw, int cs, int us, int vs, int aC, int aU, int aV)
    {
        public readonly int C = c, KH = kh, KW = kw, Cs = cs, Us = us, Vs = vs, AC = aC, AU = aU, AV = aV;
    }

    /// <summary>Offsets of rows 1..5 of a block from row 0 in A.</summary>
    private readonly struct RowOffsets(int o1, int o2, int o3, int o4, int o5)
    {
        public readonly int O1 = o1, O2 = o2, O3 = o3, O4 = o4, O5 = o5;
    }

    /// <summary>Six rows (the first <paramref name="live"/> stored) × 64 positions.</summary>
    private static void Correlate6x64(ref float panel, in RowOffsets o, ref float bias, bool hasBias, int live, ref float src, ref float dst, int dstStride,
        in Walk k)
    {
        Vector512<float> a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33, a40, a41, a42, a43, a50, a51, a52, a53;
        a00 = a01 = a02 = a03 = hasBias ? Vector512.Create(bias) : Vector512<float>.Zero;
        a10 = a11 = a12 = a13 = hasBias ? Vector512.Create(Unsafe.Add(ref bias, Math.Min(1, live - 1))) : Vector512<float>.Zero;
        a20 = a21 = a22 = a23 = hasBias ? Vector512.Create(Unsafe.Add(ref bias, Math.Min(2, live - 1))) : Vector512<float>.Zero;
        a30 = a31 = a32 = a33 = hasBias ? Vector512.Create(Unsafe.Add(ref bias, Math.Min(3, live - 1))) : Vector512<float>.Zero;
        a40 = a41 = a42 = a43 = hasBias ? Vector512.Create(Unsafe.Add(ref bias, Math.Min(4, live - 1))) : Vector512<float>.Zero;
        a50 = a51 = a52 = a53 = hasBias ? Vector512.Create(Unsafe.Add(ref bias, Math.Min(5, live - 1))) : Vector512<float>.Zero;
        int o1 = o.O1, o2 = o.O2, o3 = o.O3, o4 = o.O4, o5 = o.O5, kw = k.KW, vs = k.Vs, av = k.AV;
        for (int ci = 0; ci < k.C; ci++)
        {
            for (int u = 0; u < k.KH; u++)
            {
                ref float row = ref Unsafe.Add(ref src, ci * k.Cs + u * k.Us);
                ref float a = ref Unsafe.Add(ref panel, ci * k.AC + u * k.AU);
                for (int v = 0; v < kw; v++)
                {
                    ref float s = ref Unsafe.Add(ref row, v * vs);
                    Vector512<float> x0 = Vector512.LoadUnsafe(ref s), x1 = Vector512.LoadUnsafe(ref s, 16),
                        x2 = Vector512.LoadUnsafe(ref s, 32), x3 = Vector512.LoadUnsafe(ref s, 48);
                    Vector512<float> w = Vector512.Create(a);
                    a00 = VectorMath.Fma(w, x0, a00); a01 = VectorMath.Fma(w, x1, a01); a02 = VectorMath.Fma(w, x2, a02); a03 = VectorMath.Fma(w, x3, a03);
                    w = Vector512.Create(Unsafe.Add(ref a, o1));
                    a10 = VectorMath.Fma(w, x0, a10); a11 = VectorMath.Fma(w, x1, a11); a12 = VectorMath.Fma(w, x2, a12); a13 = VectorMath.Fma(w, x3, a13);
                    w = Vector512.Create(Unsafe.Add(ref a, o2));
                    a20 = VectorMath.Fma(w, x0, a20); a21 = VectorMath.Fma(w, x1, a21); a22 = VectorMath.Fma(w, x2, a22); a23 = VectorMath.Fma(w, x3, a23);
                    w = Vector512.Create(Unsafe.Add(ref a, o3));
                    a30 = VectorMath.Fma(w, x0, a30); a31 = VectorMath.Fma(w, x1, a31); a32 = VectorMath.Fma(w, x2, a32); a33 = VectorMath.Fma(w, x3, a33);
                    w = Vector512.Create(Unsafe.Add(ref a, o4));
                    a40 = VectorMath.Fma(w, x0, a40); a41 = VectorMath.Fma(w, x1, a41); a42 = VectorMath.Fma(w, x2, a42); a43 = VectorMath.Fma(w, x3, a43);
                    w = Vector512.Create(Unsafe.Add(ref a, o5));
                    a50 = VectorMath.Fma(w, x0, a50); a51 = VectorMath.Fma(w, x1, a51); a52 = VectorMath.Fma(w, x2, a52); a53 = VectorMath.Fma(w, x3, a53);
                    a = ref Unsafe.Add(ref a, av);
                }
            }
        }
        nuint ds = (nuint)dstStride;
        Store4(ref dst, a00, a01, a02, a03);
        if (live > 1) Store4(ref Unsafe.Add(ref dst, ds), a10, a11, a12, a13);
        if (live > 2) Store4(ref Unsafe.Add(ref dst, 2 * ds), a20, a21, a22, a23);
        if (live > 3) Store4(ref Unsafe.Add(ref dst, 3 * ds), a30, a31, a32, a33);
        if (live > 4) Store4(ref Unsafe.Add(ref dst, 4 * ds), a40, a41, a42, a43);
        if (live > 5) Store4(ref Unsafe.Add(ref dst, 5 * ds), a50, a51, a52, a53);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(ref float dst, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3)
    {
        v0.StoreUnsafe(ref dst);
        v1.StoreUnsafe(ref dst, 16);
        v2.StoreUnsafe(ref dst, 32);
        v3.StoreUnsafe(ref dst, 48);
    }

    /// <summary>Six rows (the first <paramref name="live"/> stored) × 16 positions.</summary>
    private static void Correlate6x16(ref float panel, in RowOffsets o, ref float bias, bool hasBias, int live, ref float src, ref float dst, int dstStride,
        in Walk k)
    {
        Vector512<float> a0 = hasBias ? Vector512.Create(bias) : Vector512<float>.Zero;
        Vector512<float> a1 = hasBias ? Vector512.Create(Unsafe.Add(ref bias, Math.Min(1, live - 1))) : Vector512<float>.Zero;
        Vector512<float> a2 = hasBias ? Vector512.Create(Unsafe.Add(ref bias, Math.Min(2, live - 1))) : Vector512<float>.Zero;
        Vector512<float> a3 = hasBias ? Vector512.Create(Unsafe.Add(ref bias, Math.Min(3, live - 1))) : Vector512<float>.Zero;
        Vector512<float> a4 = hasBias ? Vector512.Create(Unsafe.Add(ref bias, Math.Min(4, live - 1))) : Vector512<float>.Zero;
        Vector512<float> a5 = hasBias ? Vector512.Create(Unsafe.Add(ref bias, Math.Min(5, live - 1))) : Vector512<float>.Zero;
        int o1 = o.O1, o2 = o.O2, o3 = o.O3, o4 = o.O4, o5 = o.O5, kw = k.KW, vs = k.Vs, av = k.AV;
        for (int ci = 0; ci < k.C; ci++)
        {
            for (int u = 0; u < k.KH; u++)
            {
                ref float row = ref Unsafe.Add(ref src, ci * k.Cs + u * k.Us);
                ref float a = ref Unsafe.Add(ref panel, ci * k.AC + u * k.AU);
                for (int v = 0; v < kw; v++)
                {
                    Vector512<float> x = Vector512.LoadUnsafe(ref Unsafe.Add(ref row, v * vs));
                    a0 = VectorMath.Fma(Vector512.Create(a), x, a0);
                    a1 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref a, o1)), x, a1);
                    a2 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref a, o2)), x, a2);
                    a3 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref a, o3)), x, a3);
                    a4 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref a, o4)), x, a4);
                    a5 = VectorMath.Fma(Vector512.Create(Unsafe.Add(ref a, o5)), x, a5);
                    a = ref Unsafe.Add(ref a, av);
                }
            }
        }
        nuint ds = (nuint)dstStride;
        a0.StoreUnsafe(ref dst);
        if (live > 1) a1.StoreUnsafe(ref dst, ds);
        if (live > 2) a2.StoreUnsafe(ref dst, 2 * ds);
        if (live > 3) a3.StoreUnsafe(ref dst, 3 * ds);
        if (live > 4) a4.StoreUnsafe(ref dst, 4 * ds);
        if (live > 5) a5.StoreUnsafe(ref dst, 5 * ds);
    }

    /// <summary>The same sums as the vector blocks, one output at a time (fused multiply-adds in tap order).</summary>
    private static void CorrelateScalar(ref float panel, int aRow, ref float bias, bool hasBias, ref float src, ref float dst, int dstStride, int live, int n,
        in Walk k)
    {
        for (int r = 0; r < live; r++)
        {
            ref float d = ref Unsafe.Add(ref dst, r * dstStride);
            ref float ar = ref Unsafe.Add(ref panel, r * aRow);
            for (int p = 0; p < n; p++)
            {
                float sum = hasBias ? Unsafe.Add(ref bias, r) : 0f;
                for (int ci = 0; ci < k.C; ci++)
                {
                    for (int u = 0; u < k.KH; u++)
                    {
                        ref float row = ref Unsafe.Add(ref src, ci * k.Cs + u * k.Us + p);
                        ref float a = ref Unsafe.Add(ref ar, ci * k.AC + u * k.AU);
                        for (int v = 0; v < k.KW; v++)
                        {
                            sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, v * k.AV), Unsafe.Add(ref row, v * k.Vs), sum);
                        }
                    }
                }
                Unsafe.Add(ref d, p) = sum;
            }
        }
    }

    /// <summary>
    /// <c>G[r·gStride + t] += Σ_{p&lt;n} D[r·dStride + p]·src[off(t) + p]</c> for r &lt; <paramref name="rows"/>, t &lt; <paramref name="gStride"/>
    /// (= channels·kh·kw taps), off(t) = c·cs + u·us + v·vs.
    /// </summary>
    private static void CorrelateGradient(ref float delta, int dStride, ref float src, ref float grad, int gStride, int rows, int n,
        int kh, int kw, int cs, int us, int vs)
    {
        int taps = gStride, hw = kh * kw;
        for (int r0 = 0; r0 < rows; r0 += PanelRows)
        {
            int live = Math.Min(PanelRows, rows - r0);
            for (int t0 = 0; t0 < taps; t0 += 4)
            {
                int liveTaps = Math.Min(4, taps - t0);
                int o0 = Offset(t0, taps, hw, kw, cs, us, vs), o1 = Offset(t0 + 1, taps, hw, kw, cs, us, vs);
                int o2 = Offset(t0 + 2, taps, hw, kw, cs, us, vs), o3 = Offset(t0 + 3, taps, hw, kw, cs, us, vs);
                ref float g = ref Unsafe.Add(ref grad, r0 * gStride + t0);
                ref float d = ref Unsafe.Add(ref delta, r0 * dStride);
                if (!Vector512.IsHardwareAccelerated || n < Lanes)
                {
                    GradientScalar(ref d, dStride, ref src, ref g, gStride, live, liveTaps, n, o0, o1, o2, o3);
                }
                else
                {
                    Gradient6x4(ref d, dStride, ref src, ref g, gStride, live, liveTaps, n, o0, o1, o2, o3);
                }
            }
        }
    }

    /// <summary>off(min(t, taps − 1)).</summary>
    private static int Offset(int t, int taps, int hw, int kw, int cs, int us, int vs)
    {
        t = Math.Min(t, taps - 1);
        int ci = t / hw, rest = t - ci * hw, u = rest / kw, v = rest - u * kw;
        return ci * cs + u * us + v * vs;
    }

    /// <summary>Six rows of D (the first <paramref name="live"/> kept) × four taps (the first <paramref name="liveTaps"/> kept).</summary>
    private static void Gradient6x4(ref float d, int dStride, ref float src, ref float g, int gStride, int live, int liveTaps, int n,
        int o0, int o1, int o2, int o3)
    {
        ref float d0 = ref d;
        ref float d1 = ref Unsafe.Add(ref d, Math.Min(1, live - 1) * dStride);
        ref float d2 = ref Unsafe.Add(ref d, Math.Min(2, live - 1) * dStride);
        ref float d3 = ref Unsafe.Add(ref d, Math.Min(3, live - 1) * dStride);
        ref float d4 = ref Unsafe.Add(ref d, Math.Min(4, live - 1) * dStride);
        ref float d5 = ref Unsafe.Add(ref d, Math.Min(5, live - 1) * dStride);
        ref float s0 = ref Unsafe.Add(ref src, o0);
        ref float s1 = ref Unsafe.Add(ref src, o1);
        ref float s2 = ref Unsafe.Add(ref src, o2);
        ref float s3 = ref Unsafe.Add(ref src, o3);
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default,
            a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default,
            a40 = default, a41 = default, a42 = default, a43 = default, a50 = default, a51 = default, a52 = default, a53 = default;
        int p = 0;
        Vector512<float> mask = Vector512<float>.AllBitsSet;
        while (true)
        {
            if (p > n - Lanes)
            {
                if (p == n)
                {
                    break;
                }
                // The last vector ends at n − 1; its first lanes were counted by the vector before.
                mask = TailMaskVector(n - p);
                p = n - Lanes;
            }
            nuint i = (nuint)p;
            Vector512<float> x0 = Vector512.LoadUnsafe(ref s0, i), x1 = Vector512.LoadUnsafe(ref s1, i),
                x2 = Vector512.LoadUnsafe(ref s2, i), x3 = Vector512.LoadUnsafe(ref s3, i);
            Vector512<float> e = Vector512.LoadUnsafe(ref d0, i) & mask;
            a00 = VectorMath.Fma(e, x0, a00); a01 = VectorMath.Fma(e, x1, a01); a02 = VectorMath.Fma(e, x2, a02); a03 = VectorMath.Fma(e, x3, a03);
            e = Vector512.LoadUnsafe(ref d1, i) & mask;
            a10 = VectorMath.Fma(e, x0, a10); a11 = VectorMath.Fma(e, x1, a11); a12 = VectorMath.Fma(e, x2, a12); a13 = VectorMath.Fma(e, x3, a13);
            e = Vector512.LoadUnsafe(ref d2, i) & mask;
            a20 = VectorMath.Fma(e, x0, a20); a21 = VectorMath.Fma(e, x1, a21); a22 = VectorMath.Fma(e, x2, a22); a23 = VectorMath.Fma(e, x3, a23);
            e = Vector512.LoadUnsafe(ref d3, i) & mask;
            a30 = VectorMath.Fma(e, x0, a30); a31 = VectorMath.Fma(e, x1, a31); a32 = VectorMath.Fma(e, x2, a32); a33 = VectorMath.Fma(e, x3, a33);
            e = Vector512.LoadUnsafe(ref d4, i) & mask;
            a40 = VectorMath.Fma(e, x0, a40); a41 = VectorMath.Fma(e, x1, a41); a42 = VectorMath.Fma(e, x2, a42); a43 = VectorMath.Fma(e, x3, a43);
            e = Vector512.LoadUnsafe(ref d5, i) & mask;
            a50 = VectorMath.Fma(e, x0, a50); a51 = VectorMath.Fma(e, x1, a51); a52 = VectorMath.Fma(e, x2, a52); a53 = VectorMath.Fma(e, x3, a53);
            p += Lanes;
        }
        AddSums(ref g, liveTaps, a00, a01, a02, a03);
        if (live > 1) AddSums(ref Unsafe.Add(ref g, gStride), liveTaps, a10, a11, a12, a13);
        if (live > 2) AddSums(ref Unsafe.Add(ref g, 2 * gStride), liveTaps, a20, a21, a22, a23);
        if (live > 3) AddSums(ref Unsafe.Add(ref g, 3 * gStride), liveTaps, a30, a31, a32, a33);
        if (live > 4) AddSums(ref Unsafe.Add(ref g, 4 * gStride), liveTaps, a40, a41, a42, a43);
        if (live > 5) AddSums(ref Unsafe.Add(ref g, 5 * gStride), liveTaps, a50, a51, a52, a53);
    }

    /// <summary>Adds the lane sums of four accumulators to g[0..liveTaps), the four reduced together (a transpose-and-add tree).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums(ref float g, int liveTaps, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3)
    {
        Vector128<float> sums = Sum4(v0, v1, v2, v3);
        if (liveTaps == 4)
        {
            (Vector128.LoadUnsafe(ref g) + sums).StoreUnsafe(ref g);
            return;
        }
        g += sums.GetElement(0);
        if (liveTaps > 1) Unsafe.Add(ref g, 1) += sums.GetElement(1);
        if (liveTaps > 2) Unsafe.Add(ref g, 2) += sums.GetElement(2);
    }

    /// <summary>The four lane sums of four vectors, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3)
    {
        Vector256<float> s0 = a0.GetLower() + a0.GetUpper(), s1 = a1.GetLower() + a1.GetUpper(), s2 = a2.GetLower() + a2.GetUpper(), s3 = a3.GetLower() + a3.GetUpper();
        if (Avx.IsSupported)
        {
            Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(s0, s1), Avx.HorizontalAdd(s2, s3));
            return h.GetLower() + h.GetUpper();
        }
        return Vector128.Create(Vector256.Sum(s0), Vector256.Sum(s1), Vector256.Sum(s2), Vector256.Sum(s3));
    }

    /// <summary>The scalar form of <see cref="Gradient6x4"/>.</summary>
    private static void GradientScalar(ref float d, int dStride, ref float src, ref float g, int gStride, int live, int liveTaps, int n,
        int o0, int o1, int o2, int o3)
    {
        for (int k = 0; k < live; k++)
        {
            ref float dk = ref Unsafe.Add(ref d, k * dStride);
            for (int j = 0; j < liveTaps; j++)
            {
                ref float s = ref Unsafe.Add(ref src, j == 0 ? o0 : j == 1 ? o1 : j == 2 ? o2 : o3);
                float sum = 0f;
                for (int p = 0; p < n; p++)
                {
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref dk, p), Unsafe.Add(ref s, p), sum);
                }
                Unsafe.Add(ref g, k * gStride + j) += sum;
            }
        }
    }
}
