using System;

namespace NetGen.Kernels;

/// <summary>
/// Batch normalisation per channel after a convolution, PyTorch's <c>BatchNorm2d</c> (and <c>BatchNorm1d</c> on
/// <c>N × C × L</c> signals): every channel c has one γ_c, β_c, running mean and running variance, shared by all
/// <c>planeSize</c> positions of its plane. <c>y = γ_c·x̂ + β_c</c>, <c>x̂ = (x − μ_c)/√(σ_c² + ε)</c>. A batch is
/// sample after sample, each <c>channels × planeSize</c> (CHW); in training the statistics of channel c run over the batch and
/// the plane, <c>n = batch·planeSize</c> values. Sums are accumulated in double, as in <see cref="BatchNormKernels"/>.
/// </summary>
public static class ChannelBatchNormKernels
{
    /// <summary>Inference with the running statistics: <c>y[s,c,q] = γ_c·(x[s,c,q] − μ_c)/√(σ_c² + ε) + β_c</c>.</summary>
    /// <param name="x">Input, <c>batch × channels × planeSize</c>.</param>
    /// <param name="gamma">γ, <c>channels</c> values.</param>
    /// <param name="beta">β, <c>channels</c> values.</param>
    /// <param name="runningMean">μ_run, <c>channels</c> values.</param>
    /// <param name="runningVariance">σ²_run, <c>channels</c> values.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="y">Output, the size of x, written (may be x).</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels C.</param>
    /// <param name="planeSize">Positions per channel (H·W, or L).</param>
    public static void Inference(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean,
        ReadOnlySpan<float> runningVariance, float epsilon, Span<float> y, int batch, int channels, int planeSize)
    {
        CheckSizes(batch, channels, planeSize);
        CheckChannels(channels, gamma.Length, nameof(gamma), beta.Length, nameof(beta), runningMean.Length, nameof(runningMean), runningVariance.Length, nameof(runningVariance));
        CheckData(batch * channels * planeSize, x.Length, nameof(x), y.Length, nameof(y));
        for (int c = 0; c < channels; c++)
        {
            float invStd = 1f / MathF.Sqrt(runningVariance[c] + epsilon);
            float mean = runningMean[c], shift = beta[c];
            for (int s = 0; s < batch; s++)
            {
                int start = (s * channels + c) * planeSize;
                for (int q = start; q < start + planeSize; q++)
                {
                    y[q] = gamma[c] * ((x[q] - mean) * invStd) + shift;
                }
            }
        }
    }

    /// <summary>
    /// The backward step of <see cref="Inference"/> (the statistics are constants): <c>∂L/∂γ_c += Σ g ⊙ x̂</c>,
    /// <c>∂L/∂β_c += Σ g</c> over the batch and the plane, <c>∂L/∂x = g·γ_c/√(σ_c² + ε)</c> (skipped when
    /// <paramref name="gradInput"/> is empty).
    /// </summary>
    /// <param name="gradOutput">g = ∂L/∂y, the size of x.</param>
    /// <param name="x">The forward pass's input.</param>
    /// <param name="gamma">γ.</param>
    /// <param name="runningMean">μ_run.</param>
    /// <param name="runningVariance">σ²_run.</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="gradGamma">∂L/∂γ, accumulated.</param>
    /// <param name="gradBeta">∂L/∂β, accumulated.</param>
    /// <param name="gradInput">∂L/∂x, overwritten; or empty.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels C.</param>
    /// <param name="planeSize">Positions per channel.</param>
    public static void InferenceBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> runningMean,
        ReadOnlySpan<float> runningVariance, float epsilon, Span<float> gradGamma, Span<float> gradBeta, Span<float> gradInput, int batch, int channels, int planeSize)
    {
        CheckSizes(batch, channels, planeSize);
        CheckChannels(channels, gamma.Length, nameof(gamma), runningMean.Length, nameof(runningMean), runningVariance.Length, nameof(runningVariance), gradGamma.Length, nameof(gradGamma));
        CheckChannels(channels, gradBeta.Length, nameof(gradBeta), channels, nameof(gradBeta), channels, nameof(gradBeta), channels, nameof(gradBeta));
        int total = batch * channels * planeSize;
        CheckData(total, x.Length, nameof(x), gradOutput.Length, nameof(gradOutput));
        CheckData(total, gradInput.Length == 0 ? total : gradInput.Length, nameof(gradInput), total, nameof(gradInput));
        for (int c = 0; c < channels; c++)
        {
            float invStd = 1f / MathF.Sqrt(runningVariance[c] + epsilon);
            float mean = runningMean[c], scale = gamma[c] * invStd;
            double sumG = 0, sumGX = 0;
            for (int s = 0; s < batch; s++)
            {
                int start = (s * channels + c) * planeSize;
                for (int q = start; q < start + planeSize; q++)
                {
                    float g = gradOutput[q];
                    sumG += g;
                    sumGX += (double)g * ((x[q] - mean) * invStd);
                    if (gradInput.Length != 0)
                    {
                        gradInput[q] = g * scale;
                    }
                }
            }
            gradGamma[c] += (float)sumGX;
            gradBeta[c] += (float)sumG;
        }
    }

    /// <summary>
    /// Training over a batch: per channel, over its <c>n = batch·planeSize</c> values (n ≥ 2), <c>μ = mean(x)</c>,
    /// <c>σ² = mean((x − μ)²)</c> (biased), <c>x̂ = (x − μ)/√(σ² + ε)</c>, <c>y = γ·x̂ + β</c>; then
    /// <c>μ_run ← (1 − m)·μ_run + m·μ</c> and <c>σ²_run ← (1 − m)·σ²_run + m·σ²·n/(n − 1)</c> (unbiased), as PyTorch.
    /// Keeps x̂ and 1/√(σ² + ε) for <see cref="TrainingBackward"/>.
    /// </summary>
    /// <param name="x">Input, <c>batch × channels × planeSize</c>.</param>
    /// <param name="gamma">γ.</param>
    /// <param name="beta">β.</param>
    /// <param name="runningMean">μ_run, updated.</param>
    /// <param name="runningVariance">σ²_run, updated.</param>
    /// <param name="momentum">m (PyTorch's default 0.1).</param>
    /// <param name="epsilon">ε.</param>
    /// <param name="xHat">x̂, the size of x, written.</param>
    /// <param name="invStd">1/√(σ² + ε), <c>channels</c> values, written.</param>
    /// <param name="y">Output, the size of x, written (may be x̂'s buffer only if x̂ is not needed).</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels C.</param>
    /// <param name="planeSize">Positions per channel.</param>
    public static void TrainingForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> runningMean,
        Span<float> runningVariance, float momentum, float epsilon, Span<float> xHat, Span<float> invStd, Span<float> y, int batch, int channels, int planeSize)
    {
        CheckSizes(batch, channels, planeSize);
        long n = (long)batch * planeSize;
        if (n < 2)
        {
            throw new ArgumentException(
                $"Batch norm in training mode needs at least 2 values per channel (batch·planeSize), got {n} ({batch}·{planeSize}).", nameof(batch));
        }
        CheckChannels(channels, gamma.Length, nameof(gamma), beta.Length, nameof(beta), runningMean.Length, nameof(runningMean), runningVariance.Length, nameof(runningVariance));
        CheckChannels(channels, invStd.Length, nameof(invStd), channels, nameof(invStd), channels, nameof(invStd), channels, nameof(invStd));
        int total = batch * channels * planeSize;
        CheckData(total, x.Length, nameof(x), xHat.Length, nameof(xHat));
        CheckData(total, y.Length, nameof(y), total, nameof(y));
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int s = 0; s < batch; s++)
            {
                int start = (s * channels + c) * planeSize;
                for (int q = start; q < start + planeSize; q++)
                {
                    sum += x[q];
                }
            }
            double mean = sum / n;
            double squares = 0;
            for (int s = 0; s < batch; s++)
            {
                int start = (s * channels + c) * planeSize;
                for (int q = start; q < start + planeSize; q++)
                {
                    double d = x[q] - mean;
                    squares += d * d;
                }
            }
            double variance = squares / n;
            float inv = (float)(1.0 / Math.Sqrt(variance + epsilon));
            invStd[c] = inv;
            float m = (float)mean;
            for (int s = 0; s < batch; s++)
            {
                int start = (s * channels + c) * planeSize;
                for (int q = start; q < start + planeSize; q++)
                {
                    float h = (x[q] - m) * inv;
                    xHat[q] = h;
                    y[q] = gamma[c] * h + beta[c];
                }
            }
            runningMean[c] = (float)((1.0 - momentum) * runningMean[c] + momentum * mean);
            runningVariance[c] = (float)((1.0 - momentum) * runningVariance[c] + momentum * squares / (n - 1));
        }
    }

    /// <summary>
    /// The backward step of <see cref="TrainingForward"/>, the statistics depending on every value of the channel: per channel,
    /// <c>∂L/∂β += Σ g</c>, <c>∂L/∂γ += Σ g·x̂</c> and <c>∂L/∂x = γ/(n·√(σ² + ε))·(n·g − Σ g − x̂·Σ g·x̂)</c> (skipped when
    /// <paramref name="gradInput"/> is empty), sums over the batch and the plane.
    /// </summary>
    /// <param name="gradOutput">g = ∂L/∂y.</param>
    /// <param name="xHat">x̂ from <see cref="TrainingForward"/>.</param>
    /// <param name="invStd">1/√(σ² + ε) from <see cref="TrainingForward"/>.</param>
    /// <param name="gamma">γ.</param>
    /// <param name="gradGamma">∂L/∂γ, accumulated.</param>
    /// <param name="gradBeta">∂L/∂β, accumulated.</param>
    /// <param name="gradInput">∂L/∂x, overwritten; or empty.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="channels">Channels C.</param>
    /// <param name="planeSize">Positions per channel.</param>
    public static void TrainingBackward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> xHat, ReadOnlySpan<float> invStd, ReadOnlySpan<float> gamma,
        Span<float> gradGamma, Span<float> gradBeta, Span<float> gradInput, int batch, int channels, int planeSize)
    {
        CheckSizes(batch, channels, planeSize);
        CheckChannels(channels, invStd.Length, nameof(invStd), gamma.Length, nameof(gamma), gradGamma.Length, nameof(gradGamma), gradBeta.Length, nameof(gradBeta));
        int total = batch * channels * planeSize;
        CheckData(total, gradOutput.Length, nameof(gradOutput), xHat.Length, nameof(xHat));
        CheckData(total, gradInput.Length == 0 ? total : gradInput.Length, nameof(gradInput), total, nameof(gradInput));
        long n = (long)batch * planeSize;
        for (int c = 0; c < channels; c++)
        {
            double sumG = 0, sumGX = 0;
            for (int s = 0; s < batch; s++)
            {
                int start = (s * channels + c) * planeSize;
                for (int q = start; q < start + planeSize; q++)
                {
                    float g = gradOutput[q];
                    sumG += g;
                    sumGX += (double)g * xHat[q];
                }
            }
            gradBeta[c] += (float)sumG;
            gradGamma[c] += (float)sumGX;
            if (gradInput.Length == 0)
            {
                continue;
            }
            double scale = (double)gamma[c] * invStd[c] / n;
            for (int s = 0; s < batch; s++)
            {
                int start = (s * channels + c) * planeSize;
                for (int q = start; q < start + planeSize; q++)
                {
                    gradInput[q] = (float)(scale * (n * (double)gradOutput[q] - sumG - xHat[q] * sumGX));
                }
            }
        }
    }

    private static void CheckSizes(int batch, int channels, int planeSize)
    {
        if (batch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch must be ≥ 0, got {batch}.");
        }
        PoolKernels.Positive(channels, nameof(channels));
        PoolKernels.Positive(planeSize, nameof(planeSize));
    }

    private static void CheckChannels(int channels, int a, string aName, int b, string bName, int c, string cName, int d, string dName)
    {
        if (a != channels) PoolKernels.ThrowLength(aName, a, channels);
        if (b != channels) PoolKernels.ThrowLength(bName, b, channels);
        if (c != channels) PoolKernels.ThrowLength(cName, c, channels);
        if (d != channels) PoolKernels.ThrowLength(dName, d, channels);
    }

    private static void CheckData(int total, int a, string aName, int b, string bName)
    {
        if (a != total) PoolKernels.ThrowLength(aName, a, total);
        if (b != total) PoolKernels.ThrowLength(bName, b, total);
    }
}
