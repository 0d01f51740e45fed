using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// The methods of a network with recurrent layers (issue 10; the design is in docs/architecture.md, "The streaming surface"):
/// the caller-owned <c>State</c>, <c>Step</c> (on the instance's state or the caller's), <c>ResetState</c>,
/// <c>ForwardSequence</c>, and — with a loss — <c>BackwardSequence</c> (backprop through time), <c>EvaluateSequence</c>. The
/// one-sample members of <c>INetwork</c>/<c>ITrainableNetwork</c> are sequences of one step from the zero state.
/// </summary>
/// <remarks>
/// Every path runs the layers through one private <c>StepCore</c> (inference) or <c>BackwardSequenceCore</c> (training), so
/// <c>ForwardSequence</c> ≡ <c>steps</c> × <c>Step</c> bit for bit by construction. The recurrent kernels read a packed copy of θ;
/// a read of <c>Parameters</c> and every method that writes θ set <c>_packedStale</c>, and each entry point repacks first.
/// </remarks>
internal static class StepEmitter
{
    public static void WriteStreaming(SourceWriter w, EmitContext context)
    {
        NetworkSpec spec = context.Spec;
        string span = context[Alias.Span], readOnlySpan = context[Alias.ReadOnlySpan], aligned = context[Alias.Aligned];
        string name = spec.Name;
        string layers = StreamingLayers(context);   // "recurrent layers", "causal convolutions" or both (issue 10b)
        w.Line($"// ── Streaming: one stream's state, and the {layers}' weights packed for their kernels ──");
        w.Line();
        w.Line($"/// <summary>Floats of one stream's <see cref=\"State\"/>: {StateContents(context)}, layer after layer.</summary>");
        w.Line($"public const int StateCount = {Int(spec.StateCount)};");
        w.Line("int global::NetGen.IStreamingNetwork.StateCount => StateCount;");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The state of one stream, a fixed-size value the caller owns (<c>default</c> is the zero state). Pass it to");
        w.Line("/// <see cref=\"Step(ref State, " + "global::System.ReadOnlySpan{float}, global::System.Span{float})\"/> to run many streams (voices, channels, sensors)");
        w.Line("/// on one network: those steps only read the parameters, so threads may share the network, one state each.");
        w.Line("/// </summary>");
        w.Line("[global::System.Runtime.CompilerServices.InlineArray(StateCount)]");
        w.Open("public struct State");
        w.Line("private float _element;");
        w.Close();
        w.Line();
        w.Line("// The instance's own stream (Step(input, output), ResetState).");
        w.Line("private State _state;");
        w.Line(layers == "recurrent layers"
            ? "// θ of the recurrent layers packed for RecurrentKernels (gate columns fused), and whether θ changed since the last"
            : $"// θ of the {layers} packed for their kernels ({(layers == "causal convolutions" ? "" : "gate columns fused, ")}b then W as [c·k + u, f]), and whether θ changed since the last");
        w.Line("// packing: every read of Parameters and every method that writes θ sets it; Step and the sequence methods repack first.");
        w.Line($"private readonly float[] _packed = {aligned}.Allocate({Int(spec.PackedCount)});");
        w.Line("private volatile bool _packedStale = true;");
        w.Line();

        bool z = context.Output.SequenceKeepsZ;
        string zName = $"z{context.Output.Index}";
        string zDeclare = $"{span} {zName} = stackalloc float[OutputSize];";
        string zArgument = z ? $", {zName}" : "";

        w.Line("/// <summary>Sets the instance's own stream back to the zero state.</summary>");
        w.Line("public void ResetState() => _state = default;");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Advances the instance's own stream one time step: one input frame in, one output frame out. Allocates nothing.");
        w.Line("/// One stream per instance; for several, keep a <see cref=\"State\"/> each and call the overload that takes it.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"input\">The frame x, <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"output\">Receives ŷ, <see cref=\"OutputSize\"/> values.</param>");
        w.Line($"public void Step({readOnlySpan} input, {span} output) => Step(ref _state, input, output);");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Advances the stream whose state is <paramref name=\"state\"/> one time step. The parameters are only read, so one network");
        w.Line("/// serves any number of streams and threads, each with its own state. Allocates nothing.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"state\">The stream's state, updated in place.</param>");
        w.Line("/// <param name=\"input\">The frame x, <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"output\">Receives ŷ, <see cref=\"OutputSize\"/> values.</param>");
        w.Open($"public void Step(ref State state, {readOnlySpan} input, {span} output)");
        MembersEmitter.WriteGuards(w, context, "input", "output");
        WriteRepackCheck(w);
        if (z)
        {
            w.Line(zDeclare);
        }
        w.Line($"StepCore(ref state, input, output{zArgument});");
        w.Close();
        w.Line();

        w.Line("/// <summary>");
        w.Line("/// A whole sequence from the zero state (row-major, step after step): <paramref name=\"steps\"/> calls of <c>Step</c> after");
        w.Line("/// <see cref=\"ResetState\"/>, bit for bit, on a state of its own (the instance's stream is left alone). Thread-safe.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"inputs\">steps × <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"outputs\">Receives steps × <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <param name=\"steps\">Time steps, at least 0.</param>");
        w.Open($"public void ForwardSequence({readOnlySpan} inputs, {span} outputs, int steps)");
        w.Line($"{context[Alias.Guard]}.Sequence(inputs.Length, outputs.Length, nameof(outputs), steps, 0, InputSize, OutputSize, \"{name}\");");
        WriteRepackCheck(w);
        w.Line("State state = default;");
        if (z)
        {
            w.Line(zDeclare);
        }
        w.Open("for (int t = 0; t < steps; t++)");
        w.Line($"StepCore(ref state, inputs.Slice(t * InputSize, InputSize), outputs.Slice(t * OutputSize, OutputSize){zArgument});");
        w.Close();
        w.Close();
        w.Line();

        w.Line("/// <summary>");
        w.Line("/// One input, one output, no state: a sequence of one step from the zero state (as <c>ForwardSequence</c> with steps = 1).");
        w.Line("/// For a stream use <c>Step</c>. Allocates nothing; thread-safe.");
        w.Line("/// </summary>");
        w.Open($"public void Forward({readOnlySpan} input, {span} output)");
        MembersEmitter.WriteGuards(w, context, "input", "output");
        WriteRepackCheck(w);
        w.Line("State state = default;");
        if (z)
        {
            w.Line(zDeclare);
        }
        w.Line($"StepCore(ref state, input, output{zArgument});");
        w.Close();
        w.Line();

        w.Line("/// <summary>Each row through <see cref=\"Forward\"/>: a batch of one-step sequences from the zero state.</summary>");
        w.Open($"public void ForwardBatch({readOnlySpan} inputs, {span} outputs, int batchSize)");
        w.Line("global::System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);");
        w.Line($"{context[Alias.Guard]}.Length(inputs.Length, batchSize * InputSize, nameof(inputs), \"{name}\", \"InputSize × batchSize\");");
        w.Line($"{context[Alias.Guard]}.Length(outputs.Length, batchSize * OutputSize, nameof(outputs), \"{name}\", \"OutputSize × batchSize\");");
        WriteRepackCheck(w);
        if (z)
        {
            w.Line(zDeclare);
        }
        w.Open("for (int b = 0; b < batchSize; b++)");
        w.Line("State state = default;");
        w.Line($"StepCore(ref state, inputs.Slice(b * InputSize, InputSize), outputs.Slice(b * OutputSize, OutputSize){zArgument});");
        w.Close();
        w.Close();
        w.Line();

        // The one time step every inference path runs.
        SourceWriter body = w.Child(1);
        foreach (LayerEmitter layer in context.Layers)
        {
            layer.WriteTimeStep(body);
        }
        w.Line($"/// <summary>One time step through every layer: x → ŷ, the {layers}' state in <paramref name=\"state\"/>.</summary>");
        w.Open($"private void StepCore(ref State state, {readOnlySpan} x, {span} output{(z ? $", {span} {zName}" : "")})");
        WriteLocals(w, context, body);
        w.Line($"{span} s = state;");
        w.Append(body);
        w.Close();
        w.Line();

        SourceWriter pack = w.Child(1);
        foreach (LayerEmitter layer in context.Layers)
        {
            layer.WritePack(pack);
        }
        w.Line($"/// <summary>Packs the {layers}' θ for their kernels, then clears the stale flag (after the copy is complete).</summary>");
        w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
        w.Open("private void Repack()");
        w.Line($"{readOnlySpan} theta = {aligned}.Span(_parameters, ParameterCount);");
        w.Line($"{span} packed = _packed;");
        w.Append(pack);
        w.Line("_packedStale = false;");
        w.Close();
    }

    public static void WriteTraining(SourceWriter w, EmitContext context)
    {
        NetworkSpec spec = context.Spec;
        string span = context[Alias.Span], readOnlySpan = context[Alias.ReadOnlySpan], aligned = context[Alias.Aligned], guard = context[Alias.Guard];
        string name = spec.Name;
        LayerEmitter output = context.Output;
        int l = output.Index;
        bool z = output.SequenceKeepsZ;
        bool mean = spec.Reduction == ReductionKind.Mean;
        string gradients = $"{aligned}.Span(_gradients, ParameterCount)";

        w.Line();
        w.Line("// ── Training through time ──");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Backpropagation through time over one sequence from the zero state: adds ∂L/∂θ to <see cref=\"Gradients\"/> and returns L,");
        w.Line(mean
            ? "/// the mean over the steps of the per-step loss (PyTorch's reduction='mean' over [steps, OutputSize] for element-wise losses)."
            : "/// the sum over the steps of the per-step loss (Reduction.Sum).");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"inputs\">steps × <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"targets\">steps × <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <param name=\"steps\">Time steps, at least 1.</param>");
        w.Open($"public float BackwardSequence({readOnlySpan} inputs, {readOnlySpan} targets, int steps)");
        w.Line("State state = default;");
        w.Line("return BackwardSequence(ref state, inputs, targets, steps);");
        w.Close();
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Truncated backpropagation through time over one window of a longer series: starts from <paramref name=\"state\"/> (held");
        w.Line("/// constant: no gradient flows into it), adds ∂L/∂θ to <see cref=\"Gradients\"/>, returns the window's L and leaves the");
        w.Line("/// window's final state in <paramref name=\"state\"/>, so that the next window continues the stream.");
        w.Line("/// </summary>");
        w.Open($"public float BackwardSequence(ref State state, {readOnlySpan} inputs, {readOnlySpan} targets, int steps)");
        w.Line($"{guard}.Sequence(inputs.Length, targets.Length, nameof(targets), steps, 1, InputSize, OutputSize, \"{name}\");");
        WriteRepackCheck(w);
        w.Line($"return BackwardSequenceCore(ref state, inputs, targets, steps, {gradients});");
        w.Close();
        w.Line();

        w.Line("/// <summary>The loss of <c>BackwardSequence</c> without gradients; writes the outputs as <c>ForwardSequence</c>. Thread-safe.</summary>");
        w.Open($"public float EvaluateSequence({readOnlySpan} inputs, {readOnlySpan} targets, {span} outputs, int steps)");
        w.Line($"{guard}.Sequence(inputs.Length, targets.Length, nameof(targets), steps, 1, InputSize, OutputSize, \"{name}\");");
        w.Line($"{guard}.Length(outputs.Length, steps * OutputSize, nameof(outputs), \"{name}\", \"OutputSize × steps\");");
        WriteRepackCheck(w);
        w.Line("State state = default;");
        w.Line("float total = 0f;");
        w.Open("for (int t = 0; t < steps; t++)");
        w.Line("total += EvaluateCore(ref state, inputs.Slice(t * InputSize, InputSize), targets.Slice(t * OutputSize, OutputSize), outputs.Slice(t * OutputSize, OutputSize));");
        w.Close();
        w.Line(mean ? "return total / steps;" : "return total;");
        w.Close();
        w.Line();

        w.Line("/// <inheritdoc/>");
        w.Open($"public float Evaluate({readOnlySpan} input, {readOnlySpan} target, {span} output)");
        MembersEmitter.WriteGuards(w, context, "input", "output");
        w.Line($"{guard}.Length(target.Length, OutputSize, nameof(target), \"{name}\", nameof(OutputSize));");
        WriteRepackCheck(w);
        w.Line("State state = default;");
        w.Line("return EvaluateCore(ref state, input, target, output);");
        w.Close();
        w.Line();

        w.Line("/// <summary>One step of the stream, then its loss against <paramref name=\"y\"/>.</summary>");
        w.Open($"private float EvaluateCore(ref State state, {readOnlySpan} x, {readOnlySpan} y, {span} output)");
        if (z)
        {
            w.Line($"{span} z{l} = stackalloc float[OutputSize];");
        }
        w.Line($"StepCore(ref state, x, output{(z ? $", z{l}" : "")});");
        w.Line($"{span} a{l} = output, delta{l} = stackalloc float[OutputSize];");
        context.Loss!.Write(w, scalar: false);
        w.Line("return loss;");
        w.Close();
        w.Line();

        w.Line("/// <inheritdoc/>");
        w.Open($"public float Backward({readOnlySpan} input, {readOnlySpan} target)");
        MembersEmitter.WriteGuards(w, context, "input");
        w.Line($"{guard}.Length(target.Length, OutputSize, nameof(target), \"{name}\", nameof(OutputSize));");
        WriteRepackCheck(w);
        w.Line("State state = default;");
        w.Line($"return BackwardSequenceCore(ref state, input, target, 1, {gradients});");
        w.Close();
        w.Line();

        w.Line("/// <inheritdoc/>");
        w.Open($"public float BackwardBatch({readOnlySpan} inputs, {readOnlySpan} targets, int batchSize, {span} losses = default)");
        w.Line($"{guard}.Batch(inputs.Length, targets.Length, losses.Length, batchSize, InputSize, OutputSize, \"{name}\");");
        WriteRepackCheck(w);
        w.Line($"return BatchCore(inputs, targets, batchSize, losses, {gradients});");
        w.Close();
        w.Line();

        w.Line("/// <inheritdoc/>");
        w.Open($"public float TrainStep({readOnlySpan} input, {readOnlySpan} target, float learningRate)");
        w.Line($"{guard}.LearningRate(learningRate);");
        MembersEmitter.WriteGuards(w, context, "input");
        w.Line($"{guard}.Length(target.Length, OutputSize, nameof(target), \"{name}\", nameof(OutputSize));");
        WriteRepackCheck(w);
        w.Line("// ∂L/∂θ into the workspace (Gradients is neither read nor written), then θ ← θ − η·∂L/∂θ.");
        w.Line($"{span} g = {context.FixedBuffer("g")};");
        w.Line("g.Clear();");
        w.Line("State state = default;");
        w.Line("float loss = BackwardSequenceCore(ref state, input, target, 1, g);");
        w.Line("Descend(g, learningRate, loss, nameof(TrainStep));");
        w.Line("return loss;");
        w.Close();
        w.Line();

        w.Line("/// <inheritdoc/>");
        w.Open($"public float TrainStepBatch({readOnlySpan} inputs, {readOnlySpan} targets, int batchSize, float learningRate, {span} losses = default)");
        w.Line($"{guard}.LearningRate(learningRate);");
        w.Line($"{guard}.Batch(inputs.Length, targets.Length, losses.Length, batchSize, InputSize, OutputSize, \"{name}\");");
        WriteRepackCheck(w);
        w.Line($"{span} g = {context.FixedBuffer("g")};");
        w.Line("g.Clear();");
        w.Line("float sum = BatchCore(inputs, targets, batchSize, losses, g);");
        w.Line("Descend(g, learningRate / batchSize, sum, nameof(TrainStepBatch));");
        w.Line("return sum;");
        w.Close();
        w.Line();

        w.Line("/// <summary>Every row a one-step sequence from the zero state: ∂L/∂θ summed into <paramref name=\"grad\"/>, the losses summed.</summary>");
        w.Open($"private float BatchCore({readOnlySpan} inputs, {readOnlySpan} targets, int batchSize, {span} losses, {span} grad)");
        w.Line("float sum = 0f;");
        w.Open("for (int b = 0; b < batchSize; b++)");
        w.Line("State state = default;");
        w.Line("float loss = BackwardSequenceCore(ref state, inputs.Slice(b * InputSize, InputSize), targets.Slice(b * OutputSize, OutputSize), 1, grad);");
        w.Open("if (!losses.IsEmpty)");
        w.Line("losses[b] = loss;");
        w.Close();
        w.Line("sum += loss;");
        w.Close();
        w.Line("return sum;");
        w.Close();
        w.Line();

        w.Line("/// <summary>θ ← θ − η·g unless it would make a parameter NaN/±∞ (then θ is untouched and NonFiniteException names it); the packed weights are then stale.</summary>");
        w.Open($"private void Descend({span} g, float learningRate, float loss, string method)");
        w.Line("// One pass writes every θᵢ − η·gᵢ into g (a scratch buffer) and checks that all are finite; only then is g copied to θ.");
        w.Line($"global::NetGen.StepGuard.Descend(this, method, {aligned}.Span(_parameters, ParameterCount), g, learningRate, loss);");
        w.Line("_packedStale = true;");
        w.Close();
        w.Line();

        WriteBackwardCore(w, context);
    }

    private static void WriteBackwardCore(SourceWriter w, EmitContext context)
    {
        NetworkSpec spec = context.Spec;
        string span = context[Alias.Span], readOnlySpan = context[Alias.ReadOnlySpan];
        LayerEmitter output = context.Output;
        int l = output.Index;
        bool mean = spec.Reduction == ReductionKind.Mean;

        SourceWriter body = w.Child(1);
        body.Line("// ── Forward through the sequence, recording what backprop through time reads ──");
        body.Line();
        foreach (LayerEmitter layer in context.Layers)
        {
            layer.WriteSequenceRecord(body);
            body.Line();
        }
        body.Line($"// ── The loss at every step t, with δ{Sup(l)}ₜ = ∂Lₜ/∂z{Sup(l)}ₜ ──");
        body.Line("float total = 0f;");
        body.Open("for (int t = 0; t < steps; t++)");
        string o = "OutputSize";
        body.Line($"{readOnlySpan} y = targets.Slice(t * {o}, {o});");
        body.Line($"{readOnlySpan} a{l} = sa{l}.Slice(t * {o}, {o});");
        body.Line($"{span} {(output.SequenceKeepsZ ? $"z{l} = sz{l}.Slice(t * {o}, {o}), " : "")}delta{l} = sd{l}.Slice(t * {o}, {o});");
        context.Loss!.Write(body, scalar: false);
        body.Line("total += loss;");
        body.Close();
        if (mean)
        {
            body.Line($"// L = (1/steps)·Σₜ Lₜ (the mean over the steps), so every δ{Sup(l)}ₜ carries 1/steps.");
            body.Line("float perStep = 1f / steps;");
            body.Open($"foreach (ref float d in sd{l})");
            body.Line("d *= perStep;");
            body.Close();
        }
        else
        {
            body.Line("// L = Σₜ Lₜ (Reduction.Sum).");
        }
        body.Line();
        body.Line("// ── Backward, layer by layer from the top, each over the whole sequence ──");
        body.Line();
        for (int i = context.Layers.Count - 1; i >= 0; i--)
        {
            context.Layers[i].WriteSequenceBackward(body);
        }
        body.Line(mean ? "return total * perStep;" : "return total;");

        w.Line("/// <summary>");
        w.Line("/// Backprop through time over <paramref name=\"steps\"/> from <paramref name=\"state\"/> (which ends as the final state): records the");
        w.Line("/// forward pass, computes the loss per step, back-propagates and adds ∂L/∂θ into <paramref name=\"grad\"/>; returns L.");
        w.Line("/// </summary>");
        w.Open($"private float BackwardSequenceCore(ref State state, {readOnlySpan} inputs, {readOnlySpan} targets, int steps, {span} grad)");
        w.Line("_workspace.EnsureBatch(steps);");
        WriteLocals(w, context, body);
        w.Line($"{span} s = state;");
        foreach (LayerEmitter layer in context.Layers)
        {
            foreach ((string buffer, int _) in layer.SequenceFixedBuffers())
            {
                w.Line($"{span} {buffer} = {context.FixedBuffer(buffer)};");
            }
            foreach ((string buffer, int _) in layer.SequenceBuffers())
            {
                w.Line($"{span} {buffer} = {context.SequenceBuffer(buffer)};");
            }
        }
        w.Append(body);
        w.Close();
    }

    /// <summary>θ and the packed weights as read-only spans, declared when the body uses them.</summary>
    private static void WriteLocals(SourceWriter w, EmitContext context, SourceWriter body)
    {
        if (body.Mentions("theta"))
        {
            w.Line($"{context[Alias.ReadOnlySpan]} theta = {context[Alias.Aligned]}.Span(_parameters, ParameterCount);");
        }
        if (body.Mentions("packed"))
        {
            w.Line($"{context[Alias.ReadOnlySpan]} packed = _packed;");
        }
    }

    /// <summary>What keeps state in this network, for the comments: "recurrent layers", "causal convolutions" or both.</summary>
    internal static string StreamingLayers(EmitContext context)
    {
        bool recurrent = false, convolutions = false;
        foreach (LayerEmitter layer in context.Layers)
        {
            recurrent |= layer is RecurrentEmitter;
            convolutions |= layer is CausalConv1DEmitter;
        }
        return convolutions ? (recurrent ? "recurrent layers and causal convolutions" : "causal convolutions") : "recurrent layers";
    }

    private static string StateContents(EmitContext context) => StreamingLayers(context) switch
    {
        "recurrent layers" => "every recurrent layer's h (and an LSTM's c)",
        "causal convolutions" => "every causal convolution's last (k − 1)·d input frames and ring position",
        _ => "every recurrent layer's h (and an LSTM's c) and every causal convolution's last (k − 1)·d input frames and ring position",
    };

    private static void WriteRepackCheck(SourceWriter w)
    {
        w.Open("if (_packedStale)");
        w.Line("Repack();");
        w.Close();
    }
}
