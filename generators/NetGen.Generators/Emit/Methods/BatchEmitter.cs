using System.Collections.Generic;
using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>
/// BackwardBatch and TrainStepBatch: the recorded forward pass over a row-major mini-batch (RecordForwardBatch, written once
/// and shared), layer by layer over the whole batch (batch norm needs every sample's value before it can normalise any), then
/// backprop layer by layer. Per sample, the dense and activation arithmetic is Backward's, so the results match bit for bit.
/// </summary>
internal static class BatchEmitter
{
    public static void WriteRecordForwardBatch(SourceWriter w, EmitContext context)
    {
        LayerEmitter output = context.Output;
        SourceWriter body = w.Child(1);
        foreach (LayerEmitter layer in context.Layers)
        {
            body.Line();
            layer.WriteRecordBatch(body);
        }
        body.Line();
        body.Line("// ── Loss and the output error δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾ of every sample ──");
        body.Line("float total = 0f;");
        body.Open("for (int b = 0; b < batchSize; b++)");
        SourceWriter loss = body.Child();
        context.Loss!.Write(loss, scalar: false);
        body.Line($"{context[Alias.ReadOnlySpan]} y = targets.Slice(b * OutputSize, OutputSize);");
        var rows = new List<string>();
        foreach ((string kind, string buffer) in new[] { ("z", "bz"), ("a", "ba"), ("delta", "bd") })
        {
            if (loss.Mentions($"{kind}{output.Index}"))
            {
                rows.Add($"{kind}{output.Index} = {buffer}{output.Index}.Slice(b * {Notation.Int(output.Units)}, {Notation.Int(output.Units)})");
            }
        }
        body.Line($"{context[Alias.Span]} {string.Join(", ", rows)};");
        body.Append(loss);
        body.Open("if (losses.Length != 0)");
        body.Line("losses[b] = loss;");
        body.Close();
        body.Line("total += loss;");
        body.Close();
        body.Line("return total;");

        w.Line();
        w.Line("/// <summary>RecordForward for a batch, layer by layer over all its samples (rows of the workspace's buffers); returns Σᵦ Lᵦ.</summary>");
        w.Open($"private float RecordForwardBatch({context[Alias.ReadOnlySpan]} inputs, {context[Alias.ReadOnlySpan]} targets, int batchSize, {context[Alias.Span]} losses)");
        WriteGuards(w, context);
        w.Line("_workspace.EnsureBatch(batchSize);");
        if (body.Mentions("theta"))
        {
            context.WriteThetaToRead(w);
        }
        WriteBatchSpans(w, context, body);
        w.Append(body);
        w.Close();
    }

    /// <summary>Declares the workspace's batch buffers that <paramref name="body"/> uses, one line per layer.</summary>
    private static void WriteBatchSpans(SourceWriter w, EmitContext context, SourceWriter body)
    {
        foreach (LayerEmitter layer in context.Layers)
        {
            var spans = new List<string>();
            foreach ((string name, int _) in layer.BatchBuffers())
            {
                if (body.Mentions(name))
                {
                    spans.Add($"{name} = {context.BatchBuffer(name)}");
                }
            }
            if (spans.Count > 0)
            {
                w.Line($"{context[Alias.Span]} {string.Join(", ", spans)};");
            }
        }
    }

    /// <summary>The batch's argument checks, before anything changes.</summary>
    private static void WriteGuards(SourceWriter w, EmitContext context)
    {
        NetworkSpec spec = context.Spec;
        string guard = context[Alias.Guard];
        w.Line($"{guard}.Batch(inputs.Length, targets.Length, losses.Length, batchSize, InputSize, OutputSize, \"{spec.Name}\");");
        foreach (LayerEmitter layer in context.Layers)
        {
            if (layer.BatchRequirement is not null)
            {
                w.Open("if (Training && batchSize < 2)");
                w.Line($"throw new global::System.ArgumentException(\"{spec.Name} has batch norm, which needs at least 2 samples per batch in training mode (or Training = false).\", nameof(batchSize));");
                w.Close();
                break;
            }
        }
    }

    public static void WriteBackwardBatch(SourceWriter w, EmitContext context)
    {
        string span = context[Alias.Span], readOnlySpan = context[Alias.ReadOnlySpan];
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Line($"public float BackwardBatch({readOnlySpan} inputs, {readOnlySpan} targets, int batchSize, {span} losses = default) =>");
        w.Line("    BackpropBatch(inputs, targets, batchSize, losses, new global::NetGen.AddGradient());");
        w.Line("/// <inheritdoc/>");
        w.Line($"public float TrainStepBatch({readOnlySpan} inputs, {readOnlySpan} targets, int batchSize, float learningRate, {span} losses = default) =>");
        w.Line("    BackpropBatch(inputs, targets, batchSize, losses, new global::NetGen.SgdStep(learningRate, batchSize));");

        SourceWriter body = w.Child(1);
        body.Line();
        body.Line("// ── Backward pass over the batch, from the output layer down ──");
        for (int l = context.Layers.Count; l >= 1; l--)
        {
            body.Line();
            context.Layers[l - 1].WriteBackwardBatch(body);
        }
        bool guarded = context.Spec.ParameterCount > 0;
        if (guarded)
        {
            StepGuardEmitter.WriteCheck(body, context, batch: true);
            body.Line();
            body.Line("// ── The parameters' terms, every sample's: ∂L/∂θ added (BackwardBatch) or θ ← θ − (η/B)·Σᵦ ∂Lᵦ/∂θ (TrainStepBatch) ──");
            for (int l = context.Layers.Count; l >= 1; l--)
            {
                if (context.Layers[l - 1].Model.ParameterCount > 0)
                {
                    body.Line();
                    context.Layers[l - 1].WriteStepBatch(body);
                }
            }
            StepGuardEmitter.WriteAfterStep(body, context, batch: true, "TrainStepBatch", "total");
        }
        body.Line();
        body.Line("return total;");

        w.Line();
        w.Line("/// <summary>Backprop for a batch, as Backprop: each sample's ∂Lᵦ/∂θ goes to <paramref name=\"step\"/> (for SGD, θ ← θ − (η/B)·Σᵦ ∂Lᵦ/∂θ).</summary>");
        w.Open($"private float BackpropBatch<TStep>({readOnlySpan} inputs, {readOnlySpan} targets, int batchSize, {span} losses, TStep step) where TStep : struct, global::NetGen.IParameterStep");
        if (guarded)
        {
            StepGuardEmitter.WriteBeforeForward(w, context, batch: true);
        }
        w.Line("float total = RecordForwardBatch(inputs, targets, batchSize, losses);");
        if (body.Mentions("theta"))
        {
            context.WriteThetaToRead(w);
        }
        w.Line($"{span} into = step.IsSgd ? Parameters : Gradients; // where each ∂L/∂θ goes");
        WriteBatchSpans(w, context, body);
        w.Append(body);
        w.Close();
    }
}
