using System;
using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

// One-output forms of the element-wise losses, for generated networks whose output layer has a single unit and lives in
// a register. Same definitions, reductions and clamps as the span forms; the gradient comes back through an out parameter.
public static partial class Losses
{
    /// <summary>L = scale·(ŷ − y)²; g = scale·2(ŷ − y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MeanSquaredError(float yHat, float y, float scale, out float g)
    {
        float r = yHat - y;
        g = scale * 2f * r;
        return scale * (r * r);
    }

    /// <summary>L = scale·|ŷ − y|; g = scale·sign(ŷ − y) (0 at the kink, as PyTorch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MeanAbsoluteError(float yHat, float y, float scale, out float g)
    {
        float r = yHat - y;
        g = scale * Activations.Sign(r);
        return scale * MathF.Abs(r);
    }

    /// <summary>
    /// Sigmoid output and binary cross-entropy fused, from the logit z: <c>ℓ = max(z, 0) − z·y + log(1 + e^(−|z|))</c>,
    /// <c>δ = scale·(ŷ − y)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SigmoidBinaryCrossEntropy(float z, float yHat, float y, float scale, out float delta)
    {
        delta = scale * (yHat - y);
        return scale * (FastMath.Softplus(z) - z * y);
    }

    /// <summary>Binary cross-entropy on a probability, logs clamped at −100; <c>g = scale·(ŷ − y) / max(ŷ(1 − ŷ), 10⁻¹²)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float BinaryCrossEntropy(float yHat, float y, float scale, out float g)
    {
        g = scale * (yHat - y) / MathF.Max(yHat * (1f - yHat), 1e-12f);
        return -scale * (y * MathF.Max(MathF.Log(yHat), LogFloor) + (1f - y) * MathF.Max(MathF.Log(1f - yHat), LogFloor));
    }

    /// <summary>L = scale·max(0, 1 − y·ŷ); g = −scale·y where the margin is violated, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Hinge(float yHat, float y, float scale, out float g)
    {
        float margin = 1f - y * yHat;
        g = margin > 0f ? -scale * y : 0f;
        return margin > 0f ? scale * margin : 0f;
    }
}
