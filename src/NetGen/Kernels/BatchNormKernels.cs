using System;

namespace NetGen.Kernels;

/// <summary>
/// Batch normalisation for generated networks, PyTorch's <c>BatchNorm1d</c>: <c>y = γ·x̂ + β</c>,
/// <c>x̂ = (x − μ)/√(σ² + ε)</c>. Batches are row-major (sample after sample, <c>n</c> features each). Means and variances
/// are accumulated in double.
/// </summary>
public static class BatchNormKernels
{
    /// <summary>Inference with the running statistics: <c>yⱼ = γⱼ·(xⱼ − μⱼ)/√(σⱼ² + ε) + βⱼ</c> for one sample.</summary>
    public static void Inference(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon, Span<float> y)
    {
        int n = x.Length;
        Check(n, gamma.Length, beta.Length, runningMean.Length, runningVariance.Length, y.Length);
        for (int j = 0; j < n; j++)
        {
            float invStd = 1f / MathF.Sqrt(runningVariance[j] + epsilon);
            y[j] = gamma[j] * ((x[j] - runningMean[j]) * invStd) + beta[j];
        }
    }

    /// <summary>
    /// The backward step of <see cref="Inference"/> (the statistics are constants): <c>∂L/∂γ += g ⊙ x̂</c>, <c>∂L/∂β += g</c>,
    /// <c>∂L/∂x = g ⊙ γ/√(σ² + ε)</c> (skipped when <paramref name="gradInput"/> is empty).
    /// </summary>
    public static void InferenceBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, float epsilon,
        Span<float> gradGamma, Span<float> gradBeta, Span<float> gradInput)
    {
        int n = x.Length;
        Check(n, gamma.Length, gradOutput.Length, runningMean.Length, runningVariance.Length, gradGamma.Length);
        Check(n, gradBeta.Length, gradInput.Length == 0 ? n : gradInput.Length, n, n, n);
        for (int j = 0; j < n; j++)
        {
            float invStd = 1f / MathF.Sqrt(runningVariance[j] + epsilon);
            float g = gradOutput[j];
            gradGamma[j] += g * ((x[j] - runningMean[j]) * invStd);
            gradBeta[j] += g;
            if (gradInput.Length != 0)
            {
                gradInput[j] = g * gamma[j] * invStd;
            }
        }
    }

    /// <summary>
    /// Training over a batch of <paramref name="batchSize"/> ≥ 2 samples: per feature, <c>μ = mean(x)</c>, <c>σ² = mean((x − μ)²)</c>
    /// (biased), <c>x̂ = (x − μ)/√(σ² + ε)</c>, <c>y = γ·x̂ + β</c>; then the running statistics move by
    /// <c>μ_run ← (1 − m)·μ_run + m·μ</c> and <c>σ²_run ← (1 − m)·σ²_run + m·σ²·B/(B − 1)</c> (unbiased), as PyTorch.
    /// Keeps x̂ and 1/√(σ² + ε) for <see cref="TrainingBackward"/>.
    /// </summary>
    public static void TrainingForward(ReadOnlySpan<float> x, int batchSize, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVariance, float momentum, float epsilon,
        Span<float> xHat, Span<float> invStd, Span<float> y)
    {
        int n = gamma.Length;
        if (batchSize < 2)
        {
            throw new ArgumentException($"Batch norm in training mode needs at least 2 samples per batch, got {batchSize}.", nameof(batchSize));
        }
        Check(n, beta.Length, runningMean.Length, runningVariance.Length, invStd.Length, n);
        Check(batchSize * n, x.Length, xHat.Length, y.Length, batchSize * n, batchSize * n);
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int b = 0; b < batchSize; b++)
            {
                sum += x[b * n + j];
            }
            double mean = sum / batchSize;
            double squares = 0;
            for (int b = 0; b < batchSize; b++)
            {
                double d = x[b * n + j] - mean;
                squares += d * d;
            }
            double variance = squares / batchSize;
            float inv = (float)(1.0 / Math.Sqrt(variance + epsilon));
            invStd[j] = inv;
            float m = (float)mean;
            for (int b = 0; b < batchSize; b++)
            {
                float h = (x[b * n + j] - m) * inv;
                xHat[b * n + j] = h;
                y[b * n + j] = gamma[j] * h + beta[j];
            }
            runningMean[j] = (float)((1.0 - momentum) * runningMean[j] + momentum * mean);
            runningVariance[j] = (float)((1.0 - momentum) * runningVariance[j] + momentum * squares / (batchSize - 1));
        }
    }

    /// <summary>
    /// The backward step of <see cref="TrainingForward"/>, with the batch statistics depending on every sample: per feature,
    /// <c>∂L/∂β += Σ g</c>, <c>∂L/∂γ += Σ g·x̂</c> and
    /// <c>∂L/∂x = γ/(B·√(σ² + ε)) · (B·g − Σ g − x̂·Σ g·x̂)</c> (skipped when <paramref name="gradInput"/> is empty).
    /// </summary>
    public static void TrainingBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> xHat, ReadOnlySpan<float> invStd,
        ReadOnlySpan<float> gamma, int batchSize, Span<float> gradGamma, Span<float> gradBeta, Span<float> gradInput)
    {
        int n = gamma.Length;
        Check(n, invStd.Length, gradGamma.Length, gradBeta.Length, n, n);
        Check(batchSize * n, gradOutput.Length, xHat.Length, gradInput.Length == 0 ? batchSize * n : gradInput.Length, batchSize * n, batchSize * n);
        for (int j = 0; j < n; j++)
        {
            double sumG = 0, sumGX = 0;
            for (int b = 0; b < batchSize; b++)
            {
                float g = gradOutput[b * n + j];
                sumG += g;
                sumGX += (double)g * xHat[b * n + j];
            }
            gradBeta[j] += (float)sumG;
            gradGamma[j] += (float)sumGX;
            if (gradInput.Length == 0)
            {
                continue;
            }
            double scale = (double)gamma[j] * invStd[j] / batchSize;
            for (int b = 0; b < batchSize; b++)
            {
                int k = b * n + j;
                gradInput[k] = (float)(scale * (batchSize * (double)gradOutput[k] - sumG - xHat[k] * sumGX));
            }
        }
    }

    private static void Check(int n, int a, int b, int c, int d, int e)
    {
        if (a != n || b != n || c != n || d != n || e != n)
        {
            throw new ArgumentException("Batch-norm kernel called with spans whose lengths do not match.");
        }
    }
}
