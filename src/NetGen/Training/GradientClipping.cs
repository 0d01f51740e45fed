using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetGen.Training;

/// <summary>
/// Gradient clipping with PyTorch's semantics (<c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>), and the
/// gradient norms the trainer's stopping criterion uses. All methods work in place and allocate nothing.
/// </summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales the gradients so that their total <paramref name="normType"/>-norm is at most <paramref name="maxNorm"/>:
    /// <c>g ← g·min(1, maxNorm / (‖g‖ + 10⁻⁶))</c>. Returns ‖g‖ before clipping, as PyTorch does.
    /// </summary>
    /// <param name="gradients">The gradient buffer, changed in place.</param>
    /// <param name="maxNorm">The largest norm allowed, &gt; 0.</param>
    /// <param name="normType">p of the p-norm: 2 (default), 1, any p ≥ 1, or <see cref="float.PositiveInfinity"/> for the max-norm.</param>
    public static float ClipByNorm(Span<float> gradients, float maxNorm, float normType = 2f)
    {
        if (!(maxNorm > 0f) || !float.IsFinite(maxNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be a positive finite number.");
        }
        float total = Norm(gradients, normType);
        float coefficient = maxNorm / (total + 1e-6f);
        if (coefficient < 1f)
        {
            Scale(gradients, coefficient);
        }
        return total;
    }

    /// <summary>Clamps every gradient into [−<paramref name="clipValue"/>, <paramref name="clipValue"/>] (NaN stays NaN).</summary>
    public static void ClipByValue(Span<float> gradients, float clipValue)
    {
        if (!(clipValue > 0f) || !float.IsFinite(clipValue))
        {
            throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "clipValue must be a positive finite number.");
        }
        ref float g = ref MemoryMarshal.GetReference(gradients);
        int n = gradients.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> hi = Vector512.Create(clipValue), lo = -hi;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref g, (nuint)i), lo), hi).StoreUnsafe(ref g, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> hi = Vector256.Create(clipValue), lo = -hi;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.Min(Vector256.Max(Vector256.LoadUnsafe(ref g, (nuint)i), lo), hi).StoreUnsafe(ref g, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> hi = Vector128.Create(clipValue), lo = -hi;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128.Min(Vector128.Max(Vector128.LoadUnsafe(ref g, (nuint)i), lo), hi).StoreUnsafe(ref g, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float x = Unsafe.Add(ref g, i);
            Unsafe.Add(ref g, i) = x > clipValue ? clipValue : x < -clipValue ? -clipValue : x;
        }
    }

    /// <summary>
    /// The p-norm <c>(Σ|gᵢ|ᵖ)^(1/p)</c> of the whole buffer (<see cref="float.PositiveInfinity"/>: <c>max |gᵢ|</c>). NaN or ∞
    /// anywhere gives a non-finite norm, which is how the trainer's guard notices bad gradients cheaply.
    /// </summary>
    public static float Norm(ReadOnlySpan<float> gradients, float normType = 2f)
    {
        if (float.IsPositiveInfinity(normType))
        {
            return MaxAbs(gradients);
        }
        if (!(normType >= 1f) || float.IsNaN(normType))
        {
            throw new ArgumentOutOfRangeException(nameof(normType), normType, "normType must be ≥ 1 or +∞.");
        }
        if (normType == 2f)
        {
            return MathF.Sqrt(SumOfSquares(gradients));
        }
        double sum = 0;
        foreach (float x in gradients)
        {
            sum += Math.Pow(Math.Abs(x), normType);
        }
        return (float)Math.Pow(sum, 1.0 / normType);
    }

    /// <summary><c>Σ gᵢ²</c> (vectorised).</summary>
    public static float SumOfSquares(ReadOnlySpan<float> values)
    {
        ref float r = ref MemoryMarshal.GetReference(values);
        return Kernels.Simd.Dot(ref r, ref r, values.Length);
    }

    /// <summary><c>g ← α·g</c> (vectorised).</summary>
    public static void Scale(Span<float> values, float alpha)
    {
        ref float g = ref MemoryMarshal.GetReference(values);
        int n = values.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                (Vector512.LoadUnsafe(ref g, (nuint)i) * alpha).StoreUnsafe(ref g, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref g, (nuint)i) * alpha).StoreUnsafe(ref g, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                (Vector128.LoadUnsafe(ref g, (nuint)i) * alpha).StoreUnsafe(ref g, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref g, i) *= alpha;
        }
    }

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        float max = 0f;
        foreach (float x in values)
        {
            float a = MathF.Abs(x);
            if (!(a <= max))
            {
                max = a; // NaN propagates: !(NaN <= max) is true
            }
            if (float.IsNaN(max))
            {
                return max;
            }
        }
        return max;
    }
}
