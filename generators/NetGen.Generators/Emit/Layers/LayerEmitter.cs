using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>One value a layer's recorded forward pass keeps for backprop: a register (<see cref="Type"/> set) or a span.</summary>
/// <param name="Name">The local's name, <c>z1</c>.</param>
/// <param name="Type">The register type (<c>float</c>, <c>V128</c>…), or null for a span of <paramref name="Length"/> floats.</param>
/// <param name="Length">Floats in the value.</param>
internal sealed record Record(string Name, string? Type, int Length);

/// <summary>
/// Everything one layer kind writes, in every form: its remarks, members and initialisation, its forward pass for
/// inference (one sample, and tiles of a batch), its recorded forward pass and backward pass (one sample, and a whole
/// batch) and its state-dict tensors. The method emitters in <c>Emit/Methods</c> walk the layers and call these; they
/// never ask which kind a layer is. One subclass per kind in <c>Emit/Layers</c>, created by <see cref="LayerEmitters"/>.
/// </summary>
/// <remarks>
/// Names in generated code: x is the input, <c>a{l}</c>, <c>z{l}</c>, <c>delta{l}</c> layer l's a⁽ˡ⁾, z⁽ˡ⁾, δ⁽ˡ⁾ for one
/// sample; <c>ba{l}</c>, <c>bz{l}</c>, <c>bd{l}</c> the same for a whole batch (row-major); θ is <c>theta</c>, ∂L/∂θ <c>grad</c>.
/// </remarks>
internal abstract class LayerEmitter
{
    protected LayerEmitter(LayerModel model, EmitContext context)
    {
        Model = model;
        Context = context;
        F = new ActivationEmitter(context, model.Activation, model.Index);
    }

    public LayerModel Model { get; }

    public EmitContext Context { get; }

    /// <summary>The layer's activation f.</summary>
    public ActivationEmitter F { get; }

    public int Index => Model.Index;

    public int Units => Model.Units;

    public int Inputs => Model.Inputs;

    public bool IsLast => Index == Context.Layers.Count;

    public LayerEmitter? Previous => Index > 1 ? Context.Layers[Index - 2] : null;

    public LayerEmitter? Next => IsLast ? null : Context.Layers[Index];

    /// <summary>The name of this layer's input in the one-sample methods: x, or the previous layer's a.</summary>
    public string InName => Index == 1 ? "x" : $"a{Index - 1}";

    /// <summary>The name of this layer's input in the batch methods: the inputs, or the previous layer's batch a.</summary>
    public string BatchInName => Index == 1 ? "inputs" : $"ba{Index - 1}";

    protected string L => Sup(Index);

    protected string Span => Context[Alias.Span];

    protected string ReadOnlySpan => Context[Alias.ReadOnlySpan];

    // ── Shape of the generated code ──────────────────────────────────────────────────────────

    /// <summary>Written out as straight-line code (one statement per output and per weight).</summary>
    public virtual bool IsUnrolled => false;

    /// <summary>Can hold its values in a float or vector local (then <see cref="EmitContext.ForwardForm"/> decides).</summary>
    public virtual bool FitsRegisters => false;

    /// <summary>Keeps z⁽ˡ⁾ apart from a⁽ˡ⁾ (false for layers whose output is not an activation of a pre-activation).</summary>
    public virtual bool HasZ => true;

    /// <summary>The layer does something else in training mode (dropout's mask, batch norm's batch statistics).</summary>
    public virtual bool BehavesDifferentlyInTraining => false;

    /// <summary>Why one sample is not enough in training mode, or null (batch norm: it normalises over the batch).</summary>
    public virtual string? BatchRequirement => null;

    /// <summary>The layer draws random numbers after construction (the class then keeps its generator).</summary>
    public virtual bool UsesRandom => false;

    /// <summary>Forward over a batch needs tiles (a kernel that reads each weight once per tile of samples).</summary>
    public virtual bool NeedsTiles => false;

    /// <summary>Forward reads this layer's W by columns from the forward copy of θ (issue 11; see <see cref="EmitContext.HasForwardCopy"/>).</summary>
    public virtual bool TransposesForForward => false;

    /// <summary>The W Forward reads by columns from its copy of θ: (offset in θ, rows, columns); null when none.</summary>
    public virtual (int Offset, int Rows, int Columns)? ForwardByColumns => null;

    // ── Class remarks, members, initialisation ───────────────────────────────────────────────

    /// <summary>The layer in the class remark's chain: <c> → Dense 4 (tanh)</c>.</summary>
    public abstract string Summary { get; }

    /// <summary>The layer's bullet in the parameter layout, if it has parameters.</summary>
    public virtual void WriteParameterRemark(SourceWriter w)
    {
    }

    /// <summary>The arguments of its <c>NetGen.LayerInfo</c>.</summary>
    public abstract string LayerInfo { get; }

    /// <summary>An object initialiser after its <c>NetGen.LayerInfo</c>'s arguments (a convolution's <c> { KernelSize = 5 }</c>), or "".</summary>
    public virtual string LayerInfoInitializer => "";

    /// <summary>
    /// Floats of stack scratch a tile of <see cref="WriteForwardTile"/> uses as <c>scratch{l}</c> (a convolution's kernel scratch);
    /// <c>ForwardBatch</c> declares it once, outside its loop over tiles.
    /// </summary>
    public virtual int TileScratch => 0;

    /// <summary>Writes the initialisation of the layer's parameters and state (in the constructor: <c>theta</c>, <c>random</c>).</summary>
    public virtual void WriteInit(SourceWriter w)
    {
    }

    // ── Inference ────────────────────────────────────────────────────────────────────────────

    /// <summary>The comment block that opens the layer in every method: its formula.</summary>
    public abstract void WriteHeader(SourceWriter w);

    /// <summary>
    /// Forward for one sample: from <see cref="InName"/> to <c>a{l}</c> (to <c>output</c> for the last layer). Reads θ from
    /// <c>theta</c> and the running statistics from <paramref name="statistics"/> (a span local; null: the instance's).
    /// </summary>
    public abstract void WriteForward(SourceWriter w, string? statistics);

    /// <summary>Forward for a tile of <c>n</c> samples: from <c>x</c> or <c>a{l-1}</c> into the span <c>a{l}</c>.</summary>
    public abstract void WriteForwardTile(SourceWriter w);

    // ── Training ─────────────────────────────────────────────────────────────────────────────

    /// <summary>What the recorded forward pass keeps for backprop, in <see cref="EmitContext.RecordForm"/>.</summary>
    public abstract IReadOnlyList<Record> Records { get; }

    /// <summary>The recorded forward pass for one sample (into <see cref="Records"/>; <c>training</c> is the mode).</summary>
    public abstract void WriteRecord(SourceWriter w);

    /// <summary>The one-sample recorded forward pass reads <c>training</c> (the mode: dropout's mask).</summary>
    public virtual bool RecordUsesTraining => false;

    /// <summary>
    /// Backprop for one sample: from δ⁽ˡ⁾ to δ⁽ˡ⁻¹⁾ (with the parameters as they were) and each parameter's ∂L/∂θ handed to
    /// <c>step</c> (an IParameterStep) with the target span <c>into</c>: <c>step.Apply(ref into[k], g)</c>.
    /// </summary>
    public abstract void WriteBackward(SourceWriter w);

    /// <summary>The recorded forward pass over a batch, into <c>bz{l}</c>, <c>ba{l}</c>… (<c>Training</c> is the mode).</summary>
    public abstract void WriteRecordBatch(SourceWriter w);

    /// <summary>
    /// Backprop over a batch, as <see cref="WriteBackward"/> with one sample's arithmetic per row (so that it equals Backward per
    /// sample bit for bit): every sample's δ⁽ˡ⁻¹⁾ first, with the parameters as they were, then the parameters' terms.
    /// </summary>
    public abstract void WriteBackwardBatch(SourceWriter w);

    /// <summary>Workspace buffers of a fixed length: the span records and δ, and any the layer needs besides.</summary>
    public virtual IEnumerable<(string Name, int Length)> FixedBuffers()
    {
        bool span = false;
        foreach (Record record in Records)
        {
            if (record.Type is null)
            {
                span = true;
                yield return (record.Name, record.Length);
            }
        }
        if (span)
        {
            yield return ($"delta{Index}", Units);
        }
    }

    /// <summary>Workspace buffers of one row per sample: the batch records and δ.</summary>
    public virtual IEnumerable<(string Name, int Row)> BatchBuffers()
    {
        if (HasZ)
        {
            yield return ($"bz{Index}", Units);
        }
        yield return ($"ba{Index}", Units);
        yield return ($"bd{Index}", Units);
    }

    // ── The guarded SGD step (issue 13) ──────────────────────────────────────────────────────

    /// <summary>
    /// The layer hands no term to <c>step</c> in <see cref="WriteBackward"/>/<see cref="WriteBackwardBatch"/> when
    /// <c>step.IsSgd</c>: it computes δ⁽ˡ⁻¹⁾ (and any gradient it keeps in scratch) with θ as it was, and its terms are written
    /// by <see cref="WriteStep"/>/<see cref="WriteStepBatch"/>, after every layer's δ is known and the guard
    /// (<see cref="StepBound"/>, NetGen.StepGuard) has checked them. True by default for a layer without parameters. A kind
    /// with parameters that leaves it false steps during backprop; the network's TrainStep then saves θ before every step.
    /// </summary>
    public virtual bool DefersStep => Model.ParameterCount == 0;

    /// <summary>The layer's step terms for one sample (<c>step.Apply</c> into <c>into</c>), after the guard.</summary>
    public virtual void WriteStep(SourceWriter w)
    {
    }

    /// <summary>The layer's step terms for a batch, after the guard.</summary>
    public virtual void WriteStepBatch(SourceWriter w)
    {
    }

    /// <summary>
    /// The guard's check of the layer's terms, a <c>NetGen.StepGuard.Bounded(…)</c> expression on its δ and input (or its
    /// scratch gradients), or null when it has no parameters.
    /// </summary>
    public virtual string? StepBound(bool batch) => null;

    // ── Sequences: networks with recurrent layers (issue 10) ─────────────────────────────────
    // Only kinds whose rule has InSequences (NG2204 keeps the others out of such networks) are asked for these.
    // Names: the step reads x (or a{l-1}) and the state span s, θ from theta and the packed weights from packed; the
    // sequence methods keep layer l's output sequence in sa{l} ([steps, units], row-major) and ∂L/∂(that output) in sd{l}.

    /// <summary>Floats of the layer's state in the network's State (its StateCount).</summary>
    public int StateCount => Model.StateCount;

    /// <summary>The last layer's z⁽ᴸ⁾ is a span of its own in the step and sequence methods (f is not the identity).</summary>
    public virtual bool SequenceKeepsZ => false;

    /// <summary>Packs the layer's θ for its streaming kernels (from <c>theta</c> into <c>packed</c>); nothing for layers without packed weights.</summary>
    public virtual void WritePack(SourceWriter w)
    {
    }

    /// <summary>One time step: from <see cref="InName"/> to <c>a{l}</c> (to <c>output</c> for the last layer, through the span <c>z{l}</c> when f is not identity).</summary>
    public virtual void WriteTimeStep(SourceWriter w) => throw NotInSequences();

    /// <summary>The workspace buffers of the sequence methods: (name, floats per time step).</summary>
    public virtual IEnumerable<(string Name, int Row)> SequenceBuffers() => throw NotInSequences();

    /// <summary>The workspace buffers of the sequence methods that do not grow with the steps: (name, floats).</summary>
    public virtual IEnumerable<(string Name, int Length)> SequenceFixedBuffers()
    {
        yield break;
    }

    /// <summary>The recorded forward pass over a sequence: from <c>inputs</c> or <c>sa{l-1}</c> into <c>sa{l}</c> (state in <c>s</c>).</summary>
    public virtual void WriteSequenceRecord(SourceWriter w) => throw NotInSequences();

    /// <summary>Backprop through time for the layer: from <c>sd{l}</c> into <c>sd{l-1}</c> (then the previous f′), adding ∂L/∂θ into <c>grad</c>.</summary>
    public virtual void WriteSequenceBackward(SourceWriter w) => throw NotInSequences();

    /// <summary>The name of the layer's input sequence in the sequence methods.</summary>
    protected string SequenceInName => Index == 1 ? "inputs" : $"sa{Index - 1}";

    /// <summary>After ∂L/∂a⁽ˡ⁻¹⁾ is written into <c>sd{l-1}</c>: the previous layer's f′ over the whole sequence.</summary>
    protected void WritePreviousSequenceDerivative(SourceWriter w)
    {
        if (Previous is not { } previous || previous.F.IsIdentity)
        {
            return;
        }
        int p = previous.Index;
        w.Line($"// {previous.F.Derivative}, at every step");
        if (previous.F.IsElementWise)
        {
            previous.F.WriteSpanBackward(w, $"sd{p}", $"sa{p}", $"sz{p}");
            return;
        }
        string n = Int(previous.Units);
        w.Open("for (int t = 0; t < steps; t++)");
        w.Line($"{Span} a{p} = sa{p}.Slice(t * {n}, {n}), delta{p} = sd{p}.Slice(t * {n}, {n});");
        previous.F.WriteSpanBackward(w, $"delta{p}");
        w.Close();
    }

    private System.InvalidOperationException NotInSequences() =>
        new($"{GetType().Name} does not run step by step; NG2204 keeps it out of networks with recurrent layers.");

    // ── State dict ───────────────────────────────────────────────────────────────────────────

    /// <summary>The layer's tensors in the equivalent PyTorch nn.Sequential, under module prefix <paramref name="prefix"/> ("0.").</summary>
    public virtual IEnumerable<TensorSpec> Tensors(string prefix)
    {
        yield break;
    }

    /// <summary>PyTorch state-dict entries a file may have and NetGen does not store (batch norm's num_batches_tracked).</summary>
    public virtual IEnumerable<string> IgnoredTensors(string prefix)
    {
        yield break;
    }

    /// <summary>
    /// The PyTorch module of the layer itself, as a constructor call in Python (<c>nn.Linear(4, 8)</c>); its activation's module
    /// is <see cref="ActivationEmitter.PyTorchModule"/>. Every kind writes one (the generated <c>PyTorchModule</c> constant).
    /// </summary>
    public abstract string PyTorchModule { get; }

    /// <summary>Modules the layer is in the nn.Sequential: itself, plus its activation unless identity.</summary>
    public virtual int Modules => Model.Activation.IsIdentity ? 1 : 2;

    // ── Shared pieces ────────────────────────────────────────────────────────────────────────

    /// <summary><c>Layer 2 · Dense 4 → 1 · sigmoid</c> and the lines under it; "ŷ" names the last layer's output.</summary>
    protected string OutputName => IsLast ? "ŷ" : A(Index);

    /// <summary>How this layer reads element i of its input in a method whose layers are in <paramref name="formOf"/>.</summary>
    public System.Func<int, string> InputElement(System.Func<LayerEmitter, Form> formOf)
    {
        if (Previous is not { } previous)
        {
            return i => $"x[{Int(i)}]";
        }
        Form form = formOf(previous);
        return i => Context.Element($"a{previous.Index}", form, i);
    }

    /// <summary>
    /// The layer's whole input as one vector expression when it fills a vector exactly: the previous layer's register, or a
    /// vector loaded from x (or the previous layer's span); null otherwise.
    /// </summary>
    public string? InputLanes(System.Func<LayerEmitter, Form> formOf)
    {
        if (!EmitContext.FillsLanes(Inputs))
        {
            return null;
        }
        if (Previous is not { } previous)
        {
            return $"{Context.Vector(Inputs)}.Create<float>(x)";
        }
        return formOf(previous) switch
        {
            Form.Lanes => $"a{previous.Index}",
            Form.Span => $"{Context.Vector(Inputs)}.Create<float>(a{previous.Index})",
            _ => null,
        };
    }

    /// <summary>After ∂L/∂a⁽ˡ⁻¹⁾ is written into <paramref name="delta"/>: the previous layer's f′ makes it δ⁽ˡ⁻¹⁾ (nothing for identity).</summary>
    protected void WritePreviousDerivative(SourceWriter w, string delta, bool withComment = true)
    {
        if (Previous is { } previous && !previous.F.IsIdentity)
        {
            if (withComment)
            {
                w.Line($"// {previous.F.Derivative}");
            }
            previous.F.WriteSpanBackward(w, delta);
        }
    }

    /// <summary>
    /// Opens <c>for (b …)</c> and declares sample b's rows of the named batch records (<c>a1</c> for <c>ba1</c>…), so that
    /// per-sample code reads as the one-sample code.
    /// </summary>
    protected static void OpenRows(SourceWriter w, EmitContext context, params (LayerEmitter? Layer, string Kind, bool ReadOnly)[] rows)
    {
        w.Open("for (int b = 0; b < batchSize; b++)");
        var writable = new List<string>();
        var readable = new List<string>();
        foreach ((LayerEmitter? layer, string kind, bool readOnly) in rows)
        {
            string declaration = layer is null
                ? "x = inputs.Slice(b * InputSize, InputSize)"
                : $"{kind}{layer.Index} = b{(kind == "delta" ? "d" : kind)}{layer.Index}.Slice(b * {Int(layer.Units)}, {Int(layer.Units)})";
            (readOnly ? readable : writable).Add(declaration);
        }
        if (readable.Count > 0)
        {
            w.Line($"{context[Alias.ReadOnlySpan]} {string.Join(", ", readable)};");
        }
        if (writable.Count > 0)
        {
            w.Line($"{context[Alias.Span]} {string.Join(", ", writable)};");
        }
    }
}

/// <summary>The one place that maps a model record to its emitter: a new layer kind adds one line.</summary>
internal static class LayerEmitters
{
    public static LayerEmitter For(LayerModel layer, EmitContext context) => layer switch
    {
        DenseLayer dense => new DenseEmitter(dense, context),
        DropoutLayer dropout => new DropoutEmitter(dropout, context),
        BatchNormLayer batchNorm => new BatchNormEmitter(batchNorm, context),
        // issue 9
        Conv2DLayer conv => new Conv2DEmitter(conv, context),
        Pool2DLayer pool => new Pool2DEmitter(pool, context),
        FlattenLayer flatten => new FlattenEmitter(flatten, context),
        Conv1DLayer conv1D => new Conv1DEmitter(conv1D, context),
        Pool1DLayer pool1D => new Pool1DEmitter(pool1D, context),
        GlobalAvgPoolLayer global => new GlobalAvgPoolEmitter(global, context),
        ChannelBatchNormLayer channelBatchNorm => new ChannelBatchNormEmitter(channelBatchNorm, context),
        // issue 10
        RecurrentLayer recurrent => new RecurrentEmitter(recurrent, context),
        CausalConv1DLayer causal => new CausalConv1DEmitter(causal, context),   // issue 10b
        // issue 13
        NormalizationLayer normalization => new NormalizationEmitter(normalization, context),
        _ => throw new System.ArgumentException("No emitter for " + layer.GetType().Name, nameof(layer)),
    };
}
