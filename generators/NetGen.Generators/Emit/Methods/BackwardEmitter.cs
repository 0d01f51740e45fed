using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// One sample's training methods: RecordForward (the forward pass that keeps z⁽ˡ⁾ and a⁽ˡ⁾, written once and shared),
/// Evaluate, Backward (adds ∂L/∂θ to the gradients) and TrainStep (the same backprop with a plain SGD update fused in, so
/// each parameter is read and written once): δ layer by layer from the output down.
/// </summary>
internal static class BackwardEmitter
{
    private const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";

    /// <summary>The private forward pass that Evaluate, Backward and TrainStep share: its records are out locals or spans.</summary>
    public static void WriteRecordForward(SourceWriter w, EmitContext context)
    {
        SourceWriter body = w.Child(1);
        foreach (LayerEmitter layer in context.Layers)
        {
            body.Line();
            layer.WriteRecord(body);
        }
        var parameters = new List<string> { $"{context[Alias.ReadOnlySpan]} x" };
        if (body.Mentions("training"))
        {
            parameters.Add("bool training");
        }
        foreach (LayerEmitter layer in context.Layers)
        {
            foreach (Record record in layer.Records)
            {
                parameters.Add(record.Type is null ? $"{context[Alias.Span]} {record.Name}" : $"out {record.Type} {record.Name}");
            }
        }
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The forward pass kept for backprop: z⁽ˡ⁾ = W⁽ˡ⁾·a⁽ˡ⁻¹⁾ + b⁽ˡ⁾ and a⁽ˡ⁾ = f(z⁽ˡ⁾) layer by layer, each recorded (in registers when it");
        w.Line("/// fits one, else in the span the caller passes). Evaluate, Backward and TrainStep call it.");
        w.Line("/// </summary>");
        w.Line(Inline);
        w.Open($"private void RecordForward({string.Join(", ", parameters)})");
        if (body.Mentions("theta"))
        {
            w.Line($"{context[Alias.ReadOnlySpan]} theta = Parameters;");
        }
        w.Append(body);
        w.Close();
    }

    /// <summary>The arguments of a RecordForward call: a record is passed when <paramref name="pass"/> says so, else discarded.</summary>
    private static string RecordCall(EmitContext context, string training, System.Func<Record, string> pass, bool needsTraining)
    {
        var arguments = new List<string> { "input" };
        if (needsTraining)
        {
            arguments.Add(training);
        }
        foreach (LayerEmitter layer in context.Layers)
        {
            foreach (Record record in layer.Records)
            {
                arguments.Add(pass(record));
            }
        }
        return $"RecordForward({string.Join(", ", arguments)});";
    }

    private static bool RecordNeedsTraining(EmitContext context)
    {
        var probe = new SourceWriter();
        foreach (LayerEmitter layer in context.Layers)
        {
            layer.WriteRecord(probe);
        }
        return probe.Mentions("training");
    }

    public static void WriteEvaluate(SourceWriter w, EmitContext context)
    {
        LayerEmitter output = context.Output;
        int last = output.Index;
        bool scalar = context.RecordForm(output) == Form.Scalar;
        SourceWriter loss = w.Child(1);
        loss.Line("// ── Loss (its value only; δ⁽ᴸ⁾ goes to scratch) ──");
        context.Loss!.Write(loss, scalar, evaluate: true);
        loss.Line("return loss;");

        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Open($"public float Evaluate({context[Alias.ReadOnlySpan]} input, {context[Alias.ReadOnlySpan]} target, {context[Alias.Span]} output)");
        MembersEmitter.WriteGuards(w, context, "input", "target", "output");
        // The output layer's records that the loss reads: ŷ = a⁽ᴸ⁾ is written straight into output.
        var outputSpans = new List<string>();
        foreach (Record record in output.Records)
        {
            if (record.Type is null && record.Name == $"a{last}")
            {
                outputSpans.Add($"{record.Name} = output");
            }
            else if (record.Type is null && loss.Mentions(record.Name))
            {
                outputSpans.Add($"{record.Name} = stackalloc float[{Int(record.Length)}]");
            }
        }
        if (outputSpans.Count > 0)
        {
            w.Line($"{context[Alias.Span]} {string.Join(", ", outputSpans)};");
        }
        w.Line("// Inference: the forward pass with Training off (dropout is the identity, batch norm uses its running statistics).");
        w.Line(RecordCall(context, "false", record =>
        {
            bool mine = System.Linq.Enumerable.Contains(output.Records, record);
            if (mine && (record.Name == $"a{last}" || loss.Mentions(record.Name)))
            {
                return record.Type is null ? record.Name : $"out {record.Type} {record.Name}";
            }
            return record.Type is null ? $"stackalloc float[{Int(record.Length)}]" : "out _";
        }, RecordNeedsTraining(context)));
        if (context.RecordForm(output) != Form.Span)
        {
            if (scalar)
            {
                w.Line($"output[0] = a{last};");
            }
            else if (output.Units == EmitContext.LanesWidth(output.Units))
            {
                w.Line($"{context.Vector(output.Units)}.CopyTo(a{last}, output);");
            }
            else
            {
                for (int o = 0; o < output.Units; o++)
                {
                    w.Line($"output[{Int(o)}] = a{last}[{Int(o)}];");
                }
            }
        }
        if (loss.Mentions("y"))
        {
            w.Line($"{context[Alias.ReadOnlySpan]} y = target;");
        }
        w.Append(loss);
        w.Close();
    }

    public static void WriteBackward(SourceWriter w, EmitContext context)
    {
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Open($"public float Backward({context[Alias.ReadOnlySpan]} input, {context[Alias.ReadOnlySpan]} target)");
        WriteBackpropBody(w, context, fusedSgd: false);
        w.Close();

        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Open($"public float TrainStep({context[Alias.ReadOnlySpan]} input, {context[Alias.ReadOnlySpan]} target, float learningRate)");
        WriteBackpropBody(w, context, fusedSgd: true);
        w.Close();
    }

    private static void WriteBackpropBody(SourceWriter w, EmitContext context, bool fusedSgd)
    {
        LayerEmitter output = context.Output;
        SourceWriter body = w.Child();
        body.Line();
        body.Line("// ── Loss and the output error δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ ──");
        context.Loss!.Write(body, scalar: context.RecordForm(output) == Form.Scalar);
        body.Line();
        body.Line(fusedSgd
            ? "// ── Backward pass fused with SGD: δ⁽ˡ⁻¹⁾ = (W⁽ˡ⁾ᵀ·δ⁽ˡ⁾) ⊙ f′(z⁽ˡ⁻¹⁾) with the old W⁽ˡ⁾, then W⁽ˡ⁾ ← W⁽ˡ⁾ − η·δ⁽ˡ⁾·a⁽ˡ⁻¹⁾ᵀ, b⁽ˡ⁾ ← b⁽ˡ⁾ − η·δ⁽ˡ⁾ ──"
            : "// ── Backward pass: ∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾·a⁽ˡ⁻¹⁾ᵀ, ∂L/∂b⁽ˡ⁾ = δ⁽ˡ⁾, δ⁽ˡ⁻¹⁾ = (W⁽ˡ⁾ᵀ·δ⁽ˡ⁾) ⊙ f′(z⁽ˡ⁻¹⁾) ──");
        for (int l = context.Layers.Count; l >= 1; l--)
        {
            body.Line();
            context.Layers[l - 1].WriteBackward(body, fusedSgd);
        }
        body.Line();
        body.Line("return loss;");

        MembersEmitter.WriteGuards(w, context, "input", "target");
        if (fusedSgd)
        {
            w.Line($"{context[Alias.Guard]}.LearningRate(learningRate);");
        }
        foreach (LayerEmitter layer in context.Layers)
        {
            if (layer.BatchRequirement is { } requirement)
            {
                w.Open("if (Training)");
                w.Line($"throw new global::System.InvalidOperationException(\"{context.Spec.Name} has {requirement}: call BackwardBatch with at least 2 samples, or set Training = false for inference-mode gradients.\");");
                w.Close();
                break;
            }
        }
        foreach (LayerEmitter layer in context.Layers)
        {
            var spans = new List<string>();
            foreach ((string name, int _) in layer.FixedBuffers())
            {
                bool record = false;
                foreach (Record r in layer.Records)
                {
                    record |= r.Name == name;
                }
                if (record || body.Mentions(name))
                {
                    spans.Add($"{name} = {context.FixedBuffer(name)}");
                }
            }
            if (spans.Count > 0)
            {
                w.Line($"{context[Alias.Span]} {string.Join(", ", spans)};");
            }
        }
        w.Line("// Forward pass, keeping z⁽ˡ⁾ and a⁽ˡ⁾ for backprop");
        w.Line(RecordCall(context, "Training", record =>
            record.Type is null ? record.Name : body.Mentions(record.Name) ? $"out {record.Type} {record.Name}" : "out _", RecordNeedsTraining(context)));
        if (body.Mentions("theta") || body.Mentions("grad"))
        {
            w.Line("// θ and ∂L/∂θ as spans whose length is the constant ParameterCount: no bounds checks on constant indices.");
        }
        if (body.Mentions("theta"))
        {
            w.Line($"{context[fusedSgd ? Alias.Span : Alias.ReadOnlySpan]} theta = Parameters;");
        }
        if (body.Mentions("grad"))
        {
            w.Line($"{context[Alias.Span]} grad = Gradients;");
        }
        if (body.Mentions("x"))
        {
            w.Line($"{context[Alias.ReadOnlySpan]} x = input;");
        }
        if (body.Mentions("y"))
        {
            w.Line($"{context[Alias.ReadOnlySpan]} y = target;");
        }
        w.Append(body);
    }
}
