using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>Constants, parameter storage, the interface plumbing and the seeded initialisation.</summary>
internal static partial class NetworkEmitter
{
    private static void WriteClassRemarks(SourceWriter w, NetworkSpec spec)
    {
        w.Line("/// <remarks>");
        var shape = new System.Text.StringBuilder($"Input {Int(spec.InputSize)}");
        foreach (LayerSpec layer in spec.Layers)
        {
            shape.Append($" → Dense {Int(layer.Units)} ({Name(layer.Activation, layer.NegativeSlope)})");
        }
        w.Line($"/// <para>{shape}.</para>");
        w.Line(spec.Loss is { } loss
            ? $"/// <para>Loss: {LossName(loss)}, reduction {spec.Reduction}. Trainable: <c>Backward</c> adds ∂L/∂θ to <c>Gradients</c>.</para>"
            : "/// <para>No loss: inference only.</para>");
        w.Line($"/// <para>Parameters θ ({Int(spec.ParameterCount)} floats, one buffer; each weight is out × in, row-major, as PyTorch's nn.Linear.weight):</para>");
        w.Line("/// <list type=\"bullet\">");
        foreach (LayerSpec layer in spec.Layers)
        {
            w.Line($"/// <item>W{Sup(layer.Index)} = {Range(layer.WeightOffset, layer.WeightCount)} ({Int(layer.Units)}×{Int(layer.Inputs)}), b{Sup(layer.Index)} = {Range(layer.BiasOffset, layer.Units)}</item>");
        }
        w.Line("/// </list>");
        w.Line("/// </remarks>");
    }

    private static void WriteMembers(SourceWriter w, NetworkSpec spec)
    {
        w.Line("/// <summary>Values in one input vector.</summary>");
        w.Line($"public const int InputSize = {Int(spec.InputSize)};");
        w.Line("/// <summary>Values in one output vector.</summary>");
        w.Line($"public const int OutputSize = {Int(spec.OutputSize)};");
        w.Line("/// <summary>Floats in <see cref=\"Parameters\"/>.</summary>");
        w.Line($"public const int ParameterCount = {Int(spec.ParameterCount)};");
        w.Line();
        w.Line("private readonly float[] _parameters = new float[ParameterCount];");
        if (spec.IsTrainable)
        {
            w.Line("private readonly float[] _gradients = new float[ParameterCount];");
            w.Line();
            w.Line("// Backward's record of the forward pass (z⁽ˡ⁾, a⁽ˡ⁾) and the errors δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾: training belongs to one thread.");
            foreach (LayerSpec layer in spec.Layers)
            {
                string n = Int(layer.Units);
                w.Line($"private readonly float[] _z{layer.Index} = new float[{n}], _a{layer.Index} = new float[{n}], _delta{layer.Index} = new float[{n}];");
            }
        }
        w.Line();
        w.Line("/// <summary>All parameters θ in one contiguous buffer (layout in the class remarks).</summary>");
        w.Line($"public {Span} Parameters => _parameters;");
        if (spec.IsTrainable)
        {
            w.Line();
            w.Line("/// <summary>∂L/∂θ accumulated by <see cref=\"Backward\"/> since the last <see cref=\"ZeroGradients\"/>; same layout as <see cref=\"Parameters\"/>.</summary>");
            w.Line($"public {Span} Gradients => _gradients;");
            w.Line();
            w.Line("/// <summary>Sets every gradient to zero.</summary>");
            w.Line("public void ZeroGradients() => global::System.Array.Clear(_gradients);");
        }
        w.Line();
        w.Line("int global::NetGen.INetwork.InputSize => InputSize;");
        w.Line("int global::NetGen.INetwork.OutputSize => OutputSize;");
        w.Line("int global::NetGen.INetwork.ParameterCount => ParameterCount;");
        w.Line();
    }

    private static void WriteConstructor(SourceWriter w, NetworkSpec spec)
    {
        w.Line("/// <summary>Creates the network with deterministic initial weights for <paramref name=\"seed\"/>; biases start at 0.</summary>");
        w.Line("/// <param name=\"seed\">The same seed gives the same weights on every machine.</param>");
        w.Open($"public {spec.Name}(int seed = 0)");
        w.Line("var random = new global::NetGen.SeededRandom(seed);");
        w.Line($"{Span} theta = _parameters;");
        foreach (LayerSpec layer in spec.Layers)
        {
            string wSlice = $"theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)})";
            switch (layer.Activation)
            {
                case ActivationKind.ReLU:
                case ActivationKind.GELU:
                    w.Line($"// W{Sup(layer.Index)}: He uniform for {Name(layer.Activation, 0)}, U(−a, a) with a = √(6 / fan_in), fan_in = {Int(layer.Inputs)}");
                    w.Line($"global::NetGen.Initializers.HeUniform({wSlice}, {Int(layer.Inputs)}, ref random);");
                    break;
                case ActivationKind.LeakyReLU:
                    w.Line($"// W{Sup(layer.Index)}: He uniform for LeakyReLU, U(−a, a) with a = √(6 / ((1 + slope²)·fan_in)), fan_in = {Int(layer.Inputs)}");
                    w.Line($"global::NetGen.Initializers.HeUniform({wSlice}, {Int(layer.Inputs)}, ref random, {Float(layer.NegativeSlope)});");
                    break;
                default:
                    w.Line($"// W{Sup(layer.Index)}: Xavier/Glorot uniform for {Name(layer.Activation, 0)}, U(−a, a) with a = √(6 / (fan_in + fan_out)), fan_in = {Int(layer.Inputs)}, fan_out = {Int(layer.Units)}");
                    w.Line($"global::NetGen.Initializers.XavierUniform({wSlice}, {Int(layer.Inputs)}, {Int(layer.Units)}, ref random);");
                    break;
            }
        }
        w.Close();
        w.Line();
    }

    private static void WriteGuards(SourceWriter w, NetworkSpec spec, string second, string secondSize)
    {
        w.Line($"global::NetGen.Guard.Length(input.Length, InputSize, nameof(input), \"{spec.Name}\", nameof(InputSize));");
        w.Line($"global::NetGen.Guard.Length({second}.Length, {secondSize}, nameof({second}), \"{spec.Name}\", nameof({secondSize}));");
    }
}
