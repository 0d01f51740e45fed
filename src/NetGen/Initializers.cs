using System;

namespace NetGen;

/// <summary>Weight initialisation schemes (PyTorch's <c>torch.nn.init</c> definitions), deterministic for a seed.</summary>
public static class Initializers
{
    /// <summary>
    /// Xavier/Glorot uniform: <c>W ~ U(−a, a)</c>, <c>a = gain·√(6 / (fan_in + fan_out))</c> (for sigmoid, tanh, identity, softmax).
    /// </summary>
    public static void XavierUniform(Span<float> weights, int fanIn, int fanOut, ref SeededRandom random, float gain = 1f)
    {
        float bound = gain * MathF.Sqrt(6f / (fanIn + fanOut));
        Uniform(weights, -bound, bound, ref random);
    }

    /// <summary>
    /// He (Kaiming) uniform for the ReLU family: <c>W ~ U(−a, a)</c>, <c>a = √(6 / ((1 + slope²)·fan_in))</c>
    /// (PyTorch's <c>kaiming_uniform_</c> with <c>a = slope</c>, mode <c>fan_in</c>).
    /// </summary>
    public static void HeUniform(Span<float> weights, int fanIn, ref SeededRandom random, float negativeSlope = 0f)
    {
        float bound = MathF.Sqrt(6f / ((1f + negativeSlope * negativeSlope) * fanIn));
        Uniform(weights, -bound, bound, ref random);
    }

    /// <summary>Xavier/Glorot normal: <c>W ~ N(0, σ²)</c>, <c>σ = gain·√(2 / (fan_in + fan_out))</c>.</summary>
    public static void XavierNormal(Span<float> weights, int fanIn, int fanOut, ref SeededRandom random, float gain = 1f) =>
        Normal(weights, 0f, gain * MathF.Sqrt(2f / (fanIn + fanOut)), ref random);

    /// <summary>He (Kaiming) normal: <c>W ~ N(0, σ²)</c>, <c>σ = √(2 / ((1 + slope²)·fan_in))</c>.</summary>
    public static void HeNormal(Span<float> weights, int fanIn, ref SeededRandom random, float negativeSlope = 0f) =>
        Normal(weights, 0f, MathF.Sqrt(2f / ((1f + negativeSlope * negativeSlope) * fanIn)), ref random);

    /// <summary><c>W ~ U(low, high)</c>.</summary>
    public static void Uniform(Span<float> weights, float low, float high, ref SeededRandom random)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = low + (high - low) * random.NextSingle();
        }
    }

    /// <summary><c>W ~ N(mean, std²)</c>.</summary>
    public static void Normal(Span<float> weights, float mean, float std, ref SeededRandom random)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(mean + std * random.NextGaussian());
        }
    }
}
