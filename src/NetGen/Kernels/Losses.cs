using System;

namespace NetGen.Kernels;

/// <summary>
/// Loss functions for one sample. Each returns the loss and writes the gradient that starts backprop:
/// the fused forms (<c>Sigmoid…</c>, <c>Softmax…</c>) write <c>δ = ∂L/∂z</c> of the output layer directly; the
/// others write <c>g = ∂L/∂ŷ</c>, which the output activation's backward step turns into δ.
/// <c>scale</c> is <c>1/n</c> for <see cref="Reduction.Mean"/> over <c>n</c> elements and 1 for
/// <see cref="Reduction.Sum"/>; it multiplies both the loss and the gradient.
/// </summary>
public static partial class Losses
{
    /// <summary>PyTorch clamps <c>log</c> at −100 in <c>BCELoss</c> so that <c>log 0</c> stays finite; so does NetGen.</summary>
    public const float LogFloor = -100f;

    /// <summary>L = scale·Σ (ŷ − y)²; g = scale·2(ŷ − y).</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> yHat, ReadOnlySpan<float> y, Span<float> g, float scale)
    {
        Check(yHat.Length, y.Length, g.Length);
        float loss = 0f;
        for (int i = 0; i < yHat.Length; i++)
        {
            float r = yHat[i] - y[i];
            loss += r * r;
            g[i] = scale * 2f * r;
        }
        return scale * loss;
    }

    /// <summary>L = scale·Σ |ŷ − y|; g = scale·sign(ŷ − y) (0 at the kink, as PyTorch).</summary>
    public static float MeanAbsoluteError(ReadOnlySpan<float> yHat, ReadOnlySpan<float> y, Span<float> g, float scale)
    {
        Check(yHat.Length, y.Length, g.Length);
        float loss = 0f;
        for (int i = 0; i < yHat.Length; i++)
        {
            float r = yHat[i] - y[i];
            loss += MathF.Abs(r);
            g[i] = scale * Activations.Sign(r);
        }
        return scale * loss;
    }

    /// <summary>
    /// Sigmoid output and binary cross-entropy fused, from the logits z (stable for any z):
    /// <c>ℓ = max(z, 0) − z·y + log(1 + e^(−|z|)) = softplus(z) − z·y</c> (<see cref="FastMath.Softplus(float)"/>), which equals <c>−[y·log σ(z) + (1 − y)·log(1 − σ(z))]</c>;
    /// <c>δ = scale·(ŷ − y)</c> because σ′ cancels the denominator of ∂ℓ/∂ŷ.
    /// </summary>
    public static float SigmoidBinaryCrossEntropy(ReadOnlySpan<float> z, ReadOnlySpan<float> yHat, ReadOnlySpan<float> y, Span<float> delta, float scale)
    {
        Check(z.Length, y.Length, delta.Length);
        Check(yHat.Length, y.Length, delta.Length);
        float loss = 0f;
        for (int i = 0; i < z.Length; i++)
        {
            float zi = z[i];
            loss += FastMath.Softplus(zi) - zi * y[i];
            delta[i] = scale * (yHat[i] - y[i]);
        }
        return scale * loss;
    }

    /// <summary>
    /// Binary cross-entropy on probabilities (any output layer): <c>ℓ = −[y·log ŷ + (1 − y)·log(1 − ŷ)]</c> with each log
    /// clamped at −100 (PyTorch's <c>BCELoss</c>); <c>g = scale·(ŷ − y) / max(ŷ(1 − ŷ), 10⁻¹²)</c>.
    /// </summary>
    public static float BinaryCrossEntropy(ReadOnlySpan<float> yHat, ReadOnlySpan<float> y, Span<float> g, float scale)
    {
        Check(yHat.Length, y.Length, g.Length);
        float loss = 0f;
        for (int i = 0; i < yHat.Length; i++)
        {
            float p = yHat[i];
            loss -= y[i] * MathF.Max(MathF.Log(p), LogFloor) + (1f - y[i]) * MathF.Max(MathF.Log(1f - p), LogFloor);
            g[i] = scale * (p - y[i]) / MathF.Max(p * (1f - p), 1e-12f);
        }
        return scale * loss;
    }

    /// <summary>
    /// Softmax output and cross-entropy fused, from the logits z: <c>log ŷₖ = zₖ − logΣⱼe^(zⱼ)</c> (log-sum-exp, stable; read off
    /// ŷ = softmax(z), which generated code passes, at the largest logit), <c>L = −Σₖ yₖ·log ŷₖ</c>, <c>δₖ = ŷₖ·Σⱼyⱼ − yₖ</c>
    /// (<c>= ŷₖ − yₖ</c> when the target sums to 1).
    /// </summary>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> z, ReadOnlySpan<float> yHat, ReadOnlySpan<float> y, Span<float> delta)
    {
        Check(z.Length, y.Length, delta.Length);
        Check(yHat.Length, y.Length, delta.Length);
        float lse = LogSumExpFromSoftmax(z, yHat);
        float loss = 0f, ySum = 0f;
        for (int k = 0; k < z.Length; k++)
        {
            loss -= y[k] * (z[k] - lse);
            ySum += y[k];
        }
        for (int k = 0; k < z.Length; k++)
        {
            delta[k] = yHat[k] * ySum - y[k];
        }
        return loss;
    }

    /// <summary>
    /// Softmax output and KL divergence fused: <c>L = Σₖ yₖ·(log yₖ − log ŷₖ)</c> with <c>0·log 0 = 0</c> and
    /// <c>log ŷ = z − log-sum-exp</c> (ŷ must be softmax(z), as generated code passes it); δ is that of cross-entropy (the <c>y·log y</c> term does not depend on θ).
    /// </summary>
    public static float SoftmaxKLDivergence(ReadOnlySpan<float> z, ReadOnlySpan<float> yHat, ReadOnlySpan<float> y, Span<float> delta)
    {
        Check(z.Length, y.Length, delta.Length);
        Check(yHat.Length, y.Length, delta.Length);
        float lse = LogSumExpFromSoftmax(z, yHat);
        float loss = 0f, ySum = 0f;
        for (int k = 0; k < z.Length; k++)
        {
            if (y[k] > 0f)
            {
                loss += y[k] * (MathF.Log(y[k]) - (z[k] - lse));
            }
            ySum += y[k];
        }
        for (int k = 0; k < z.Length; k++)
        {
            delta[k] = yHat[k] * ySum - y[k];
        }
        return loss;
    }

    /// <summary>Cross-entropy on probabilities (no softmax output): <c>L = −Σ yₖ·log ŷₖ</c> (log clamped at −100); <c>g = −y/ŷ</c>.</summary>
    public static float CrossEntropy(ReadOnlySpan<float> yHat, ReadOnlySpan<float> y, Span<float> g)
    {
        Check(yHat.Length, y.Length, g.Length);
        float loss = 0f;
        for (int k = 0; k < yHat.Length; k++)
        {
            loss -= y[k] * MathF.Max(MathF.Log(yHat[k]), LogFloor);
            g[k] = -y[k] / MathF.Max(yHat[k], 1e-12f);
        }
        return loss;
    }

    /// <summary>KL divergence on probabilities (no softmax output): <c>L = Σ yₖ(log yₖ − log ŷₖ)</c>; <c>g = −y/ŷ</c>.</summary>
    public static float KLDivergence(ReadOnlySpan<float> yHat, ReadOnlySpan<float> y, Span<float> g)
    {
        Check(yHat.Length, y.Length, g.Length);
        float loss = 0f;
        for (int k = 0; k < yHat.Length; k++)
        {
            if (y[k] > 0f)
            {
                loss += y[k] * (MathF.Log(y[k]) - MathF.Max(MathF.Log(yHat[k]), LogFloor));
            }
            g[k] = -y[k] / MathF.Max(yHat[k], 1e-12f);
        }
        return loss;
    }

    /// <summary>L = scale·Σ max(0, 1 − y·ŷ), y ∈ {−1, +1}; g = −scale·y where the margin is violated, else 0.</summary>
    public static float Hinge(ReadOnlySpan<float> yHat, ReadOnlySpan<float> y, Span<float> g, float scale)
    {
        Check(yHat.Length, y.Length, g.Length);
        float loss = 0f;
        for (int i = 0; i < yHat.Length; i++)
        {
            float margin = 1f - y[i] * yHat[i];
            if (margin > 0f)
            {
                loss += margin;
                g[i] = -scale * y[i];
            }
            else
            {
                g[i] = 0f;
            }
        }
        return scale * loss;
    }

    /// <summary>
    /// <c>log Σⱼ e^(zⱼ)</c> from the softmax already computed: at the largest logit m, ŷₘ = 1/Σⱼ e^(zⱼ − zₘ) exactly up to one
    /// rounding, so the log-sum-exp is <c>zₘ − log ŷₘ</c> — one logarithm instead of a second pass of exponentials. ŷₘ ≥ 1/n,
    /// so the logarithm is well conditioned (absolute error ≤ 6·10⁻⁸ from the rounding of ŷₘ).
    /// </summary>
    private static float LogSumExpFromSoftmax(ReadOnlySpan<float> z, ReadOnlySpan<float> yHat)
    {
        if (z.Length == 0)
        {
            return float.NegativeInfinity;
        }
        int m = 0;
        for (int k = 1; k < z.Length; k++)
        {
            if (z[k] > z[m])
            {
                m = k;
            }
        }
        return z[m] - MathF.Log(yHat[m]);
    }

    private static void Check(int a, int b, int c)
    {
        if (a != b || a != c)
        {
            throw new ArgumentException($"Loss spans differ in length ({a}, {b}, {c}).");
        }
    }
}
