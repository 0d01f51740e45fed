using System;
using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

// The losses of issue 12: Huber (PyTorch HuberLoss, δ settable) and negative log-likelihood on log-probabilities (PyTorch
// NLLLoss), the latter fused with a LogSoftmax output layer as softmax + cross-entropy is.
public static partial class Losses
{
    /// <summary>Huber's default δ (PyTorch <c>nn.HuberLoss()</c>).</summary>
    public const float HuberDelta = 1f;

    /// <summary>
    /// Huber loss (PyTorch <c>HuberLoss(delta)</c>): with <c>r = ŷ − y</c>, <c>ℓ = ½r²</c> where <c>|r| &lt; δ</c>, else
    /// <c>δ·(|r| − ½δ)</c>; <c>L = scale·Σ ℓ</c>; <c>g = scale·clamp(r, −δ, δ)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not a positive finite number.</exception>
    public static float Huber(ReadOnlySpan<float> yHat, ReadOnlySpan<float> y, Span<float> g, float scale, float delta)
    {
        Check(yHat.Length, y.Length, g.Length);
        CheckDelta(delta);
        float loss = 0f;
        for (int i = 0; i < yHat.Length; i++)
        {
            loss += HuberTerm(yHat[i] - y[i], delta, out float slope);
            g[i] = scale * slope;
        }
        return scale * loss;
    }

    /// <summary>Huber loss of one output: <c>L = scale·ℓ(ŷ − y)</c>, <c>g = scale·clamp(ŷ − y, −δ, δ)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not a positive finite number.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Huber(float yHat, float y, float scale, float delta, out float g)
    {
        CheckDelta(delta);
        float loss = HuberTerm(yHat - y, delta, out float slope);
        g = scale * slope;
        return scale * loss;
    }

    /// <summary>ℓ(r) and ∂ℓ/∂r for one residual, with PyTorch's branches (<c>|r| &lt; δ</c> quadratic; the gradient clamps at ±δ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float HuberTerm(float r, float delta, out float slope)
    {
        float magnitude = MathF.Abs(r);
        slope = r < -delta ? -delta : r > delta ? delta : r;
        return magnitude < delta ? 0.5f * r * r : delta * (magnitude - 0.5f * delta);
    }

    private static void CheckDelta(float delta)
    {
        if (!(delta > 0f) || float.IsInfinity(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Huber's delta must be a positive finite number.");
        }
    }

    /// <summary>
    /// Negative log-likelihood on log-probabilities (any output layer that produces them): <c>L = −Σₖ yₖ·ŷₖ</c> with ŷ = log p,
    /// <c>g = −y</c>. With a one-hot y (class c) this is PyTorch's <c>NLLLoss</c> for target c: <c>L = −log p_c</c>.
    /// </summary>
    public static float NegativeLogLikelihood(ReadOnlySpan<float> logProbabilities, ReadOnlySpan<float> y, Span<float> g)
    {
        Check(logProbabilities.Length, y.Length, g.Length);
        float loss = 0f;
        for (int k = 0; k < y.Length; k++)
        {
            loss -= y[k] * logProbabilities[k];
            g[k] = -y[k];
        }
        return loss;
    }

    /// <summary>
    /// LogSoftmax output and negative log-likelihood fused (PyTorch's <c>LogSoftmax</c> + <c>NLLLoss</c>, i.e.
    /// <c>CrossEntropyLoss</c> on the logits): from the log-probabilities <c>ŷ = log softmax(z)</c> that the forward pass computed
    /// with max-subtraction (<see cref="Activations.LogSoftmax(ReadOnlySpan{float}, Span{float})"/>), <c>L = −Σₖ yₖ·ŷₖ</c> and
    /// <c>δₖ = ∂L/∂zₖ = e^(ŷₖ)·Σⱼyⱼ − yₖ</c> (<c>= pₖ − yₖ</c> for a one-hot or probability target). Nothing overflows: ŷ ≤ 0.
    /// </summary>
    public static float LogSoftmaxNegativeLogLikelihood(ReadOnlySpan<float> logProbabilities, ReadOnlySpan<float> y, Span<float> delta)
    {
        Check(logProbabilities.Length, y.Length, delta.Length);
        float loss = 0f, ySum = 0f;
        for (int k = 0; k < y.Length; k++)
        {
            loss -= y[k] * logProbabilities[k];
            ySum += y[k];
        }
        for (int k = 0; k < y.Length; k++)
        {
            delta[k] = FastMath.Exp(logProbabilities[k]) * ySum - y[k];
        }
        return loss;
    }
}
