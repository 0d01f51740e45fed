using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>Constants, parameter storage, the interface plumbing and the seeded initialisation.</summary>
internal static partial class NetworkEmitter
{
    private static void WriteClassRemarks(SourceWriter w, NetworkSpec spec, EmbeddedWeights? weights)
    {
        w.Line("/// <remarks>");
        var shape = new System.Text.StringBuilder($"Input {Int(spec.InputSize)}");
        foreach (LayerSpec layer in spec.Layers)
        {
            shape.Append(layer.Kind switch
            {
                LayerKindSpec.Dropout => $" → Dropout (p = {Rate(layer.Rate)})",
                LayerKindSpec.BatchNorm => $" → BatchNorm ({Name(layer.Activation, layer.NegativeSlope)})",
                _ => $" → Dense {Int(layer.Units)} ({Name(layer.Activation, layer.NegativeSlope)})",
            });
        }
        w.Line($"/// <para>{shape}.</para>");
        w.Line(spec.Loss is { } loss
            ? $"/// <para>Loss: {LossName(loss)}, reduction {spec.Reduction}. Trainable: <c>Backward</c> adds ∂L/∂θ to <c>Gradients</c>.</para>"
            : "/// <para>No loss: inference only.</para>");
        w.Line($"/// <para>Parameters θ ({Int(spec.ParameterCount)} floats, one buffer; each weight is out × in, row-major, as PyTorch's nn.Linear.weight):</para>");
        w.Line("/// <list type=\"bullet\">");
        foreach (LayerSpec layer in spec.Layers)
        {
            if (layer.Kind == LayerKindSpec.BatchNorm)
            {
                w.Line($"/// <item>γ{Sup(layer.Index)} = {Range(layer.WeightOffset, layer.Units)}, β{Sup(layer.Index)} = {Range(layer.BiasOffset, layer.Units)} (batch norm; running mean and variance in <c>RunningStatistics</c>[{Int(layer.StatisticsOffset)}..{Int(layer.StatisticsOffset + 2 * layer.Units)}))</item>");
            }
            else if (layer.IsDense)
            {
                w.Line($"/// <item>W{Sup(layer.Index)} = {Range(layer.WeightOffset, layer.WeightCount)} ({Int(layer.Units)}×{Int(layer.Inputs)}), b{Sup(layer.Index)} = {Range(layer.BiasOffset, layer.Units)}</item>");
            }
        }
        w.Line("/// </list>");
        if (spec.Has(LayerKindSpec.Dropout) || spec.Has(LayerKindSpec.BatchNorm))
        {
            w.Line("/// <para>Modes: <c>Forward</c> and <c>Evaluate</c> are inference (dropout is the identity, batch norm uses its running statistics);");
            w.Line("/// <c>Backward</c> and <c>BackwardBatch</c> follow <c>Training</c> (true unless set, as a fresh PyTorch module).</para>");
        }
        if (weights is not null)
        {
            w.Line($"/// <para>Trained weights embedded at compile time from <c>{Xml(weights.FileName)}</c>: see <c>EmbeddedParameters</c> and <c>ForwardEmbedded</c>.</para>");
        }
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
        w.Line("// θ (and ∂L/∂θ) live in pinned buffers whose part in use starts on a 64-byte cache-line boundary, so no 512-bit");
        w.Line("// load of a weight row straddles two cache lines; Parameters and Gradients are spans over that part.");
        w.Line("private readonly float[] _parameters = global::NetGen.Kernels.Aligned.Allocate(ParameterCount);");
        if (spec.StatisticsCount > 0)
        {
            w.Line("// Batch norm's running mean and variance, layer by layer (not trained; used by inference).");
            w.Line($"private readonly float[] _statistics = new float[{Int(spec.StatisticsCount)}];");
        }
        if (spec.Has(LayerKindSpec.Dropout))
        {
            w.Line("// Dropout's mask generator, continued from the initialisation's seeded stream.");
            w.Line("private global::NetGen.SeededRandom _random;");
        }
        if (spec.IsTrainable)
        {
            w.Line("private readonly float[] _gradients = global::NetGen.Kernels.Aligned.Allocate(ParameterCount);");
            w.Line();
            w.Line("// Backward's record of the forward pass (z⁽ˡ⁾, a⁽ˡ⁾) and the errors δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾, aligned as θ: training belongs to one thread.");
            w.Line("// (Layers that the straight-line code keeps in registers leave theirs unused: a few floats each, kept so that the");
            w.Line("// class's members depend only on its layer kinds, which the analyzers check against user-declared members.)");
            foreach (LayerSpec layer in spec.Layers)
            {
                string n = $"global::NetGen.Kernels.Aligned.Allocate({Int(layer.Units)})";
                w.Line(layer.Kind == LayerKindSpec.Dropout
                    ? $"private readonly float[] _a{layer.Index} = {n}, _delta{layer.Index} = {n}, _mask{layer.Index} = {n};"
                    : $"private readonly float[] _z{layer.Index} = {n}, _a{layer.Index} = {n}, _delta{layer.Index} = {n};");
            }
        }
        w.Line();
        w.Line("/// <summary>All parameters θ in one contiguous buffer (layout in the class remarks).</summary>");
        w.Line($"public {Span} Parameters => global::NetGen.Kernels.Aligned.Span(_parameters, ParameterCount);");
        if (spec.IsTrainable)
        {
            w.Line();
            w.Line("/// <summary>∂L/∂θ accumulated by <see cref=\"Backward\"/> since the last <see cref=\"ZeroGradients\"/>; same layout as <see cref=\"Parameters\"/>.</summary>");
            w.Line($"public {Span} Gradients => global::NetGen.Kernels.Aligned.Span(_gradients, ParameterCount);");
            w.Line();
            w.Line("/// <summary>Sets every gradient to zero.</summary>");
            w.Line("public void ZeroGradients() => Gradients.Clear();");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Training mode (as PyTorch's <c>module.training</c>; true unless set): <see cref=\"Backward\"/> and <see cref=\"BackwardBatch\"/> apply");
            w.Line("/// dropout and batch statistics when true, inference behaviour when false. <see cref=\"Forward\"/> and <see cref=\"Evaluate\"/> are always inference.");
            w.Line("/// </summary>");
            w.Line("public bool Training { get; set; } = true;");
        }
        w.Line();
        w.Line("int global::NetGen.INetwork.InputSize => InputSize;");
        w.Line("int global::NetGen.INetwork.OutputSize => OutputSize;");
        w.Line("int global::NetGen.INetwork.ParameterCount => ParameterCount;");
        w.Line();
        WriteLayerList(w, spec);
        if (spec.IsTrainable)
        {
            WriteBatchMembers(w, spec);
        }
        w.Line();
    }

    private static void WriteLayerList(SourceWriter w, NetworkSpec spec)
    {
        w.Line("/// <summary>The layers in order, with their parameter ranges in <see cref=\"Parameters\"/>.</summary>");
        w.Line("public static global::System.Collections.Generic.IReadOnlyList<global::NetGen.LayerInfo> Layers { get; } = global::System.Array.AsReadOnly(new global::NetGen.LayerInfo[]");
        w.Line("{");
        foreach (LayerSpec layer in spec.Layers)
        {
            w.Line($"    new global::NetGen.LayerInfo({Int(layer.Index)}, global::NetGen.LayerKind.{layer.Kind}, {Int(layer.Inputs)}, {Int(layer.Units)}, global::NetGen.Activation.{layer.Activation}, {Int(layer.WeightOffset)}, {Int(layer.WeightCount)}, {Int(layer.BiasOffset)}, {Int(layer.BiasCount)}),");
        }
        w.Line("});");
        w.Line();
        w.Line("global::System.Collections.Generic.IReadOnlyList<global::NetGen.LayerInfo> global::NetGen.INetwork.Layers => Layers;");
        w.Line();
        if (spec.StatisticsCount > 0)
        {
            w.Line("/// <summary>Batch norm's running mean then running variance, per batch-norm layer (PyTorch's running_mean, running_var).</summary>");
            w.Line($"public {Span} RunningStatistics => _statistics;");
        }
        else
        {
            w.Line($"{Span} global::NetGen.INetwork.RunningStatistics => default;");
        }
    }

    private static void WriteConstructor(SourceWriter w, NetworkSpec spec, EmbeddedWeights? weights)
    {
        if (weights is not null)
        {
            if (spec.StatisticsCount > 0)
            {
                w.Line("/// <summary>Creates the network with the embedded trained weights and running statistics copied into <see cref=\"Parameters\"/> and <see cref=\"RunningStatistics\"/>.</summary>");
                w.Open($"public {spec.Name}()");
                w.Line("EmbeddedParameters.CopyTo(Parameters);");
                w.Line("EmbeddedRunningStatistics.CopyTo(_statistics);");
                w.Close();
            }
            else
            {
                w.Line("/// <summary>Creates the network with the embedded trained weights (<see cref=\"EmbeddedParameters\"/>) copied into <see cref=\"Parameters\"/>.</summary>");
                w.Line($"public {spec.Name}() => EmbeddedParameters.CopyTo(Parameters);");
            }
            w.Line();
        }
        w.Line("/// <summary>Creates the network with deterministic initial weights for <paramref name=\"seed\"/>; biases start at 0.</summary>");
        w.Line("/// <param name=\"seed\">The same seed gives the same weights on every machine.</param>");
        w.Open(weights is null ? $"public {spec.Name}(int seed = 0)" : $"public {spec.Name}(int seed)");
        w.Line("var random = new global::NetGen.SeededRandom(seed);");
        w.Line($"{Span} theta = Parameters;");
        foreach (LayerSpec layer in spec.Layers)
        {
            string wSlice = $"theta.Slice({Int(layer.WeightOffset)}, {Int(layer.WeightCount)})";
            if (layer.Kind == LayerKindSpec.BatchNorm)
            {
                w.Line($"// γ{Sup(layer.Index)} = 1, β{Sup(layer.Index)} = 0; running mean 0, running variance 1 (PyTorch's initial values)");
                w.Line($"{wSlice}.Fill(1f);");
                w.Line($"new {Span}(_statistics, {Int(layer.StatisticsOffset + layer.Units)}, {Int(layer.Units)}).Fill(1f);");
                continue;
            }
            if (layer.Kind == LayerKindSpec.Dropout)
            {
                continue;
            }
            if (layer.Init != WeightInitKind.Default)
            {
                WriteChosenInit(w, layer, wSlice);
                continue;
            }
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
        if (spec.Has(LayerKindSpec.Dropout))
        {
            w.Line("_random = random;");
        }
        w.Close();
        w.Line();
    }

    /// <summary>An initialisation chosen with <c>Init = WeightInit.…</c>.</summary>
    private static void WriteChosenInit(SourceWriter w, LayerSpec layer, string wSlice)
    {
        string l = Sup(layer.Index), fanIn = Int(layer.Inputs), fanOut = Int(layer.Units);
        string slope = layer.Activation == ActivationKind.LeakyReLU ? Float(layer.NegativeSlope) : "0f";
        string scale = Float(layer.InitScale);
        switch (layer.Init)
        {
            case WeightInitKind.XavierUniform:
                w.Line($"// W{l}: Xavier/Glorot uniform (Init), U(−a, a) with a = √(6 / (fan_in + fan_out)), fan_in = {fanIn}, fan_out = {fanOut}");
                w.Line($"global::NetGen.Initializers.XavierUniform({wSlice}, {fanIn}, {fanOut}, ref random);");
                break;
            case WeightInitKind.XavierNormal:
                w.Line($"// W{l}: Xavier/Glorot normal (Init), N(0, σ²) with σ = √(2 / (fan_in + fan_out)), fan_in = {fanIn}, fan_out = {fanOut}");
                w.Line($"global::NetGen.Initializers.XavierNormal({wSlice}, {fanIn}, {fanOut}, ref random);");
                break;
            case WeightInitKind.HeUniform:
                w.Line($"// W{l}: He uniform (Init), U(−a, a) with a = √(6 / ((1 + slope²)·fan_in)), fan_in = {fanIn}, slope = {slope}");
                w.Line($"global::NetGen.Initializers.HeUniform({wSlice}, {fanIn}, ref random, {slope});");
                break;
            case WeightInitKind.HeNormal:
                w.Line($"// W{l}: He normal (Init), N(0, σ²) with σ = √(2 / ((1 + slope²)·fan_in)), fan_in = {fanIn}, slope = {slope}");
                w.Line($"global::NetGen.Initializers.HeNormal({wSlice}, {fanIn}, ref random, {slope});");
                break;
            case WeightInitKind.Uniform:
                w.Line($"// W{l}: uniform (Init), U(−s, s) with s = {scale}");
                w.Line($"global::NetGen.Initializers.Uniform({wSlice}, -{scale}, {scale}, ref random);");
                break;
            default:
                w.Line($"// W{l}: normal (Init), N(0, s²) with s = {scale}");
                w.Line($"global::NetGen.Initializers.Normal({wSlice}, 0f, {scale}, ref random);");
                break;
        }
    }

    private static void WriteGuards(SourceWriter w, NetworkSpec spec, string second, string secondSize)
    {
        w.Line($"global::NetGen.Guard.Length(input.Length, InputSize, nameof(input), \"{spec.Name}\", nameof(InputSize));");
        w.Line($"global::NetGen.Guard.Length({second}.Length, {secondSize}, nameof({second}), \"{spec.Name}\", nameof({secondSize}));");
    }
}
