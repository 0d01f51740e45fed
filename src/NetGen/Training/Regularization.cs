using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace NetGen.Training;

/// <summary>
/// L1 and L2 weight penalties, Keras's <c>regularizers.L1L2</c> definition: <c>Ω(θ) = λ₁·Σ|w| + λ₂·Σw²</c> over the
/// weights of the dense layers (W⁽ˡ⁾, not the biases and not batch norm's γ, β) and of the recurrent layers (a GRU's or
/// LSTM's <c>weight_ih_l{k}</c> and <c>weight_hh_l{k}</c> of every stacked layer k, not <c>bias_ih_l{k}</c>,
/// <c>bias_hh_l{k}</c>). PyTorch's <c>weight_decay = λ</c> (on all parameters, biases too) corresponds to λ₂ = λ/2 on
/// these. The subgradient of |w| at 0 is 0, as PyTorch's <c>abs</c>.
/// </summary>
public static class Regularization
{
    /// <summary><c>Ω(θ) = λ₁·Σ|w| + λ₂·Σw²</c> over the dense and recurrent weights of <paramref name="layers"/>.</summary>
    public static float Penalty(ReadOnlySpan<float> parameters, IReadOnlyList<LayerInfo> layers, float l1, float l2)
    {
        CheckArguments(layers, l1, l2);
        double sum = 0;
        for (int l = 0; l < layers.Count; l++) // indexed: foreach over an IReadOnlyList would box an enumerator every step
        {
            LayerInfo layer = layers[l];
            for (int k = 0; WeightBlock(layer, k, out int offset, out int count); k++)
            {
                ReadOnlySpan<float> w = parameters.Slice(offset, count);
                double abs = 0;
                foreach (float x in w)
                {
                    abs += Math.Abs(x);
                }
                sum += l1 * abs + l2 * (double)GradientClipping.SumOfSquares(w);
            }
        }
        return (float)sum;
    }

    /// <summary>
    /// The <paramref name="k"/>-th contiguous block of penalised weights of a layer: a dense layer's W (k = 0); a recurrent
    /// layer's <c>weight_ih_lk</c> followed by <c>weight_hh_lk</c> (its biases come after them and are skipped). False when
    /// there is no such block.
    /// </summary>
    private static bool WeightBlock(LayerInfo layer, int k, out int offset, out int count)
    {
        offset = layer.WeightOffset;
        count = 0;
        if (layer.Kind == LayerKind.Dense)
        {
            count = layer.WeightCount;
            return k == 0;
        }
        if (layer.Kind is not (LayerKind.GRU or LayerKind.LSTM) || k >= layer.StackedLayers)
        {
            return false;
        }
        // Per stacked layer j: weight_ih [G·H, in_j], weight_hh [G·H, H], bias_ih [G·H], bias_hh [G·H] (PyTorch's order).
        int h = layer.Outputs, rows = (layer.Kind == LayerKind.GRU ? 3 : 4) * h;
        for (int j = 0; j <= k; j++)
        {
            int inputs = j == 0 ? layer.Inputs : h;
            count = rows * (inputs + h);
            if (j < k)
            {
                offset += count + 2 * rows;
            }
        }
        return true;
    }

    /// <summary>Adds <c>∂Ω/∂w = λ₁·sign(w) + 2λ₂·w</c> to the dense and recurrent weights' gradients.</summary>
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
            for (int k = 0; WeightBlock(layer, k, out int offset, out int count); k++)
            {
                ReadOnlySpan<float> w = parameters.Slice(offset, count);
                Span<float> g = gradients.Slice(offset, count);
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
