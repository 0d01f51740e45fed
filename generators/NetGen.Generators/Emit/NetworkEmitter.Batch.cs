using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// BackwardBatch: forward and backward for a row-major mini-batch, layer by layer over the whole batch (batch norm needs
/// every sample's value before it can normalise any). Per sample, the dense and activation code is the same as Backward's.
/// </summary>
internal static partial class NetworkEmitter
{
    private static void WriteBatchMembers(SourceWriter w, NetworkSpec spec)
    {
        w.Line();
        w.Line("// BackwardBatch's record of the batch (row-major, sample after sample), grown to the largest batch seen.");
        w.Line("private int _batchCapacity;");
        foreach (LayerSpec layer in spec.Layers)
        {
            int l = layer.Index;
            string empty = "global::System.Array.Empty<float>()";
            switch (layer.Kind)
            {
                case LayerKindSpec.Dropout:
                    w.Line($"private float[] _ba{l} = {empty}, _bd{l} = {empty}, _bm{l} = {empty};");
                    break;
                case LayerKindSpec.BatchNorm:
                    w.Line($"private float[] _bz{l} = {empty}, _ba{l} = {empty}, _bd{l} = {empty}, _bx{l} = {empty};");
                    w.Line($"private readonly float[] _bi{l} = new float[{Int(layer.Units)}];");
                    break;
                default:
                    w.Line($"private float[] _bz{l} = {empty}, _ba{l} = {empty}, _bd{l} = {empty};");
                    break;
            }
        }
        w.Line();
        w.Open("private void EnsureBatchCapacity(int batchSize)");
        w.Open("if (batchSize <= _batchCapacity)");
        w.Line("return;");
        w.Close();
        foreach (LayerSpec layer in spec.Layers)
        {
            int l = layer.Index;
            string size = $"new float[batchSize * {Int(layer.Units)}]";
            switch (layer.Kind)
            {
                case LayerKindSpec.Dropout:
                    w.Line($"_ba{l} = {size}; _bd{l} = {size}; _bm{l} = {size};");
                    break;
                case LayerKindSpec.BatchNorm:
                    w.Line($"_bz{l} = {size}; _ba{l} = {size}; _bd{l} = {size}; _bx{l} = {size};");
                    break;
                default:
                    w.Line($"_bz{l} = {size}; _ba{l} = {size}; _bd{l} = {size};");
                    break;
            }
        }
        w.Line("_batchCapacity = batchSize;");
        w.Close();
    }

    private static void WriteBackwardBatch(SourceWriter w, NetworkSpec spec)
    {
        WriteBackwardBatch(w, spec, fusedSgd: false);
        WriteBackwardBatch(w, spec, fusedSgd: true);
    }

    private static void WriteBackwardBatch(SourceWriter w, NetworkSpec spec, bool fusedSgd)
    {
        LossKind loss = spec.Loss!.Value;
        int last = spec.Layers.Count;
        LayerSpec output = spec.Layers[last - 1];
        bool batchNorm = spec.Has(LayerKindSpec.BatchNorm);
        w.Line();
        w.Line("/// <summary>");
        if (fusedSgd)
        {
            w.Line("/// One step of plain mini-batch gradient descent, fused into backprop: θ ← θ − (η/B)·Σᵦ ∇θLᵦ, the mean gradient of the");
            w.Line("/// batch's B samples (stored row-major, sample after sample). Each layer's δ is propagated with its weights as they were,");
            w.Line("/// then each weight is read and written once; <see cref=\"Gradients\"/> is neither read nor written. Same result, up to");
            w.Line("/// rounding, as <c>ZeroGradients(); BackwardBatch(inputs, targets, B); new Sgd(η).Step(this, B)</c>. Dropout and batch norm");
            w.Line("/// behave as in <see cref=\"BackwardBatch\"/>. Allocates only when the batch is larger than any before.");
            w.Line("/// </summary>");
        }
        else
        {
            w.Line("/// Forward and backward for a mini-batch stored row-major (sample after sample): <b>adds</b> the gradient of the summed");
            w.Line("/// loss Σᵦ Lᵦ to <see cref=\"Gradients\"/> and returns that sum, exactly as one <see cref=\"Backward\"/> per sample would");
            w.Line("/// (an optimizer step with the batch size then takes the mean). In training mode dropout draws its masks and batch norm");
            w.Line("/// normalises with the batch's statistics (at least 2 samples) and updates its running statistics. Dense layers run");
            w.Line("/// over the whole batch at once (NetGen.Kernels.DenseKernels.ForwardBatch / BackwardBatch), so each weight is loaded");
            w.Line("/// once per batch. Allocates only when the batch is larger than any before.");
            w.Line("/// </summary>");
        }
        w.Line("/// <param name=\"inputs\">batchSize × <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"targets\">batchSize × <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <param name=\"batchSize\">The number of samples.</param>");
        if (fusedSgd)
        {
            w.Line("/// <param name=\"learningRate\">η, a positive finite number.</param>");
        }
        w.Line("/// <param name=\"losses\">Empty, or batchSize values that receive each sample's loss.</param>");
        if (fusedSgd)
        {
            w.Line("/// <returns>The sum of the samples' losses before the update, as <see cref=\"BackwardBatch\"/> returns.</returns>");
        }
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length does not match the batch size.</exception>");
        if (fusedSgd)
        {
            w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"learningRate\"/> is not a positive finite number.</exception>");
            w.Open($"public float TrainStepBatch({ReadOnlySpan} inputs, {ReadOnlySpan} targets, int batchSize, float learningRate, {Span} losses = default)");
        }
        else
        {
            w.Open($"public float BackwardBatch({ReadOnlySpan} inputs, {ReadOnlySpan} targets, int batchSize, {Span} losses = default)");
        }
        w.Line("global::System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);");
        w.Line($"global::NetGen.Guard.Length(inputs.Length, batchSize * InputSize, nameof(inputs), \"{spec.Name}\", \"InputSize × batchSize\");");
        w.Line($"global::NetGen.Guard.Length(targets.Length, batchSize * OutputSize, nameof(targets), \"{spec.Name}\", \"OutputSize × batchSize\");");
        w.Open("if (losses.Length != 0)");
        w.Line($"global::NetGen.Guard.Length(losses.Length, batchSize, nameof(losses), \"{spec.Name}\", \"batchSize\");");
        w.Close();
        if (fusedSgd)
        {
            w.Line("global::NetGen.Guard.LearningRate(learningRate);");
        }
        if (batchNorm)
        {
            w.Open("if (Training && batchSize < 2)");
            w.Line($"throw new global::System.ArgumentException(\"{spec.Name} has batch norm, which needs at least 2 samples per batch in training mode (or Training = false).\", nameof(batchSize));");
            w.Close();
        }
        w.Line("EnsureBatchCapacity(batchSize);");
        if (fusedSgd)
        {
            w.Line($"{Span} theta = Parameters;");
            bool stepsInline = false;
            foreach (LayerSpec layer in spec.Layers)
            {
                stepsInline |= layer.Kind == LayerKindSpec.BatchNorm || IsUnrolled(layer);
            }
            if (stepsInline)
            {
                w.Line("float step = learningRate / batchSize; // η/B: the mean over the batch");
            }
        }
        else
        {
            w.Line($"{ReadOnlySpan} theta = Parameters;");
            w.Line($"{Span} grad = Gradients;");
        }
        foreach (LayerSpec layer in spec.Layers)
        {
            int l = layer.Index;
            string n = Int(layer.Units);
            switch (layer.Kind)
            {
                case LayerKindSpec.Dropout:
                    w.Line($"{Span} ba{l} = new {Span}(_ba{l}, 0, batchSize * {n}), bd{l} = new {Span}(_bd{l}, 0, batchSize * {n}), bm{l} = new {Span}(_bm{l}, 0, batchSize * {n});");
                    break;
                case LayerKindSpec.BatchNorm:
                    w.Line($"{Span} bz{l} = new {Span}(_bz{l}, 0, batchSize * {n}), ba{l} = new {Span}(_ba{l}, 0, batchSize * {n}), bd{l} = new {Span}(_bd{l}, 0, batchSize * {n}), bx{l} = new {Span}(_bx{l}, 0, batchSize * {n});");
                    break;
                default:
                    w.Line($"{Span} bz{l} = new {Span}(_bz{l}, 0, batchSize * {n}), ba{l} = new {Span}(_ba{l}, 0, batchSize * {n}), bd{l} = new {Span}(_bd{l}, 0, batchSize * {n});");
                    break;
            }
        }

        w.Line();
        w.Line("// ── Forward pass over the batch, layer by layer, keeping z⁽ˡ⁾ and a⁽ˡ⁾ of every sample ──");
        foreach (LayerSpec layer in spec.Layers)
        {
            int l = layer.Index;
            string all = l == 1 ? "inputs" : $"ba{l - 1}";
            w.Line();
            WriteLayerHeader(w, layer, l == last);
            switch (layer.Kind)
            {
                case LayerKindSpec.Dropout:
                    WriteDropoutTraining(w, layer, all, $"ba{l}", $"bm{l}");
                    break;
                case LayerKindSpec.BatchNorm:
                    w.Open("if (Training)");
                    w.Line($"{Kernels}.BatchNormKernels.TrainingForward({all}, batchSize, {Gamma(layer)}, {Beta(layer)}, {RunningMean(layer)}, {RunningVariance(layer)}, {Float(layer.Momentum)}, {Float(layer.Epsilon)}, bx{l}, _bi{l}, bz{l});");
                    w.Close();
                    w.Open("else");
                    OpenRow(w, spec, l, input: true, z: false, a: false, delta: false, previousDelta: false);
                    w.Line($"{Span} z{l} = bz{l}.Slice(b * {Int(layer.Units)}, {Int(layer.Units)});");
                    WriteBatchNormInference(w, layer, l == 1 ? "x" : $"a{l - 1}", $"z{l}");
                    w.Close();
                    w.Close();
                    WriteRowActivation(w, layer);
                    break;
                default:
                    if (!IsUnrolled(layer))
                    {
                        w.Line($"{Kernels}.DenseKernels.ForwardBatch(theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), theta.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)}), {all}, bz{l}, batchSize, {Int(layer.Units)}, {Int(layer.Inputs)});");
                        WriteBatchActivation(w, layer);
                        break;
                    }
                    OpenRow(w, spec, l, input: true, z: false, a: false, delta: false, previousDelta: false);
                    w.Line($"{Span} z{l} = bz{l}.Slice(b * {Int(layer.Units)}, {Int(layer.Units)}), a{l} = ba{l}.Slice(b * {Int(layer.Units)}, {Int(layer.Units)});");
                    WriteAffine(w, layer, l == 1 ? "x" : $"a{l - 1}", $"z{l}");
                    if (layer.Activation == ActivationKind.Identity)
                    {
                        w.Line($"z{l}.CopyTo(a{l});");
                    }
                    else
                    {
                        WriteActivation(w, layer, $"z{l}", $"a{l}");
                    }
                    w.Close();
                    break;
            }
        }

        w.Line();
        w.Line("// ── Loss and the output error δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ of every sample ──");
        w.Line("float total = 0f;");
        w.Open("for (int b = 0; b < batchSize; b++)");
        w.Line($"{ReadOnlySpan} y = targets.Slice(b * OutputSize, OutputSize);");
        DeclareRows(w, output, z: output.Kind != LayerKindSpec.Dropout, a: true, delta: true);
        WriteLoss(w, spec, loss, output);
        w.Open("if (losses.Length != 0)");
        w.Line("losses[b] = loss;");
        w.Close();
        w.Line("total += loss;");
        w.Close();

        w.Line();
        w.Line("// ── Backward pass over the batch, from the output layer down ──");
        for (int l = last; l >= 1; l--)
        {
            LayerSpec layer = spec.Layers[l - 1];
            LayerSpec? previous = l > 1 ? spec.Layers[l - 2] : null;
            w.Line();
            switch (layer.Kind)
            {
                case LayerKindSpec.Dropout:
                    if (previous is null)
                    {
                        w.Line("// Layer 1 · Dropout on the input: no parameters, nothing further to propagate.");
                        break;
                    }
                    WriteDropoutBackward(w, layer, $"bd{l}", $"bm{l}", $"bd{l - 1}");
                    WriteRowPreviousActivationBackward(w, spec, l);
                    break;
                case LayerKindSpec.BatchNorm:
                    w.Line($"// Layer {Int(l)} · BatchNorm, batch statistics: ∂L/∂β += Σᵦ δ, ∂L/∂γ += Σᵦ δ ⊙ x̂,");
                    w.Line($"//   ∂L/∂{A(l - 1)} = γ/(B·√(σ² + ε)) ⊙ (B·δ − Σᵦ δ − x̂ ⊙ Σᵦ δ ⊙ x̂)");
                    string gammaGrad = fusedSgd ? $"gradientBn{l}.Slice(0, {Int(layer.Units)})" : $"grad.Slice({Int(layer.WeightOffset)}, {Int(layer.Units)})";
                    string betaGrad = fusedSgd ? $"gradientBn{l}.Slice({Int(layer.Units)}, {Int(layer.Units)})" : $"grad.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)})";
                    if (fusedSgd)
                    {
                        w.Line($"// (fused SGD: the batch's ∂L/∂γ, ∂L/∂β go to stack scratch, computed with the old γ, then γ and β take one step)");
                        w.Line($"{Span} gradientBn{l} = stackalloc float[{Int(2 * layer.Units)}];");
                    }
                    w.Open("if (Training)");
                    w.Line($"{Kernels}.BatchNormKernels.TrainingBackward(bd{l}, bx{l}, _bi{l}, {Gamma(layer)}, batchSize, {gammaGrad}, {betaGrad}, {(previous is null ? "default" : $"bd{l - 1}")});");
                    w.Close();
                    w.Open("else");
                    OpenRow(w, spec, l, input: true, z: false, a: false, delta: true, previousDelta: previous is not null);
                    if (fusedSgd)
                    {
                        w.Line($"{Kernels}.BatchNormKernels.InferenceBackward(delta{l}, {(l == 1 ? "x" : $"a{l - 1}")}, {Gamma(layer)}, {RunningMean(layer)}, {RunningVariance(layer)}, {Float(layer.Epsilon)}, {gammaGrad}, {betaGrad}, {(previous is null ? "default" : $"delta{l - 1}")});");
                    }
                    else
                    {
                        WriteBatchNormInferenceBackward(w, layer, $"delta{l}", l == 1 ? "x" : $"a{l - 1}", previous is null ? "default" : $"delta{l - 1}");
                    }
                    w.Close();
                    w.Close();
                    if (fusedSgd)
                    {
                        w.Open($"for (int k = 0; k < {Int(layer.Units)}; k++)");
                        w.Line($"theta[{Int(layer.WeightOffset)} + k] -= step * gradientBn{l}[k];");
                        w.Line($"theta[{Int(layer.BiasOffset)} + k] -= step * gradientBn{l}[{Int(layer.Units)} + k];");
                        w.Close();
                    }
                    WriteRowPreviousActivationBackward(w, spec, l);
                    break;
                default:
                    string propagation = previous is null ? "" : previous.Kind == LayerKindSpec.Dropout ? $"        ∂L/∂{A(l - 1)} = W{Sup(l)}ᵀ·δ{Sup(l)}" : $"        δ{Sup(l - 1)} = (W{Sup(l)}ᵀ·δ{Sup(l)}) ⊙ f′(z{Sup(l - 1)})";
                    w.Line(fusedSgd
                        ? $"// Layer {Int(l)}: W{Sup(l)} ← W{Sup(l)} − (η/B)·Σᵦ δ{Sup(l)}·{A(l - 1)}ᵀ        b{Sup(l)} ← b{Sup(l)} − (η/B)·Σᵦ δ{Sup(l)}{propagation}"
                        : $"// Layer {Int(l)}: ∂L/∂W{Sup(l)} += Σᵦ δ{Sup(l)}·{A(l - 1)}ᵀ        ∂L/∂b{Sup(l)} += Σᵦ δ{Sup(l)}{propagation}");
                    string all = l == 1 ? "inputs" : $"ba{l - 1}";
                    string gradInput = previous is null ? "default" : $"bd{l - 1}";
                    if (!IsUnrolled(layer))
                    {
                        w.Line(fusedSgd
                            ? $"{Kernels}.DenseKernels.BackwardBatchSgd(theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), theta.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)}), bd{l}, {all}, {gradInput}, batchSize, {Int(layer.Units)}, {Int(layer.Inputs)}, learningRate);"
                            : $"{Kernels}.DenseKernels.BackwardBatch(theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), bd{l}, {all}, grad.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), grad.Slice({Int(layer.BiasOffset)}, {Int(layer.Units)}), {gradInput}, batchSize, {Int(layer.Units)}, {Int(layer.Inputs)});");
                        if (previous is not null)
                        {
                            WriteBatchActivationBackward(w, previous);
                        }
                        break;
                    }
                    if (fusedSgd)
                    {
                        // Every sample's δ⁽ˡ⁻¹⁾ with the old W, then the weights move once per sample term.
                        if (previous is not null)
                        {
                            OpenRow(w, spec, l, input: true, z: false, a: false, delta: true, previousDelta: true);
                            WriteUnrolledPropagationRow(w, layer, $"delta{l - 1}");
                            WriteActivationBackward(w, previous, $"delta{l - 1}");
                            w.Close();
                        }
                        OpenRow(w, spec, l, input: true, z: false, a: false, delta: true, previousDelta: false);
                        WriteUnrolledStepRow(w, layer, l == 1 ? "x" : $"a{l - 1}");
                        w.Close();
                        break;
                    }
                    OpenRow(w, spec, l, input: true, z: false, a: false, delta: true, previousDelta: previous is not null);
                    WriteUnrolledBackward(w, layer, l == 1 ? "x" : $"a{l - 1}", previous is null ? null : $"delta{l - 1}");
                    if (previous is not null)
                    {
                        WriteActivationBackward(w, previous, $"delta{l - 1}");
                    }
                    w.Close();
                    break;
            }
        }
        w.Line();
        w.Line("return total;");
        w.Close();
    }

    /// <summary>
    /// Opens <c>for (b …)</c> and declares sample b's rows: the layer's input (x or a⁽ˡ⁻¹⁾), its δ⁽ˡ⁾, and δ⁽ˡ⁻¹⁾ with z⁽ˡ⁻¹⁾
    /// (for the previous layer's f′).
    /// </summary>
    private static void OpenRow(SourceWriter w, NetworkSpec spec, int l, bool input, bool z, bool a, bool delta, bool previousDelta)
    {
        LayerSpec layer = spec.Layers[l - 1];
        w.Open("for (int b = 0; b < batchSize; b++)");
        if (input)
        {
            if (l == 1)
            {
                w.Line($"{ReadOnlySpan} x = inputs.Slice(b * InputSize, InputSize);");
            }
            else
            {
                int m = spec.Layers[l - 2].Units;
                w.Line($"{ReadOnlySpan} a{l - 1} = ba{l - 1}.Slice(b * {Int(m)}, {Int(m)});");
            }
        }
        DeclareRows(w, layer, z, a, delta);
        if (previousDelta)
        {
            LayerSpec previous = spec.Layers[l - 2];
            DeclareRows(w, previous, z: previous.Kind != LayerKindSpec.Dropout, a: false, delta: true);
        }
    }

    private static void DeclareRows(SourceWriter w, LayerSpec layer, bool z, bool a, bool delta)
    {
        int l = layer.Index;
        string n = Int(layer.Units);
        var names = new System.Collections.Generic.List<string>();
        if (z)
        {
            names.Add($"z{l} = bz{l}.Slice(b * {n}, {n})");
        }
        if (a)
        {
            names.Add($"a{l} = ba{l}.Slice(b * {n}, {n})");
        }
        if (delta)
        {
            names.Add($"delta{l} = bd{l}.Slice(b * {n}, {n})");
        }
        if (names.Count > 0)
        {
            w.Line($"{Span} {string.Join(", ", names)};");
        }
    }

    /// <summary>a⁽ˡ⁾ = f(z⁽ˡ⁾) for every sample of a batch-norm layer.</summary>
    private static void WriteRowActivation(SourceWriter w, LayerSpec layer)
    {
        int l = layer.Index;
        if (layer.Activation == ActivationKind.Identity)
        {
            w.Line($"bz{l}.CopyTo(ba{l});");
            return;
        }
        w.Open("for (int b = 0; b < batchSize; b++)");
        DeclareRows(w, layer, z: true, a: true, delta: false);
        WriteActivation(w, layer, $"z{l}", $"a{l}");
        w.Close();
    }

    /// <summary>After a whole-batch δ⁽ˡ⁻¹⁾ was written: apply the previous layer's f′ to every sample's row.</summary>
    private static void WriteRowPreviousActivationBackward(SourceWriter w, NetworkSpec spec, int l)
    {
        if (l == 1)
        {
            return;
        }
        LayerSpec previous = spec.Layers[l - 2];
        if (previous.Activation == ActivationKind.Identity)
        {
            return;
        }
        w.Line($"// {Derivative(previous.Activation, previous.NegativeSlope, previous.Index)}");
        w.Open("for (int b = 0; b < batchSize; b++)");
        DeclareRows(w, previous, z: true, a: true, delta: true);
        WriteActivationBackward(w, previous, $"delta{l - 1}");
        w.Close();
    }

    /// <summary>a⁽ˡ⁾ = f(z⁽ˡ⁾) over a whole batch: one call for element-wise activations, one per sample for softmax.</summary>
    private static void WriteBatchActivation(SourceWriter w, LayerSpec layer)
    {
        int l = layer.Index;
        if (layer.Activation == ActivationKind.Identity)
        {
            w.Line($"bz{l}.CopyTo(ba{l});");
        }
        else if (layer.Activation == ActivationKind.Softmax)
        {
            WriteRowActivation(w, layer);
        }
        else
        {
            WriteActivation(w, layer, $"bz{l}", $"ba{l}");
        }
    }

    /// <summary>δ⁽ˡ⁻¹⁾ ⊙= f′ over a whole batch (element-wise activations in one call, softmax per sample).</summary>
    private static void WriteBatchActivationBackward(SourceWriter w, LayerSpec previous)
    {
        int p = previous.Index;
        if (previous.Activation == ActivationKind.Identity || previous.Kind == LayerKindSpec.Dropout)
        {
            return;
        }
        if (previous.Activation == ActivationKind.Softmax)
        {
            w.Line($"// {Derivative(previous.Activation, previous.NegativeSlope, p)}");
            w.Open("for (int b = 0; b < batchSize; b++)");
            DeclareRows(w, previous, z: true, a: true, delta: true);
            WriteActivationBackward(w, previous, $"delta{p}");
            w.Close();
            return;
        }
        w.Open($"// {Derivative(previous.Activation, previous.NegativeSlope, p)}, element-wise over the whole batch");
        w.Line($"{Span} z{p} = bz{p}, a{p} = ba{p};");
        WriteActivationBackward(w, previous, $"bd{p}");
        w.Close();
    }

    /// <summary>One sample's δ⁽ˡ⁻¹⁾ = W⁽ˡ⁾ᵀ·δ⁽ˡ⁾ for a straight-line layer (span rows).</summary>
    private static void WriteUnrolledPropagationRow(SourceWriter w, LayerSpec layer, string gradInput)
    {
        int l = layer.Index;
        for (int i = 0; i < layer.Inputs; i++)
        {
            var line = new System.Text.StringBuilder($"{gradInput}[{Int(i)}] = ");
            for (int o = 0; o < layer.Units; o++)
            {
                line.Append(o > 0 ? " + " : "").Append($"theta[{Int(layer.WeightOffset + o * layer.Inputs + i)}] * delta{l}[{Int(o)}]");
            }
            w.Line(line.Append(';').ToString());
        }
    }

    /// <summary>One sample's term of the fused step: θ −= (η/B)·δ⁽ˡ⁾·inᵀ, b −= (η/B)·δ⁽ˡ⁾, one statement per parameter.</summary>
    private static void WriteUnrolledStepRow(SourceWriter w, LayerSpec layer, string inName)
    {
        int l = layer.Index;
        for (int o = 0; o < layer.Units; o++)
        {
            w.Line($"theta[{Int(layer.BiasOffset + o)}] -= step * delta{l}[{Int(o)}];");
            for (int i = 0; i < layer.Inputs; i++)
            {
                w.Line($"theta[{Int(layer.WeightOffset + o * layer.Inputs + i)}] -= step * (delta{l}[{Int(o)}] * {inName}[{Int(i)}]);");
            }
        }
    }
}
