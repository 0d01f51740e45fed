using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>Evaluate: the inference-mode forward pass plus the loss, without gradients (validation, metrics).</summary>
internal static partial class NetworkEmitter
{
    private static void WriteEvaluate(SourceWriter w, NetworkSpec spec)
    {
        LossKind loss = spec.Loss!.Value;
        int last = spec.Layers.Count;
        LayerSpec output = spec.Layers[last - 1];
        int n = output.Units;
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Inference-mode forward pass and loss, without gradients: writes ŷ to <paramref name=\"output\"/> and returns L(ŷ, y).");
        w.Line("/// Dropout is the identity and batch norm uses its running statistics, as in <see cref=\"Forward\"/>; scratch is on the");
        w.Line("/// stack, so threads may share one instance.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"input\">The input x, <see cref=\"InputSize\"/> values.</param>");
        w.Line("/// <param name=\"target\">The target y, <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <param name=\"output\">Receives ŷ, <see cref=\"OutputSize\"/> values.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Open($"public float Evaluate({ReadOnlySpan} input, {ReadOnlySpan} target, {Span} output)");
        WriteGuards(w, spec, "target", "OutputSize");
        w.Line($"global::NetGen.Guard.Length(output.Length, OutputSize, nameof(output), \"{spec.Name}\", nameof(OutputSize));");
        w.Line($"{ReadOnlySpan} theta = Parameters;");
        w.Line($"{ReadOnlySpan} x = input;");
        w.Line($"{ReadOnlySpan} y = target;");
        foreach (LayerSpec layer in spec.Layers)
        {
            w.Line();
            int l = layer.Index;
            bool isLast = l == last;
            string inName = l == 1 ? "x" : $"a{l - 1}";
            string logits = $"z{l}";
            if (isLast && layer.Kind == LayerKindSpec.BatchNorm)
            {
                w.Line($"{Span} {logits} = stackalloc float[{Int(n)}];");
            }
            if (!layer.IsDense)
            {
                WriteInferenceLayer(w, layer, inName, isLast ? "output" : $"a{l}", isLast, isLast ? logits : null);
                continue;
            }
            WriteLayerHeader(w, layer, isLast);
            if (isLast)
            {
                w.Line($"{Span} {logits} = stackalloc float[{Int(n)}];");
                if (layer.Activation == ActivationKind.Identity)
                {
                    WriteAffine(w, layer, inName, logits);
                    w.Line($"{logits}.CopyTo(output);");
                }
                else
                {
                    WriteAffineActivation(w, layer, i => $"{inName}[{Int(i)}]", inName, logits, "output",
                        FillsLanes(layer.Inputs) ? $"{Intrinsics}.{LanesName(layer.Inputs)}.Create<float>({inName})" : null);
                }
            }
            else
            {
                w.Line($"{Span} a{l} = stackalloc float[{Int(layer.Units)}];");
                WriteAffine(w, layer, inName, $"a{l}");
                WriteActivation(w, layer, $"a{l}", $"a{l}");
            }
        }
        w.Line();
        w.Line("// ── Loss (its gradient goes to a scratch span and is not used) ──");
        w.Line($"{Span} a{last} = output;");
        w.Line($"{Span} delta{last} = stackalloc float[{Int(n)}];");
        WriteLoss(w, spec, loss, output, backward: false);
        w.Line("return loss;");
        w.Close();
    }
}
