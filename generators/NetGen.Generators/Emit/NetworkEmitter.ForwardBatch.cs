using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// ForwardBatch: inference over a row-major batch, layer by layer over tiles of samples so that each weight loaded from
/// cache serves every sample of the tile (NetGen.Kernels.DenseKernels.ForwardBatch). Scratch is on the stack, sized by
/// the generator, so threads may share one instance as with Forward.
/// </summary>
internal static partial class NetworkEmitter
{
    /// <summary>Floats of stack scratch a ForwardBatch tile may use (32 KB).</summary>
    private const int ForwardBatchScratch = 8192;

    private static void WriteForwardBatch(SourceWriter w, NetworkSpec spec)
    {
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Computes ŷ for every sample of a batch stored row-major (sample after sample), in inference mode as <see cref=\"Forward\"/>");
        w.Line("/// (each row of <paramref name=\"outputs\"/> equals Forward of the same row of <paramref name=\"inputs\"/>). Reads only the parameters");
        w.Line("/// and keeps its scratch on the stack, so threads may share one instance. Allocates nothing.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"inputs\">batchSize × <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"outputs\">Receives batchSize × <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <param name=\"batchSize\">The number of samples (0 does nothing).</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span's length does not match the batch size.</exception>");
        w.Open($"public void ForwardBatch({ReadOnlySpan} inputs, {Span} outputs, int batchSize)");
        w.Line("global::System.ArgumentOutOfRangeException.ThrowIfNegative(batchSize);");
        w.Line($"global::NetGen.Guard.Length(inputs.Length, batchSize * InputSize, nameof(inputs), \"{spec.Name}\", \"InputSize × batchSize\");");
        w.Line($"global::NetGen.Guard.Length(outputs.Length, batchSize * OutputSize, nameof(outputs), \"{spec.Name}\", \"OutputSize × batchSize\");");
        w.Line($"global::NetGen.Guard.NoOverlap(inputs, outputs, \"{spec.Name}\");");
        bool anyKernel = false;
        int scratch = 0;
        foreach (LayerSpec layer in spec.Layers)
        {
            anyKernel |= layer.IsDense && !IsUnrolled(layer);
            scratch += layer.Index < spec.Layers.Count ? layer.Units : 0;
        }
        if (!anyKernel)
        {
            w.Line("// Every dense layer is straight-line code that keeps its values in registers: Forward per sample is the fast form.");
            w.Open("for (int b = 0; b < batchSize; b++)");
            w.Line("Forward(inputs.Slice(b * InputSize, InputSize), outputs.Slice(b * OutputSize, OutputSize));");
            w.Close();
            w.Close();
            return;
        }
        int tile = System.Math.Max(1, System.Math.Min(64, scratch == 0 ? 64 : ForwardBatchScratch / scratch));
        w.Line($"// Tiles of {Int(tile)} samples: each weight loaded from cache serves the whole tile; the stack scratch is {Int(tile * scratch * 4)} bytes.");
        w.Line($"const int Tile = {Int(tile)};");
        w.Line($"{ReadOnlySpan} theta = Parameters;");
        int last = spec.Layers.Count;
        foreach (LayerSpec layer in spec.Layers)
        {
            if (layer.Index < last)
            {
                w.Line($"{Span} tile{layer.Index} = stackalloc float[Tile * {Int(layer.Units)}];");
            }
        }
        w.Open("for (int start = 0; start < batchSize; start += Tile)");
        w.Line("int n = global::System.Math.Min(Tile, batchSize - start);");
        w.Line($"{ReadOnlySpan} x = inputs.Slice(start * InputSize, n * InputSize);");
        foreach (LayerSpec layer in spec.Layers)
        {
            int l = layer.Index;
            bool isLast = l == last;
            string input = l == 1 ? "x" : $"a{l - 1}";
            int inputSize = l == 1 ? spec.InputSize : spec.Layers[l - 2].Units;
            string units = Int(layer.Units);
            w.Line();
            WriteLayerHeader(w, layer, isLast);
            w.Line(isLast
                ? $"{Span} a{l} = outputs.Slice(start * OutputSize, n * OutputSize);"
                : $"{Span} a{l} = tile{l}.Slice(0, n * {units});");
            if (layer.Kind == LayerKindSpec.Dropout)
            {
                w.Line($"{input}.CopyTo(a{l}); // inference: dropout is the identity");
                continue;
            }
            if (layer.Kind == LayerKindSpec.BatchNorm)
            {
                w.Open("for (int b = 0; b < n; b++)");
                WriteBatchNormInference(w, layer, $"{input}.Slice(b * {Int(inputSize)}, {Int(inputSize)})", $"a{l}.Slice(b * {units}, {units})");
                w.Close();
            }
            else if (IsUnrolled(layer))
            {
                w.Open("for (int b = 0; b < n; b++)");
                w.Line($"{ReadOnlySpan} row = {input}.Slice(b * {Int(inputSize)}, {Int(inputSize)});");
                w.Line($"{Span} z = a{l}.Slice(b * {units}, {units});");
                WriteAffine(w, layer, "row", "z");
                w.Close();
            }
            else
            {
                w.Line($"{Kernels}.DenseKernels.ForwardBatch(theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)}), theta.Slice({Int(layer.BiasOffset)}, {units}), {input}, a{l}, n, {units}, {Int(layer.Inputs)});");
            }
            if (layer.Activation == ActivationKind.Softmax)
            {
                w.Open("for (int b = 0; b < n; b++)");
                w.Line($"{Span} row = a{l}.Slice(b * {units}, {units});");
                w.Line($"{Kernels}.Activations.Softmax(row, row);");
                w.Close();
            }
            else
            {
                WriteActivation(w, layer, $"a{l}", $"a{l}");
            }
        }
        w.Close();
        w.Close();
    }
}
