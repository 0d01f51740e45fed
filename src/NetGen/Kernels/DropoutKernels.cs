using System;

namespace NetGen.Kernels;

/// <summary>Inverted dropout for generated networks: <c>y = x ⊙ m</c> with <c>mᵢ ∈ {0, 1/(1 − p)}</c>, and its backward step.</summary>
public static class DropoutKernels
{
    /// <summary>
    /// Training: draws <c>mᵢ = 0</c> with probability p, else <c>1/(1 − p)</c> (one draw per value, from <paramref name="random"/>), and
    /// writes <c>y = x ⊙ m</c>. Inference (<paramref name="training"/> false): <c>m = 1</c>, <c>y = x</c>, and nothing is drawn.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, bool training, ref SeededRandom random)
    {
        if (x.Length != y.Length || x.Length != mask.Length)
        {
            throw new ArgumentException("Dropout spans differ in length.");
        }
        if (!training || rate == 0f)
        {
            mask.Fill(1f);
            x.CopyTo(y);
            return;
        }
        float keep = 1f / (1f - rate);
        for (int i = 0; i < x.Length; i++)
        {
            float m = random.NextSingle() < rate ? 0f : keep;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }

    /// <summary><c>∂L/∂x = ∂L/∂y ⊙ m</c>.</summary>
    public static void Backward(ReadOnlySpan<float> gradOutput, ReadOnlySpan<float> mask, Span<float> gradInput)
    {
        if (gradOutput.Length != mask.Length || gradOutput.Length != gradInput.Length)
        {
            throw new ArgumentException("Dropout spans differ in length.");
        }
        for (int i = 0; i < gradOutput.Length; i++)
        {
            gradInput[i] = gradOutput[i] * mask[i];
        }
    }
}
