using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// One sample's training methods. RecordForward is the forward pass that keeps z⁽ˡ⁾ and a⁽ˡ⁾ and ends in the loss and δ⁽ᴸ⁾,
/// written once: Evaluate keeps only ŷ and L, Backprop goes on from δ⁽ᴸ⁾ down to layer 1. Backprop is generic over what
/// happens to each ∂L/∂θ (NetGen.IParameterStep): Backward adds it to the gradients, TrainStep takes a fused SGD step.
/// </summary>
internal static class BackwardEmitter
{
    public const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";

    /// <summary>
    /// On the public one-sample methods, whose bodies are a call of an inlined pass: compiled as one method each, as a caller's
    /// loop would otherwise inline the whole pass into itself, where measurements show it running up to twice as slow.
    /// </summary>
    public const string NoInline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]";

    /// <summary>The parameter that receives δ⁽ᴸ⁾: an out float for a one-unit register output, else a span.</summary>
    private static Record OutputError(EmitContext context)
    {
        LayerEmitter output = context.Output;
        return new Record($"delta{output.Index}", context.RecordForm(output) == Form.Scalar ? "float" : null, output.Units);
    }

    /// <summary>Every record RecordForward fills, in parameter order: the layers' records, then δ⁽ᴸ⁾.</summary>
    private static IEnumerable<Record> AllRecords(EmitContext context)
    {
        foreach (LayerEmitter layer in context.Layers)
        {
            foreach (Record record in layer.Records)
            {
                yield return record;
            }
        }
        yield return OutputError(context);
    }

    private static SourceWriter RecordBody(SourceWriter w, EmitContext context)
    {
        SourceWriter body = w.Child(1);
        foreach (LayerEmitter layer in context.Layers)
        {
            body.Line();
            layer.WriteRecord(body);
        }
        body.Line();
        body.Line("// ── Loss and the output error δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ ──");
        context.Loss!.Write(body, scalar: context.RecordForm(context.Output) == Form.Scalar);
        body.Line("return loss;");
        return body;
    }

    /// <summary>The forward pass that Evaluate, Backward and TrainStep share: its records are out locals or spans.</summary>
    public static void WriteRecordForward(SourceWriter w, EmitContext context)
    {
        SourceWriter body = RecordBody(w, context);
        var parameters = new List<string> { $"{context[Alias.ReadOnlySpan]} x", $"{context[Alias.ReadOnlySpan]} y" };
        if (context.RecordUsesTraining)
        {
            parameters.Add("bool training");
        }
        foreach (Record record in AllRecords(context))
        {
            parameters.Add(record.Type is null ? $"{context[Alias.Span]} {record.Name}" : $"out {record.Type} {record.Name}");
        }
        w.Line();
        w.Line("/// <summary>The forward pass kept for backprop (z⁽ˡ⁾, a⁽ˡ⁾ in registers or the caller's spans), then L (returned) and δ⁽ᴸ⁾.</summary>");
        w.Line(Inline);
        w.Open($"private float RecordForward({string.Join(", ", parameters)})");
        string guard = context[Alias.Guard];
        w.Line($"{guard}.Length(x.Length, InputSize, \"input\", \"{context.Spec.Name}\", nameof(InputSize));");
        w.Line($"{guard}.Length(y.Length, OutputSize, \"target\", \"{context.Spec.Name}\", nameof(OutputSize));");
        if (body.Mentions("theta"))
        {
            context.WriteThetaToRead(w);
        }
        w.Append(body);
        w.Close();
    }

    /// <summary>A RecordForward call: <paramref name="pass"/> gives each record's argument.</summary>
    private static string RecordCall(EmitContext context, string x, string y, string training, System.Func<Record, string> pass)
    {
        var arguments = new List<string> { x, y };
        if (context.RecordUsesTraining)
        {
            arguments.Add(training);
        }
        foreach (Record record in AllRecords(context))
        {
            arguments.Add(pass(record));
        }
        return $"RecordForward({string.Join(", ", arguments)})";
    }

    public static void WriteEvaluate(SourceWriter w, EmitContext context)
    {
        LayerEmitter output = context.Output;
        string a = $"a{output.Index}";
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line(NoInline);
        w.Open($"public float Evaluate({context[Alias.ReadOnlySpan]} input, {context[Alias.ReadOnlySpan]} target, {context[Alias.Span]} output)");
        MembersEmitter.WriteGuards(w, context, "output");
        w.Line("// The recorded forward pass in inference mode (Training off); only ŷ and L are kept.");
        bool register = context.RecordForm(output) != Form.Span;
        w.Line($"float loss = {RecordCall(context, "input", "target", "false", record =>
            record.Name == a ? (register ? $"out {record.Type} {a}" : "output")
            : record.Type is null ? $"stackalloc float[{Int(record.Length)}]" : "out _")};");
        if (register)
        {
            w.Line($"output[0] = {a};");
        }
        w.Line("return loss;");
        w.Close();
    }

    public static void WriteBackward(SourceWriter w, EmitContext context)
    {
        string readOnlySpan = context[Alias.ReadOnlySpan];
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line(NoInline);
        w.Line($"public float Backward({readOnlySpan} input, {readOnlySpan} target) => Backprop(input, target, new global::NetGen.AddGradient());");
        w.Line("/// <inheritdoc/>");
        w.Line(NoInline);
        w.Line($"public float TrainStep({readOnlySpan} input, {readOnlySpan} target, float learningRate) => Backprop(input, target, new global::NetGen.SgdStep(learningRate));");

        SourceWriter body = w.Child(1);
        body.Line();
        body.Line("// ── Backward pass: δ⁽ˡ⁻¹⁾ = (W⁽ˡ⁾ᵀ·δ⁽ˡ⁾) ⊙ f′(z⁽ˡ⁻¹⁾) for every layer with θ as it was; ∂L/∂W⁽ˡ⁾ = δ⁽ˡ⁾·a⁽ˡ⁻¹⁾ᵀ, ∂L/∂b⁽ˡ⁾ = δ⁽ˡ⁾ into step after the guard ──");
        for (int l = context.Layers.Count; l >= 1; l--)
        {
            body.Line();
            context.Layers[l - 1].WriteBackward(body);
        }
        bool guarded = context.Spec.ParameterCount > 0;
        if (guarded)
        {
            StepGuardEmitter.WriteCheck(body, context, batch: false);
            body.Line();
            body.Line("// ── The parameters' terms: ∂L/∂θ added (Backward) or θ ← θ − η·∂L/∂θ (TrainStep) ──");
            for (int l = context.Layers.Count; l >= 1; l--)
            {
                if (context.Layers[l - 1].Model.ParameterCount > 0)
                {
                    body.Line();
                    context.Layers[l - 1].WriteStep(body);
                }
            }
            StepGuardEmitter.WriteAfterStep(body, context, batch: false, "TrainStep", "loss");
        }
        body.Line();
        body.Line("return loss;");

        w.Line();
        w.Line("/// <summary>Backprop for one sample: each ∂L/∂θ goes to <paramref name=\"step\"/>: added into ∂L/∂θ (Backward), or θ ← θ − η·∂L/∂θ (TrainStep).</summary>");
        w.Line(Inline);
        w.Open($"private float Backprop<TStep>({readOnlySpan} x, {readOnlySpan} y, TStep step) where TStep : struct, global::NetGen.IParameterStep");
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
        var records = new HashSet<string>();
        foreach (Record record in AllRecords(context))
        {
            records.Add(record.Name);
        }
        foreach (LayerEmitter layer in context.Layers)
        {
            var spans = new List<string>();
            foreach ((string name, int _) in layer.FixedBuffers())
            {
                if (records.Contains(name) || body.Mentions(name))
                {
                    spans.Add($"{name} = {context.FixedBuffer(name)}");
                }
            }
            if (spans.Count > 0)
            {
                w.Line($"{context[Alias.Span]} {string.Join(", ", spans)};");
            }
        }
        if (guarded)
        {
            StepGuardEmitter.WriteBeforeForward(w, context, batch: false);
        }
        w.Line($"float loss = {RecordCall(context, "x", "y", "Training", record =>
            record.Type is null ? record.Name : body.Mentions(record.Name) ? $"out {record.Type} {record.Name}" : "out _")};");
        if (body.Mentions("theta"))
        {
            context.WriteThetaToRead(w);
        }
        w.Line($"{context[Alias.Span]} into = step.IsSgd ? Parameters : Gradients; // where each ∂L/∂θ goes");
        w.Append(body);
        w.Close();
    }
}
