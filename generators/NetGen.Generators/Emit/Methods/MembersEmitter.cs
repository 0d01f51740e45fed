using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>The class remarks, constants, storage, the interface plumbing, the layer list and the seeded constructor.</summary>
internal static class MembersEmitter
{
    public static void WriteClassRemarks(SourceWriter w, EmitContext context, EmbeddedWeights? weights)
    {
        NetworkSpec spec = context.Spec;
        w.Line("/// <remarks>");
        var chain = new System.Text.StringBuilder($"Input {spec.Input}");
        bool modes = false;
        foreach (LayerEmitter layer in context.Layers)
        {
            chain.Append(layer.Summary);
            modes |= layer.BehavesDifferentlyInTraining;
        }
        w.Line($"/// <para>{chain}.</para>");
        w.Line(context.Loss is { } loss
            ? $"/// <para>Loss: {loss.Name}, reduction {spec.Reduction}. Trainable: <c>Backward</c> adds ∂L/∂θ to <c>Gradients</c>.</para>"
            : "/// <para>No loss: inference only.</para>");
        w.Line($"/// <para>Parameters θ ({Int(spec.ParameterCount)} floats, one buffer; each weight is out × in, row-major, as PyTorch's nn.Linear.weight):</para>");
        w.Line("/// <list type=\"bullet\">");
        foreach (LayerEmitter layer in context.Layers)
        {
            layer.WriteParameterRemark(w);
        }
        w.Line("/// </list>");
        if (modes)
        {
            w.Line("/// <para>Modes: <c>Forward</c> and <c>Evaluate</c> are inference (dropout is the identity, batch norm uses its running statistics);");
            w.Line("/// <c>Backward</c> and <c>BackwardBatch</c> follow <c>Training</c> (true unless set, as a fresh PyTorch module).</para>");
        }
        if (weights is not null)
        {
            w.Line($"/// <para>Trained weights embedded at compile time from <c>{NetworkEmitter.Xml(weights.FileName)}</c>: see <c>EmbeddedParameters</c> and <c>{(context.Spec.IsStreaming ? "StepEmbedded" : "ForwardEmbedded")}</c>.</para>");
        }
        w.Line("/// </remarks>");
    }

    public static void WriteMembers(SourceWriter w, EmitContext context)
    {
        NetworkSpec spec = context.Spec;
        string span = context[Alias.Span], aligned = context[Alias.Aligned];
        w.Line("/// <summary>Values in one input vector, in one output vector, and floats in <see cref=\"Parameters\"/>.</summary>");
        w.Line($"public const int InputSize = {Int(spec.InputSize)}, OutputSize = {Int(spec.OutputSize)}, ParameterCount = {Int(spec.ParameterCount)};");
        w.Line();
        w.Line("// θ and ∂L/∂θ: pinned buffers aligned to a 64-byte cache line (no 512-bit load of a row straddles two), seen as spans.");
        if (context.HasForwardCopy)
        {
            // issue 11: θ, then Forward's copy of θ (some W by columns) and its mark, in one buffer (NetGen.Kernels.ForwardCopy).
            w.Line($"private readonly float[] _parameters = {aligned}.Allocate({context[Alias.ForwardCopy]}.Length(ParameterCount)); // θ, Forward's copy of θ, its mark");
        }
        else
        {
            w.Line($"private readonly float[] _parameters = {aligned}.Allocate(ParameterCount);");
        }
        if (spec.IsTrainable)
        {
            w.Line($"private readonly float[] _gradients = {aligned}.Allocate(ParameterCount);");
        }
        if (spec.StatisticsCount > 0)
        {
            w.Line(AdaptEmitter.Layer(context) is null
                ? "// Batch norm's running mean and variance, layer by layer (not trained; used by inference)."
                : "// The normalization's adapted mean and variance (and batch norm's running ones), layer by layer (not trained; used by inference).");
            w.Line($"private readonly float[] _statistics = new float[{Int(spec.StatisticsCount)}];");
        }
        if (UsesRandom(context))
        {
            w.Line("// Dropout's mask generator, continued from the initialisation's seeded stream.");
            w.Line("private global::NetGen.SeededRandom _random;");
            w.Line("// Its state, which checkpoints save so that a resumed run draws the same masks (issue 13).");
            w.Line("ulong global::NetGen.IRandomStateNetwork.RandomState { get => _random.State; set => _random.State = value; }");
        }
        if (spec.IsTrainable)
        {
            w.Line(spec.IsStreaming
                ? "// Training's records: ∂L/∂θ of TrainStep, and per time step the hidden states, gates and δ (grown to the longest sequence)."
                : "// Training's records (z⁽ˡ⁾, a⁽ˡ⁾, δ⁽ˡ⁾ not kept in registers) of one sample and of a batch: training belongs to one thread.");
            w.Line($"private readonly global::NetGen.Workspace _workspace = new([{string.Join(", ", context.FixedLengths)}], [{string.Join(", ", context.RowLengths)}]);");
        }
        w.Line();
        w.Line("/// <inheritdoc/>");
        if (spec.IsStreaming)
        {
            // issue 10: the recurrent kernels read a packed copy of θ; a read of Parameters may be a write, so it marks the copy stale.
            w.Line($"/// <remarks>Every read marks the {StepEmitter.StreamingLayers(context)}' packed weights stale, so a write through the returned span is seen by the");
            w.Line("/// next step; read <c>Parameters</c> again after a step rather than keeping the span across it.</remarks>");
            w.Open($"public {span} Parameters");
            w.Open("get");
            w.Line("_packedStale = true;");
            w.Line($"return {aligned}.Span(_parameters, ParameterCount);");
            w.Close();
            w.Close();
        }
        else if (context.HasForwardCopy)
        {
            // issue 11: Forward reads a copy of θ with some W by columns; a read of Parameters may be a write, so it marks the copy stale.
            w.Line("/// <remarks>Every read marks Forward's copy of θ (some W by columns) stale, so a write through the returned span is seen");
            w.Line("/// by the next <c>Forward</c>; read <c>Parameters</c> again after a Forward rather than keeping the span across it.</remarks>");
            w.Open($"public {span} Parameters");
            w.Open("get");
            w.Line($"{context[Alias.ForwardCopy]}.MarkStale(_parameters, ParameterCount);");
            w.Line($"return {aligned}.Span(_parameters, ParameterCount);");
            w.Close();
            w.Close();
        }
        else
        {
            w.Line($"public {span} Parameters => {aligned}.Span(_parameters, ParameterCount);");
        }
        if (spec.IsTrainable)
        {
            w.Line("/// <inheritdoc/>");
            w.Line($"public {span} Gradients => {aligned}.Span(_gradients, ParameterCount);");
            w.Line("/// <inheritdoc/>");
            w.Line("public void ZeroGradients() => Gradients.Clear();");
            w.Line("/// <inheritdoc/>");
            w.Line("public bool Training { get; set; } = true;");
        }
        if (spec.StatisticsCount > 0)
        {
            w.Line("/// <inheritdoc/>");
            w.Line($"public {span} RunningStatistics => _statistics;");
        }
        else
        {
            w.Line($"{span} global::NetGen.INetwork.RunningStatistics => default;");
        }
        w.Line("int global::NetGen.INetwork.InputSize => InputSize;");
        w.Line("int global::NetGen.INetwork.OutputSize => OutputSize;");
        w.Line("int global::NetGen.INetwork.ParameterCount => ParameterCount;");
        w.Line();
        string layerInfo = context[Alias.LayerInfo];
        w.Line("/// <summary>The layers in order, with their parameter ranges in <see cref=\"Parameters\"/>.</summary>");
        w.Line($"public static global::System.Collections.Generic.IReadOnlyList<{layerInfo}> Layers {{ get; }} = global::System.Array.AsReadOnly(new {layerInfo}[]");
        w.Line("{");
        foreach (LayerEmitter layer in context.Layers)
        {
            // The kind's own init members (KernelSize …) and, for a named layer, Name (every kind: NetGen.LayerAttribute).
            string initializer = layer.LayerInfoInitializer;
            if (layer.Model.Name is { } name)
            {
                initializer = initializer.Length == 0 ? $" {{ Name = \"{name}\" }}" : initializer.Substring(0, initializer.Length - 2) + $", Name = \"{name}\" }}";
            }
            w.Line($"    new({layer.LayerInfo}){initializer},");
        }
        w.Line("});");
        w.Line($"global::System.Collections.Generic.IReadOnlyList<{layerInfo}> global::NetGen.INetwork.Layers => Layers;");
        w.Line();
        if (context.Spec.IsTrainable && context.Spec.Loss is { } loss)
        {
            // The declared loss as a constant: Metrics and Trainer read it through ITrainableNetwork.Loss, without reflection
            // on [Network] (which NativeAOT trimming may remove).
            w.Line("/// <summary>The loss this network was declared with (<c>[Network(Loss = …)]</c>).</summary>");
            w.Line($"public const global::NetGen.Loss Loss = global::NetGen.Loss.{loss};");
            w.Line("global::NetGen.Loss global::NetGen.ITrainableNetwork.Loss => Loss;");
            w.Line();
        }
    }

    internal static bool UsesRandom(EmitContext context)
    {
        foreach (LayerEmitter layer in context.Layers)
        {
            if (layer.UsesRandom)
            {
                return true;
            }
        }
        return false;
    }

    public static void WriteConstructor(SourceWriter w, EmitContext context, EmbeddedWeights? weights)
    {
        NetworkSpec spec = context.Spec;
        if (weights is not null)
        {
            if (spec.StatisticsCount > 0)
            {
                w.Line("/// <summary>Creates the network with the embedded trained weights and running statistics copied into <see cref=\"Parameters\"/> and <see cref=\"RunningStatistics\"/>.</summary>");
                w.Open($"public {spec.Name}()");
                w.Line("EmbeddedParameters.CopyTo(Parameters);");
                w.Line("EmbeddedRunningStatistics.CopyTo(_statistics);");
                if (AdaptEmitter.Layer(context) is not null)
                {
                    w.Line("IsAdapted = true; // the normalization's mean and variance came with the weights");
                }
                w.Close();
            }
            else
            {
                w.Line("/// <summary>Creates the network with the embedded trained weights (<see cref=\"EmbeddedParameters\"/>) copied into <see cref=\"Parameters\"/>.</summary>");
                w.Line($"public {spec.Name}() => EmbeddedParameters.CopyTo(Parameters);");
            }
            w.Line();
        }
        SourceWriter body = w.Child(1);
        foreach (LayerEmitter layer in context.Layers)
        {
            layer.WriteInit(body);
        }
        if (UsesRandom(context))
        {
            body.Line("_random = random;");
        }
        w.Line("/// <summary>Creates the network with deterministic initial weights for <paramref name=\"seed\"/>; biases start at 0.</summary>");
        w.Line("/// <param name=\"seed\">The same seed gives the same weights on every machine.</param>");
        w.Open(weights is null ? $"public {spec.Name}(int seed = 0)" : $"public {spec.Name}(int seed)");
        if (body.Mentions("random"))
        {
            w.Line("var random = new global::NetGen.SeededRandom(seed);");
        }
        if (body.Mentions("theta"))
        {
            w.Line($"{context[Alias.Span]} theta = Parameters;");
        }
        w.Append(body);
        w.Close();
        w.Line();
    }

    /// <summary>The argument guards: input against InputSize, <paramref name="second"/> against <paramref name="secondSize"/>.</summary>
    public static void WriteGuards(SourceWriter w, EmitContext context, params string[] spans)
    {
        string guard = context[Alias.Guard];
        foreach (string span in spans)
        {
            string size = span == "input" ? "InputSize" : "OutputSize";
            w.Line($"{guard}.Length({span}.Length, {size}, nameof({span}), \"{context.Spec.Name}\", nameof({size}));");
        }
    }
}
