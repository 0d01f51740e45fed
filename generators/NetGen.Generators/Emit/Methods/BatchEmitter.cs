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
        w.Line("/// <summary>");
        w.Line("/// The forward pass over a batch kept for backprop (z⁽ˡ⁾, a⁽ˡ⁾ of every sample, row-major, in the workspace; dropout draws its");
        w.Line("/// masks and batch norm uses the batch's statistics when <see cref=\"Training\"/>), then each sample's loss and δ⁽ᴸ⁾.");
        w.Line("/// BackwardBatch and TrainStepBatch call it. Returns Σᵦ Lᵦ.");
        w.Line("/// </summary>");
        w.Open($"private float RecordForwardBatch({context[Alias.ReadOnlySpan]} inputs, {context[Alias.ReadOnlySpan]} targets, int batchSize, {context[Alias.Span]} losses)");
        w.Line("_workspace.EnsureBatch(batchSize);");
        if (body.Mentions("theta"))
        {
            w.Line($"{context[Alias.ReadOnlySpan]} theta = Parameters;");
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

    public static void WriteBackwardBatch(SourceWriter w, EmitContext context)
    {
        WriteBackwardBatch(w, context, fusedSgd: false);
        WriteBackwardBatch(w, context, fusedSgd: true);
    }

    private static void WriteBackwardBatch(SourceWriter w, EmitContext context, bool fusedSgd)
    {
        NetworkSpec spec = context.Spec;
        string span = context[Alias.Span], readOnlySpan = context[Alias.ReadOnlySpan], guard = context[Alias.Guard];
        SourceWriter body = w.Child(1);
        body.Line();
        body.Line("// ── Backward pass over the batch, from the output layer down ──");
        for (int l = context.Layers.Count; l >= 1; l--)
        {
            body.Line();
            context.Layers[l - 1].WriteBackwardBatch(body, fusedSgd);
        }
        body.Line();
        body.Line("return total;");

        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Open(fusedSgd
            ? $"public float TrainStepBatch({readOnlySpan} inputs, {readOnlySpan} targets, int batchSize, float learningRate, {span} losses = default)"
            : $"public float BackwardBatch({readOnlySpan} inputs, {readOnlySpan} targets, int batchSize, {span} losses = default)");
        w.Line("global::System.ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);");
        w.Line($"{guard}.Length(inputs.Length, batchSize * InputSize, nameof(inputs), \"{spec.Name}\", \"InputSize × batchSize\");");
        w.Line($"{guard}.Length(targets.Length, batchSize * OutputSize, nameof(targets), \"{spec.Name}\", \"OutputSize × batchSize\");");
        w.Open("if (losses.Length != 0)");
        w.Line($"{guard}.Length(losses.Length, batchSize, nameof(losses), \"{spec.Name}\", \"batchSize\");");
        w.Close();
        if (fusedSgd)
        {
            w.Line($"{guard}.LearningRate(learningRate);");
        }
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
        w.Line("float total = RecordForwardBatch(inputs, targets, batchSize, losses);");
        if (body.Mentions("theta"))
        {
            w.Line(fusedSgd ? $"{span} theta = Parameters;" : $"{readOnlySpan} theta = Parameters;");
        }
        if (body.Mentions("grad"))
        {
            w.Line($"{span} grad = Gradients;");
        }
        if (body.Mentions("step"))
        {
            w.Line("float step = learningRate / batchSize; // η/B: the mean over the batch");
        }
        WriteBatchSpans(w, context, body);
        w.Append(body);
        w.Close();
    }
}
