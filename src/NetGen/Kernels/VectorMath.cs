using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetGen.Kernels;

/// <summary>
/// The few vector operations whose portable API arrived after .NET 8, written once for both target frameworks:
/// a fused multiply-add (one rounding) where the hardware has FMA, else a multiply then an add, and the hardware's
/// minimum and maximum (no NaN or signed-zero fix-ups). Each call folds to one instruction under the JIT.
/// </summary>
internal static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
#if NET9_0_OR_GREATER
        return FastMath.HasFusedMultiplyAdd ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;
#else
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c);
        }
        if (AdvSimd.IsSupported)
        {
            return AdvSimd.FusedMultiplyAdd(c, a, b);
        }
        return a * b + c;
#endif
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c)
    {
#if NET9_0_OR_GREATER
        return FastMath.HasFusedMultiplyAdd ? Vector256.FusedMultiplyAdd(a, b, c) : a * b + c;
#else
        return System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : a * b + c;
#endif
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c)
    {
#if NET9_0_OR_GREATER
        return Vector512.IsHardwareAccelerated ? Vector512.FusedMultiplyAdd(a, b, c) : a * b + c;
#else
        return Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : a * b + c;
#endif
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) =>
#if NET9_0_OR_GREATER
        Vector128.MaxNative(a, b);
#else
        Vector128.Max(a, b);
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) =>
#if NET9_0_OR_GREATER
        Vector256.MaxNative(a, b);
#else
        Vector256.Max(a, b);
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) =>
#if NET9_0_OR_GREATER
        Vector512.MaxNative(a, b);
#else
        Vector512.Max(a, b);
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) =>
#if NET9_0_OR_GREATER
        Vector128.MinNative(a, b);
#else
        Vector128.Min(a, b);
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) =>
#if NET9_0_OR_GREATER
        Vector256.MinNative(a, b);
#else
        Vector256.Min(a, b);
#endif

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) =>
#if NET9_0_OR_GREATER
        Vector512.MinNative(a, b);
#else
        Vector512.Min(a, b);
#endif
}
