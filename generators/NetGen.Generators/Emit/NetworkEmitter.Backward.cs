using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>Backward: the forward pass kept for backprop, then δ layer by layer from the output down.</summary>
internal static partial class NetworkEmitter
{
    private static void WriteBackward(SourceWriter w, NetworkSpec spec)
    {
        LossKind loss = spec.Loss!.Value;
        int last = spec.Layers.Count;
        LayerSpec output = spec.Layers[last - 1];
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Forward and backward for one sample: <b>adds</b> ∂L/∂θ to <see cref=\"Gradients\"/> and returns the loss L.");
        w.Line("/// Backprop follows the chain rule layer by layer, from δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ at the output down to layer 1.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"input\">The input x, <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"target\">The target y, <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Open($"public float Backward({ReadOnlySpan} input, {ReadOnlySpan} target)");
        WriteGuards(w, spec, "target", "OutputSize");
        if (spec.Has(LayerKindSpec.BatchNorm))
        {
            w.Open("if (Training)");
            w.Line($"throw new global::System.InvalidOperationException(\"{spec.Name} has batch norm, which normalises over a mini-batch in training mode: call BackwardBatch with at least 2 samples, or set Training = false for inference-mode gradients.\");");
            w.Close();
        }
        w.Line($"{ReadOnlySpan} theta = _parameters;");
        w.Line($"{Span} grad = _gradients;");
        w.Line($"{ReadOnlySpan} x = input;");
        w.Line($"{ReadOnlySpan} y = target;");
        foreach (LayerSpec layer in spec.Layers)
        {
            int l = layer.Index;
            w.Line(layer.Kind == LayerKindSpec.Dropout
                ? $"{Span} a{l} = _a{l}, delta{l} = _delta{l}, mask{l} = _mask{l};"
                : $"{Span} z{l} = _z{l}, a{l} = _a{l}, delta{l} = _delta{l};");
        }

        w.Line();
        w.Line("// ── Forward pass, keeping z⁽ˡ⁾ and a⁽ˡ⁾ for backprop ──────────────────────────────");
        foreach (LayerSpec layer in spec.Layers)
        {
            w.Line();
            int l = layer.Index;
            WriteLayerHeader(w, layer, l == last);
            if (layer.Kind == LayerKindSpec.Dropout)
            {
                WriteDropoutTraining(w, layer, l == 1 ? "x" : $"a{l - 1}", $"a{l}", $"mask{l}");
                continue;
            }
            if (layer.Kind == LayerKindSpec.BatchNorm)
            {
                w.Line("// (Training is false here: batch norm uses its running statistics.)");
                WriteBatchNormInference(w, layer, l == 1 ? "x" : $"a{l - 1}", $"z{l}");
            }
            else
            {
                WriteAffine(w, layer, l == 1 ? "x" : $"a{l - 1}", $"z{l}");
            }
            if (layer.Activation == ActivationKind.Identity)
            {
                w.Line($"z{l}.CopyTo(a{l});");
            }
            else
            {
                WriteActivation(w, layer, $"z{l}", $"a{l}");
            }
        }

        w.Line();
        w.Line("// ── Loss and the output error δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ ──────────────────────────────────────");
        WriteLoss(w, spec, loss, output);

        w.Line();
        w.Line("// ── Backward pass: ∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾·a⁽ˡ⁻¹⁾ᵀ, ∂L/∂b⁽ˡ⁾ = δ⁽ˡ⁾, δ⁽ˡ⁻¹⁾ = (W⁽ˡ⁾ᵀ·δ⁽ˡ⁾) ⊙ f′(z⁽ˡ⁻¹⁾) ──");
        for (int l = last; l >= 1; l--)
        {
            LayerSpec layer = spec.Layers[l - 1];
            string inName = l == 1 ? "x" : $"a{l - 1}";
            w.Line();
            if (!layer.IsDense)
            {
                if (layer.Kind == LayerKindSpec.Dropout)
                {
                    if (l > 1)
                    {
                        WriteDropoutBackward(w, layer, $"delta{l}", $"mask{l}", $"delta{l - 1}");
                    }
                    else
                    {
                        w.Line($"// Layer 1 · Dropout on the input: no parameters, nothing further to propagate.");
                    }
                }
                else
                {
                    WriteBatchNormInferenceBackward(w, layer, $"delta{l}", inName, l > 1 ? $"delta{l - 1}" : "default");
                }
                if (l > 1)
                {
                    WritePreviousActivationBackward(w, spec.Layers[l - 2], $"delta{l - 1}");
                }
                continue;
            }
            w.Line($"// Layer {Int(l)}: ∂L/∂W{Sup(l)} += δ{Sup(l)}·{A(l - 1)}ᵀ        ∂L/∂b{Sup(l)} += δ{Sup(l)}");
            if (l > 1)
            {
                LayerSpec previous = spec.Layers[l - 2];
                w.Line(previous.Kind == LayerKindSpec.Dropout
                    ? $"//          ∂L/∂{A(l - 1)} = W{Sup(l)}ᵀ·δ{Sup(l)}        (layer {Int(l - 1)} is dropout: no activation)"
                    : $"//          δ{Sup(l - 1)} = (W{Sup(l)}ᵀ·δ{Sup(l)}) ⊙ f′(z{Sup(l - 1)})        {Derivative(previous.Activation, previous.NegativeSlope, l - 1)}");
            }
            if (layer.WeightCount <= UnrollLimit)
            {
                WriteUnrolledBackward(w, layer, inName, l > 1 ? $"delta{l - 1}" : null);
            }
            else
            {
                string gradInput = l > 1 ? $"delta{l - 1}" : "default";
                w.Line($"{Kernels}.DenseKernels.Backward(theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), delta{l}, {inName}, grad.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), grad.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)}), {gradInput}, {Int(layer.Units)}, {Int(layer.Inputs)});");
            }
            if (l > 1)
            {
                WriteActivationBackward(w, spec.Layers[l - 2], $"delta{l - 1}");
            }
        }
        w.Line();
        w.Line("return loss;");
        w.Close();
    }

    private static void WriteUnrolledBackward(SourceWriter w, LayerSpec layer, string inName, string? gradInput)
    {
        int l = layer.Index;
        for (int o = 0; o < layer.Units; o++)
        {
            w.Line($"grad[{Int(layer.BiasOffset + o)}] += delta{l}[{Int(o)}];");
            for (int i = 0; i < layer.Inputs; i++)
            {
                w.Line($"grad[{Int(layer.WeightOffset + o * layer.Inputs + i)}] += delta{l}[{Int(o)}] * {inName}[{Int(i)}];");
            }
        }
        if (gradInput is null)
        {
            return;
        }
        for (int i = 0; i < layer.Inputs; i++)
        {
            var line = new System.Text.StringBuilder($"{gradInput}[{Int(i)}] = ");
            for (int o = 0; o < layer.Units; o++)
            {
                if (o > 0)
                {
                    line.Append(" + ");
                }
                line.Append($"theta[{Int(layer.WeightOffset + o * layer.Inputs + i)}] * delta{l}[{Int(o)}]");
            }
            w.Line(line.Append(';').ToString());
        }
    }

    /// <summary>After ∂L/∂a⁽ˡ⁻¹⁾ is written into δ⁽ˡ⁻¹⁾: the previous layer's f′ makes it ∂L/∂z⁽ˡ⁻¹⁾ (nothing for identity or dropout).</summary>
    private static void WritePreviousActivationBackward(SourceWriter w, LayerSpec previous, string delta)
    {
        if (previous.Activation != ActivationKind.Identity)
        {
            w.Line($"// {Derivative(previous.Activation, previous.NegativeSlope, previous.Index)}");
            WriteActivationBackward(w, previous, delta);
        }
    }

    private static void WriteActivationBackward(SourceWriter w, LayerSpec layer, string delta)
    {
        int l = layer.Index;
        string? call = layer.Activation switch
        {
            ActivationKind.Identity => null,
            ActivationKind.Step or ActivationKind.Sign => $"{Kernels}.Activations.ZeroGradientBackward({delta});",
            ActivationKind.Sigmoid => $"{Kernels}.Activations.SigmoidBackward(a{l}, {delta});",
            ActivationKind.Tanh => $"{Kernels}.Activations.TanhBackward(a{l}, {delta});",
            ActivationKind.ReLU => $"{Kernels}.Activations.ReLUBackward(z{l}, {delta});",
            ActivationKind.LeakyReLU => $"{Kernels}.Activations.LeakyReLUBackward(z{l}, {delta}, {Float(layer.NegativeSlope)});",
            ActivationKind.GELU => $"{Kernels}.Activations.GeluBackward(z{l}, {delta});",
            ActivationKind.Softmax => $"{Kernels}.Activations.SoftmaxBackward(a{l}, {delta});",
            _ => null,
        };
        if (call is not null)
        {
            w.Line(call);
        }
    }
}
