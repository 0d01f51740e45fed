using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// ForwardBatch: inference over a row-major batch, layer by layer over tiles of samples so that each weight loaded from
/// cache serves every sample of the tile (NetGen.Kernels.DenseKernels.ForwardBatch). Scratch is on the stack, sized by
/// the generator, so threads may share one instance as with Forward.
/// </summary>
internal static class ForwardBatchEmitter
{
    /// <summary>Floats of stack scratch a ForwardBatch tile may use (32 KB).</summary>
    private const int Scratch = 8192;

    public static void WriteForwardBatch(SourceWriter w, EmitContext context)
    {
        NetworkSpec spec = context.Spec;
        string span = context[Alias.Span], readOnlySpan = context[Alias.ReadOnlySpan], guard = context[Alias.Guard];
        w.Line();
        w.Line("/// <inheritdoc/>");
        w.Open($"public void ForwardBatch({readOnlySpan} inputs, {span} outputs, int batchSize)");
        w.Line("global::System.ArgumentOutOfRangeException.ThrowIfNegative(batchSize);");
        w.Line($"{guard}.Length(inputs.Length, batchSize * InputSize, nameof(inputs), \"{spec.Name}\", \"InputSize × batchSize\");");
        w.Line($"{guard}.Length(outputs.Length, batchSize * OutputSize, nameof(outputs), \"{spec.Name}\", \"OutputSize × batchSize\");");
        w.Line($"{guard}.NoOverlap(inputs, outputs, \"{spec.Name}\");");
        bool tiles = false;
        int scratch = 0;
        foreach (LayerEmitter layer in context.Layers)
        {
            tiles |= layer.NeedsTiles;
            scratch += layer.IsLast ? 0 : layer.Units;
        }
        if (!tiles)
        {
            w.Line("// Every layer is straight-line code that keeps its values in registers or on the stack: Forward per sample is the fast form.");
            w.Open("for (int b = 0; b < batchSize; b++)");
            w.Line("Forward(inputs.Slice(b * InputSize, InputSize), outputs.Slice(b * OutputSize, OutputSize));");
            w.Close();
            w.Close();
            return;
        }
        int tile = System.Math.Max(1, System.Math.Min(64, scratch == 0 ? 64 : Scratch / scratch));
        w.Line($"// Tiles of {Int(tile)} samples: each weight loaded from cache serves the whole tile; the stack scratch is {Int(tile * scratch * 4)} bytes.");
        w.Line($"const int Tile = {Int(tile)};");
        SourceWriter body = w.Child(1);
        foreach (LayerEmitter layer in context.Layers)
        {
            body.Line();
            layer.WriteHeader(body);
            body.Line(layer.IsLast
                ? $"{span} a{layer.Index} = outputs.Slice(start * OutputSize, n * OutputSize);"
                : $"{span} a{layer.Index} = tile{layer.Index}.Slice(0, n * {Int(layer.Units)});");
            layer.WriteForwardTile(body);
        }
        if (body.Mentions("theta"))
        {
            context.WriteThetaToRead(w);
        }
        foreach (LayerEmitter layer in context.Layers)
        {
            if (!layer.IsLast)
            {
                w.Line($"{span} tile{layer.Index} = stackalloc float[Tile * {Int(layer.Units)}];");
            }
            if (layer.TileScratch > 0)
            {
                w.Line($"{span} scratch{layer.Index} = stackalloc float[{Int(layer.TileScratch)}];");
            }
        }
        w.Open("for (int start = 0; start < batchSize; start += Tile)");
        w.Line("int n = global::System.Math.Min(Tile, batchSize - start);");
        w.Line($"{readOnlySpan} x = inputs.Slice(start * InputSize, n * InputSize);");
        w.Append(body);
        w.Close();
        w.Close();
    }
}
