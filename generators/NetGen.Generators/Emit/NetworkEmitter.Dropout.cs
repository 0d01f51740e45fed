using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>[Dropout(p)]: inverted dropout in training mode, the identity in inference.</summary>
internal static partial class NetworkEmitter
{
    private static void WriteDropoutHeader(SourceWriter w, LayerSpec layer, bool isLast)
    {
        int l = layer.Index;
        string output = isLast ? "ŷ" : A(l);
        w.Line($"// Layer {Int(l)} · Dropout p = {Rate(layer.Rate)} · {Int(layer.Units)} values (no parameters)");
        w.Line($"//   training:  {output} = {A(l - 1)} ⊙ m{Sup(l)},  mᵢ = 0 with probability p, else 1/(1 − p) (inverted dropout, seeded)");
        w.Line($"//   inference: {output} = {A(l - 1)}");
    }

    /// <summary>Inference-mode dropout (Forward, Evaluate): the identity, without a copy unless it is the output.</summary>
    private static void WriteDropoutInference(SourceWriter w, string inName, string target, bool isLast)
    {
        w.Line(isLast ? $"{inName}.CopyTo({target});" : $"{ReadOnlySpan} {target} = {inName};");
    }

    /// <summary>Training-mode dropout over a whole span (one sample, or a row-major batch): draws the mask when Training.</summary>
    private static void WriteDropoutTraining(SourceWriter w, LayerSpec layer, string inName, string a, string mask) =>
        w.Line($"{Kernels}.DropoutKernels.Forward({inName}, {a}, {mask}, {Float(layer.Rate)}, Training, ref _random);");

    /// <summary>δ⁽ˡ⁻¹⁾ = δ⁽ˡ⁾ ⊙ m⁽ˡ⁾.</summary>
    private static void WriteDropoutBackward(SourceWriter w, LayerSpec layer, string delta, string mask, string deltaPrevious)
    {
        int l = layer.Index;
        w.Line($"// Layer {Int(l)} · Dropout: ∂L/∂{A(l - 1)} = ∂L/∂{A(l)} ⊙ m{Sup(l)}");
        w.Line($"{Kernels}.DropoutKernels.Backward({delta}, {mask}, {deltaPrevious});");
    }

    private static string Rate(float rate) => rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
