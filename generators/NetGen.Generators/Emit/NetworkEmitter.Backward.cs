using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// Backward (adds ∂L/∂θ to the gradients) and TrainStep (the same backprop with a plain SGD update fused in, so each
/// parameter is read and written once): the forward pass kept for backprop, then δ layer by layer from the output down.
/// </summary>
internal static partial class NetworkEmitter
{
    private static void WriteBackward(SourceWriter w, NetworkSpec spec)
    {
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
        WriteBatchNormTrainingGuard(w, spec);
        w.Line("// θ and ∂L/∂θ as spans whose length is the constant ParameterCount: no bounds checks on constant indices.");
        w.Line($"{ReadOnlySpan} theta = Parameters;");
        w.Line($"{Span} grad = Gradients;");
        WriteBackpropBody(w, spec, fusedSgd: false);
        w.Close();

        w.Line();
        w.Line("/// <summary>");
        w.Line("/// One step of plain stochastic gradient descent on one sample, fused: forward, backward and θ ← θ − η·∇θL in one");
        w.Line("/// pass over the parameters. It neither reads nor writes <see cref=\"Gradients\"/>, so it replaces");
        w.Line("/// <c>ZeroGradients(); Backward(input, target); new Sgd(η).Step(this)</c> (same result up to rounding) without the three");
        w.Line("/// extra passes over θ and ∂L/∂θ that those make. Each layer's δ is propagated with its weights as they were before the update.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"input\">The input x, <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"target\">The target y, <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <param name=\"learningRate\">η, a positive finite number.</param>");
        w.Line("/// <returns>The loss L before the update.</returns>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"learningRate\"/> is not a positive finite number.</exception>");
        w.Open($"public float TrainStep({ReadOnlySpan} input, {ReadOnlySpan} target, float learningRate)");
        WriteGuards(w, spec, "target", "OutputSize");
        w.Line("global::NetGen.Guard.LearningRate(learningRate);");
        WriteBatchNormTrainingGuard(w, spec);
        w.Line($"{Span} theta = Parameters;");
        WriteBackpropBody(w, spec, fusedSgd: true);
        w.Close();
    }

    /// <summary>Batch norm in training mode normalises over a mini-batch: one sample is an error.</summary>
    private static void WriteBatchNormTrainingGuard(SourceWriter w, NetworkSpec spec)
    {
        if (spec.Has(LayerKindSpec.BatchNorm))
        {
            w.Open("if (Training)");
            w.Line($"throw new global::System.InvalidOperationException(\"{spec.Name} has batch norm, which normalises over a mini-batch in training mode: call BackwardBatch with at least 2 samples, or set Training = false for inference-mode gradients.\");");
            w.Close();
        }
    }

    private static void WriteBackpropBody(SourceWriter w, NetworkSpec spec, bool fusedSgd)
    {
        LossKind loss = spec.Loss!.Value;
        int last = spec.Layers.Count;
        LayerSpec output = spec.Layers[last - 1];
        w.Line($"{ReadOnlySpan} x = input;");
        w.Line($"{ReadOnlySpan} y = target;");
        foreach (LayerSpec layer in spec.Layers)
        {
            if (BackwardForm(spec, layer) == Form.Span)
            {
                int l = layer.Index;
                string n = Int(layer.Units);
                string Record(string name) => $"global::NetGen.Kernels.Aligned.Span({name}, {n})";
                w.Line(layer.Kind == LayerKindSpec.Dropout
                    ? $"{Span} a{l} = {Record($"_a{l}")}, delta{l} = {Record($"_delta{l}")}, mask{l} = {Record($"_mask{l}")};"
                    : $"{Span} z{l} = {Record($"_z{l}")}, a{l} = {Record($"_a{l}")}, delta{l} = {Record($"_delta{l}")};");
            }
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
                if (layer.Activation == ActivationKind.Identity)
                {
                    w.Line($"z{l}.CopyTo(a{l});");
                }
                else
                {
                    WriteActivation(w, layer, $"z{l}", $"a{l}");
                }
                continue;
            }
            System.Func<int, string> input = InputElement(spec, layer, BackwardForm);
            switch (BackwardForm(spec, layer))
            {
                case Form.Scalar:
                    w.Line($"float z{l} = {ScalarAffine(spec, layer, input, BackwardForm)};");
                    w.Line($"float a{l} = {RegisterActivation(layer, $"z{l}") ?? $"z{l}"};");
                    break;
                case Form.Lanes:
                    if (layer.Inputs == 1 && FillsLanes(layer.Units))
                    {
                        // One input: W is a column, so z = b + W·x₀ is one vector statement (the same arithmetic per unit).
                        w.Line($"{LanesType(layer.Units)} z{l} = {ThetaLanes("theta", layer.BiasOffset, layer.Units)} + {ThetaLanes("theta", layer.WeightOffset, layer.Units)} * {input(0)};");
                    }
                    else if (RowProducts(spec, layer, BackwardForm) is string inLanes)
                    {
                        WriteRowSums(w, layer, $"{LanesType(layer.Units)} z{l} = ", inLanes, ";");
                    }
                    else
                    {
                        WriteLanesCreate(w, $"{LanesType(layer.Units)} z{l} = ", layer.Units, o => AffineExpression(layer, o, input), ";");
                    }
                    w.Line($"{LanesType(layer.Units)} a{l} = {RegisterActivation(layer, $"z{l}") ?? $"z{l}"};");
                    break;
                default:
                    if (layer.Activation == ActivationKind.Identity)
                    {
                        WriteAffine(w, layer, input, l == 1 ? "x" : $"a{l - 1}", $"z{l}", InputLanes(spec, layer, BackwardForm));
                        w.Line($"z{l}.CopyTo(a{l});");
                    }
                    else
                    {
                        WriteAffineActivation(w, layer, input, l == 1 ? "x" : $"a{l - 1}", $"z{l}", $"a{l}", InputLanes(spec, layer, BackwardForm));
                    }
                    break;
            }
        }

        w.Line();
        w.Line("// ── Loss and the output error δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ ──────────────────────────────────────");
        WriteLoss(w, spec, loss, output, scalar: BackwardForm(spec, output) == Form.Scalar);

        w.Line();
        w.Line(fusedSgd
            ? "// ── Backward pass fused with SGD: δ⁽ˡ⁻¹⁾ = (W⁽ˡ⁾ᵀ·δ⁽ˡ⁾) ⊙ f′(z⁽ˡ⁻¹⁾) with the old W⁽ˡ⁾, then W⁽ˡ⁾ ← W⁽ˡ⁾ − η·δ⁽ˡ⁾·a⁽ˡ⁻¹⁾ᵀ, b⁽ˡ⁾ ← b⁽ˡ⁾ − η·δ⁽ˡ⁾ ──"
            : "// ── Backward pass: ∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾·a⁽ˡ⁻¹⁾ᵀ, ∂L/∂b⁽ˡ⁾ = δ⁽ˡ⁾, δ⁽ˡ⁻¹⁾ = (W⁽ˡ⁾ᵀ·δ⁽ˡ⁾) ⊙ f′(z⁽ˡ⁻¹⁾) ──");
        for (int l = last; l >= 1; l--)
        {
            LayerSpec layer = spec.Layers[l - 1];
            Form form = BackwardForm(spec, layer);
            System.Func<int, string> input = InputElement(spec, layer, BackwardForm);
            string inSpan = l == 1 ? "x" : $"a{l - 1}";
            w.Line();
            if (!layer.IsDense)
            {
                WriteNonDenseBackward(w, spec, layer, inSpan, fusedSgd);
                continue;
            }
            w.Line(fusedSgd
                ? $"// Layer {Int(l)}: W{Sup(l)} ← W{Sup(l)} − η·δ{Sup(l)}·{A(l - 1)}ᵀ        b{Sup(l)} ← b{Sup(l)} − η·δ{Sup(l)}"
                : $"// Layer {Int(l)}: ∂L/∂W{Sup(l)} += δ{Sup(l)}·{A(l - 1)}ᵀ        ∂L/∂b{Sup(l)} += δ{Sup(l)}");
            LayerSpec? previous = l > 1 ? spec.Layers[l - 2] : null;
            if (previous is not null)
            {
                w.Line(previous.Kind == LayerKindSpec.Dropout
                    ? $"//          ∂L/∂{A(l - 1)} = W{Sup(l)}ᵀ·δ{Sup(l)}        (layer {Int(l - 1)} is dropout: no activation)"
                    : $"//          δ{Sup(l - 1)} = (W{Sup(l)}ᵀ·δ{Sup(l)}) ⊙ f′(z{Sup(l - 1)})        {Derivative(previous.Activation, previous.NegativeSlope, l - 1)}");
            }
            if (!IsUnrolled(layer))
            {
                string gradInput = previous is not null ? $"delta{l - 1}" : "default";
                w.Line(fusedSgd
                    ? $"{Kernels}.DenseKernels.BackwardSgd(theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), theta.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)}), delta{l}, {inSpan}, {gradInput}, {Int(layer.Units)}, {Int(layer.Inputs)}, learningRate);"
                    : $"{Kernels}.DenseKernels.Backward(theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), delta{l}, {inSpan}, grad.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), grad.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)}), {gradInput}, {Int(layer.Units)}, {Int(layer.Inputs)});");
                if (previous is not null)
                {
                    WriteActivationBackward(w, previous, $"delta{l - 1}");
                }
                continue;
            }
            if (previous is not null)
            {
                WriteUnrolledPropagation(w, spec, layer, form, previous);
            }
            WriteUnrolledUpdate(w, layer, form, input, fusedSgd, InputLanes(spec, layer, BackwardForm));
        }
        w.Line();
        w.Line("return loss;");
    }

    /// <summary>Dropout (no parameters) and batch norm with its running statistics, then the previous layer's f′.</summary>
    private static void WriteNonDenseBackward(SourceWriter w, NetworkSpec spec, LayerSpec layer, string inSpan, bool fusedSgd)
    {
        int l = layer.Index;
        LayerSpec? previous = l > 1 ? spec.Layers[l - 2] : null;
        if (layer.Kind == LayerKindSpec.Dropout)
        {
            if (previous is not null)
            {
                WriteDropoutBackward(w, layer, $"delta{l}", $"mask{l}", $"delta{l - 1}");
            }
            else
            {
                w.Line("// Layer 1 · Dropout on the input: no parameters, nothing further to propagate.");
            }
        }
        else if (fusedSgd)
        {
            string n = Int(layer.Units);
            w.Line($"// Layer {Int(l)} · BatchNorm with running statistics (constants): γ{Sup(l)} ← γ{Sup(l)} − η·δ{Sup(l)} ⊙ x̂, β{Sup(l)} ← β{Sup(l)} − η·δ{Sup(l)}, ∂L/∂{A(l - 1)} = δ{Sup(l)} ⊙ γ{Sup(l)} / √(σ² + ε)");
            w.Line($"//   (the sample's ∂L/∂γ{Sup(l)}, ∂L/∂β{Sup(l)} go to stack scratch, computed with the old γ{Sup(l)}, then both take the step)");
            w.Line($"{Span} gradientBn{l} = stackalloc float[{Int(2 * layer.Units)}];");
            w.Line($"{Kernels}.BatchNormKernels.InferenceBackward(delta{l}, {inSpan}, {Gamma(layer)}, {RunningMean(layer)}, {RunningVariance(layer)}, {Float(layer.Epsilon)}, gradientBn{l}.Slice(0, {n}), gradientBn{l}.Slice({n}, {n}), {(previous is null ? "default" : $"delta{l - 1}")});");
            w.Open($"for (int k = 0; k < {n}; k++)");
            w.Line($"theta[{Int(layer.WeightOffset)} + k] -= learningRate * gradientBn{l}[k];");
            w.Line($"theta[{Int(layer.BiasOffset)} + k] -= learningRate * gradientBn{l}[{n} + k];");
            w.Close();
        }
        else
        {
            WriteBatchNormInferenceBackward(w, layer, $"delta{l}", inSpan, previous is null ? "default" : $"delta{l - 1}");
        }
        if (previous is not null)
        {
            WritePreviousActivationBackward(w, previous, $"delta{l - 1}");
        }
    }

    /// <summary>δ⁽ˡ⁻¹⁾ᵢ = (Σₒ W⁽ˡ⁾ₒᵢ·δ⁽ˡ⁾ₒ) ⊙ f′, written into the previous layer's form (register or span).</summary>
    private static void WriteUnrolledPropagation(SourceWriter w, NetworkSpec spec, LayerSpec layer, Form form, LayerSpec previous)
    {
        int l = layer.Index, p = previous.Index;
        string Sum(int i)
        {
            var sum = new System.Text.StringBuilder();
            for (int o = 0; o < layer.Units; o++)
            {
                sum.Append(o > 0 ? " + " : "").Append($"theta[{Int(layer.WeightOffset + o * layer.Inputs + i)}] * {Element($"delta{l}", form, o)}");
            }
            return sum.ToString();
        }
        Form previousForm = BackwardForm(spec, previous);
        switch (previousForm)
        {
            case Form.Scalar:
                w.Line($"float delta{p} = {RegisterActivationBackward(previous, previousForm, $"({Sum(0)})")};");
                break;
            case Form.Lanes when FillsLanes(previous.Units):
            {
                // Wᵀ·δ as a sum of W's rows scaled by δ: one vector term per output (the same sum, in the same order, per unit).
                string g = "\u0001";
                string rowsDerivative = RegisterActivationBackward(previous, previousForm, g);
                if (!rowsDerivative.Contains(g))
                {
                    w.Line($"{LanesType(previous.Units)} delta{p} = {rowsDerivative};");
                    break;
                }
                int cut = rowsDerivative.IndexOf(g, System.StringComparison.Ordinal);
                w.Line($"{LanesType(previous.Units)} delta{p} = {rowsDerivative.Substring(0, cut).TrimEnd()}");
                for (int o = 0; o < layer.Units; o++)
                {
                    string term = $"{ThetaLanes("theta", layer.WeightOffset + o * layer.Inputs, layer.Inputs)} * {Element($"delta{l}", form, o)}";
                    w.Line($"    {(o > 0 ? "+ " : "")}{term}{(o == layer.Units - 1 ? rowsDerivative.Substring(cut + 1) + ";" : "")}");
                }
                break;
            }
            case Form.Lanes:
                string derivative = RegisterActivationBackward(previous, previousForm, "\u0001");
                if (derivative == "\u0001")
                {
                    WriteLanesCreate(w, $"{LanesType(previous.Units)} delta{p} = ", previous.Units, Sum, ";");
                }
                else if (!derivative.Contains("\u0001"))
                {
                    w.Line($"{LanesType(previous.Units)} delta{p} = {derivative};");
                }
                else
                {
                    int cut = derivative.IndexOf('\u0001');
                    WriteLanesCreate(w, $"{LanesType(previous.Units)} delta{p} = {derivative.Substring(0, cut)}", previous.Units, Sum,
                        derivative.Substring(cut + 1) + ";");
                }
                break;
            default:
                for (int i = 0; i < layer.Inputs; i++)
                {
                    w.Line($"delta{p}[{Int(i)}] = {Sum(i)};");
                }
                WriteActivationBackward(w, previous, $"delta{p}");
                break;
        }
    }

    /// <summary>∂L/∂θ += … (Backward) or θ −= η·… (TrainStep), one statement per parameter of the layer.</summary>
    private static void WriteUnrolledUpdate(SourceWriter w, LayerSpec layer, Form form, System.Func<int, string> input, bool fusedSgd,
        string? inputLanes = null)
    {
        int l = layer.Index;
        string target = fusedSgd ? "theta" : "grad";
        string Step(string current, string change) => fusedSgd ? $"{current} - learningRate * {change}" : $"{current} + {change}";
        if (form == Form.Lanes && FillsLanes(layer.Units) && (layer.Inputs == 1 || inputLanes is not null))
        {
            // Vector statements, the same arithmetic per parameter: the bias, then W by columns (one input) or by rows.
            w.Line(fusedSgd ? $"// b{Sup(l)} ← b{Sup(l)} − η·δ{Sup(l)}, then W{Sup(l)} row by row (column for one input), one vector each" : $"// ∂L/∂b{Sup(l)} += δ{Sup(l)}, then ∂L/∂W{Sup(l)} row by row (column for one input), one vector each");
            w.Line(StoreLanes(Step(ThetaLanes(target, layer.BiasOffset, layer.Units), $"delta{l}"), target, layer.BiasOffset, layer.Units));
            if (layer.Inputs == 1)
            {
                w.Line(StoreLanes(Step(ThetaLanes(target, layer.WeightOffset, layer.Units), $"(delta{l} * {input(0)})"), target, layer.WeightOffset, layer.Units));
                return;
            }
            for (int o = 0; o < layer.Units; o++)
            {
                int k = layer.WeightOffset + o * layer.Inputs;
                w.Line(StoreLanes(Step(ThetaLanes(target, k, layer.Inputs), $"(delta{l}[{Int(o)}] * {inputLanes})"), target, k, layer.Inputs));
            }
            return;
        }
        if (inputLanes is not null)
        {
            w.Line(fusedSgd
                ? $"// per output o: bₒ ← bₒ − η·δₒ, then row o of W{Sup(l)} ← row − η·δₒ·{A(l - 1)} (one vector statement per row)"
                : $"// per output o: ∂L/∂bₒ += δₒ, then row o of ∂L/∂W{Sup(l)} += δₒ·{A(l - 1)} (one vector statement per row)");
        }
        for (int o = 0; o < layer.Units; o++)
        {
            string delta = Element($"delta{l}", form, o);
            w.Line(fusedSgd
                ? $"theta[{Int(layer.BiasOffset + o)}] -= learningRate * {delta};"
                : $"grad[{Int(layer.BiasOffset + o)}] += {delta};");
            if (inputLanes is not null)
            {
                int k0 = layer.WeightOffset + o * layer.Inputs;
                w.Line(StoreLanes(Step(ThetaLanes(target, k0, layer.Inputs), $"({delta} * {inputLanes})"), target, k0, layer.Inputs));
                continue;
            }
            for (int i = 0; i < layer.Inputs; i++)
            {
                int k = layer.WeightOffset + o * layer.Inputs + i;
                w.Line(fusedSgd
                    ? $"theta[{Int(k)}] -= learningRate * ({delta} * {input(i)});"
                    : $"grad[{Int(k)}] += {delta} * {input(i)};");
            }
        }
    }

    /// <summary>Span-form backward of a straight-line layer for one row (BackwardBatch): gradients, then δ⁽ˡ⁻¹⁾ = Wᵀ·δ⁽ˡ⁾.</summary>
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
