using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace NetGen.Training;

/// <summary>
/// L1 and L2 weight penalties, Keras's <c>regularizers.L1L2</c> definition: <c>Ω(θ) = λ₁·Σ|w| + λ₂·Σw²</c> over the
/// weights of the dense layers (W⁽ˡ⁾, not the biases and not batch norm's γ, β). PyTorch's <c>weight_decay = λ</c>
/// (on all parameters) corresponds to λ₂ = λ/2. The subgradient of |w| at 0 is 0, as PyTorch's <c>abs</c>.
/// </summary>
public static class Regularization
{
    /// <summary><c>Ω(θ) = λ₁·Σ|w| + λ₂·Σw²</c> over the dense weights of <paramref name="layers"/>.</summary>
    public static float Penalty(ReadOnlySpan<float> parameters, IReadOnlyList<LayerInfo> layers, float l1, float l2)
    {
        CheckArguments(layers, l1, l2);
        double sum = 0;
        for (int l = 0; l < layers.Count; l++) // indexed: foreach over an IReadOnlyList would box an enumerator every step
        {
            LayerInfo layer = layers[l];
            if (layer.Kind != LayerKind.Dense)
            {
                continue;
            }
            ReadOnlySpan<float> w = parameters.Slice(layer.WeightOffset, layer.WeightCount);
            double abs = 0;
            foreach (float x in w)
            {
                abs += Math.Abs(x);
            }
            sum += l1 * abs + l2 * (double)GradientClipping.SumOfSquares(w);
        }
        return (float)sum;
    }

    /// <summary>Adds <c>∂Ω/∂w = λ₁·sign(w) + 2λ₂·w</c> to the dense weights' gradients.</summary>
    public static void AddGradient(ReadOnlySpan<float> parameters, Span<float> gradients, IReadOnlyList<LayerInfo> layers, float l1, float l2)
    {
        CheckArguments(layers, l1, l2);
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"gradients has length {gradients.Length} but parameters has length {parameters.Length}.", nameof(gradients));
        }
        if (l1 == 0f && l2 == 0f)
        {
            return;
        }
        for (int l = 0; l < layers.Count; l++) // indexed: foreach over an IReadOnlyList would box an enumerator every step
        {
            LayerInfo layer = layers[l];
            if (layer.Kind != LayerKind.Dense)
            {
                continue;
            }
            ReadOnlySpan<float> w = parameters.Slice(layer.WeightOffset, layer.WeightCount);
            Span<float> g = gradients.Slice(layer.WeightOffset, layer.WeightCount);
            if (l2 != 0f)
            {
                Kernels.Simd.MultiplyAdd(2f * l2, ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(g), w.Length);
            }
            if (l1 != 0f)
            {
                for (int i = 0; i < w.Length; i++)
                {
                    g[i] += w[i] > 0f ? l1 : w[i] < 0f ? -l1 : 0f;
                }
            }
        }
    }

    private static void CheckArguments(IReadOnlyList<LayerInfo> layers, float l1, float l2)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (!(l1 >= 0f) || !float.IsFinite(l1))
        {
            throw new ArgumentOutOfRangeException(nameof(l1), l1, "λ₁ must be a finite number ≥ 0.");
        }
        if (!(l2 >= 0f) || !float.IsFinite(l2))
        {
            throw new ArgumentOutOfRangeException(nameof(l2), l2, "λ₂ must be a finite number ≥ 0.");
        }
    }
}
