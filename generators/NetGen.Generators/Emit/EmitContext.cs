using System.Collections.Generic;
using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>Where a generated method keeps one layer's values.</summary>
internal enum Form
{
    /// <summary>A span: stack scratch in the inference methods, a workspace buffer in the training methods.</summary>
    Span,

    /// <summary>A float local (one unit).</summary>
    Scalar,

    /// <summary>A V128/V256/V512 local (up to 4, 8, 16 units, unused lanes zero).</summary>
    Lanes,
}

/// <summary>
/// One network being written: its spec, one <see cref="LayerEmitter"/> per layer, the loss, the alias names (recording which
/// the file uses, so that only those are declared) and the workspace's buffers (which layer record sits at which index).
/// </summary>
internal sealed class EmitContext
{
    /// <summary>Layers with at most this many weights are unrolled into one statement per output (and per weight in backward).</summary>
    public const int UnrollLimit = 64;

    private readonly bool[] _used = new bool[AliasNames.Targets.Length];
    private readonly Dictionary<string, int> _fixed = new();
    private readonly Dictionary<string, int> _rows = new();

    public EmitContext(NetworkSpec spec)
    {
        Spec = spec;
        var layers = new LayerEmitter[spec.Layers.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = LayerEmitters.For(spec.Layers[i], this);
        }
        Layers = layers;
        Loss = spec.Loss is { } loss ? new LossEmitter(this, loss) : null;
        if (spec.IsTrainable && spec.IsStreaming)
        {
            // issue 10: the sequence methods' buffers (rows per time step) and the gradient scratch of TrainStep.
            _fixed.Add("g", 0);
            FixedLengths.Add(spec.ParameterCount);
            foreach (LayerEmitter layer in layers)
            {
                foreach ((string name, int length) in layer.SequenceFixedBuffers())
                {
                    _fixed.Add(name, _fixed.Count);
                    FixedLengths.Add(length);
                }
                foreach ((string name, int row) in layer.SequenceBuffers())
                {
                    _rows.Add(name, _rows.Count);
                    RowLengths.Add(row);
                }
            }
        }
        else if (spec.IsTrainable)
        {
            foreach (LayerEmitter layer in layers)
            {
                foreach ((string name, int length) in layer.FixedBuffers())
                {
                    _fixed.Add(name, _fixed.Count);
                    FixedLengths.Add(length);
                }
                foreach ((string name, int row) in layer.BatchBuffers())
                {
                    _rows.Add(name, _rows.Count);
                    RowLengths.Add(row);
                }
            }
        }
    }

    public NetworkSpec Spec { get; }

    public IReadOnlyList<LayerEmitter> Layers { get; }

    public LayerEmitter Output => Layers[Layers.Count - 1];

    /// <summary>
    /// Forward reads a forward copy of θ in which some tiny dense layer's W is stored by columns (issue 11): the network is
    /// not streaming, every layer is straight-line code, and some layer asks for it (<see cref="LayerEmitter.TransposesForForward"/>).
    /// </summary>
    public bool HasForwardCopy
    {
        get
        {
            if (Spec.IsStreaming)
            {
                return false;
            }
            bool any = false;
            foreach (LayerEmitter layer in Layers)
            {
                if (layer.NeedsTiles)
                {
                    return false;
                }
                any |= layer.TransposesForForward;
            }
            return any;
        }
    }

    /// <summary>
    /// θ for a method that only reads it: <c>Parameters</c>, or with a forward copy the span over θ's buffer, since a read of
    /// <c>Parameters</c> marks the copy stale (a span handed out may be written) and reading θ to backprop changes nothing.
    /// </summary>
    public string ThetaToRead => HasForwardCopy ? $"{this[Alias.Aligned]}.Span(_parameters, ParameterCount)" : "Parameters";

    /// <summary>Writes <c>ReadOnlySpan theta = …;</c> for a method that only reads θ (see <see cref="ThetaToRead"/>), with why.</summary>
    public void WriteThetaToRead(SourceWriter w)
    {
        if (HasForwardCopy)
        {
            w.Line("// θ read, not written: not through Parameters, whose every read marks Forward's copy of θ stale.");
        }
        w.Line($"{this[Alias.ReadOnlySpan]} theta = {ThetaToRead};");
    }

    /// <summary>The layers being written are the instance's Forward over its forward copy of θ (see <see cref="HasForwardCopy"/>).</summary>
    public bool WritingForwardCopy { get; set; }

    /// <summary>Some layer's recorded forward pass depends on the mode (dropout): RecordForward then takes <c>training</c>.</summary>
    public bool RecordUsesTraining
    {
        get
        {
            foreach (LayerEmitter layer in Layers)
            {
                if (layer.RecordUsesTraining)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>The loss, or null for an inference-only network.</summary>
    public LossEmitter? Loss { get; }

    /// <summary>The lengths of the workspace's fixed buffers, by index.</summary>
    public List<int> FixedLengths { get; } = new();

    /// <summary>The floats per sample of the workspace's batch buffers, by index.</summary>
    public List<int> RowLengths { get; } = new();

    /// <summary>The name of <paramref name="alias"/> in this file; the file then declares it.</summary>
    public string this[Alias alias]
    {
        get
        {
            _used[(int)alias] = true;
            return Spec.Aliases[alias];
        }
    }

    /// <summary>The using directives of the aliases that <paramref name="body"/> uses.</summary>
    public IEnumerable<string> UsingDirectives(SourceWriter body)
    {
        for (int i = 0; i < _used.Length; i++)
        {
            if (_used[i] && body.Mentions(Spec.Aliases[(Alias)i]))
            {
                yield return $"using {Spec.Aliases[(Alias)i]} = {AliasNames.Targets[i]};";
            }
        }
    }

    /// <summary><c>_workspace.Buffer(i, n)</c>: the fixed workspace buffer a layer registered as <paramref name="name"/>.</summary>
    public string FixedBuffer(string name) => $"_workspace.Buffer({Notation.Int(_fixed[name])}, {Notation.Int(FixedLengths[_fixed[name]])})";

    /// <summary><c>_workspace.Rows(i, batchSize)</c>: the batch buffer a layer registered as <paramref name="name"/>.</summary>
    public string BatchBuffer(string name) => $"_workspace.Rows({Notation.Int(_rows[name])}, batchSize)";

    /// <summary><c>_workspace.Rows(i, steps)</c>: the sequence buffer a layer registered as <paramref name="name"/> (issue 10).</summary>
    public string SequenceBuffer(string name) => $"_workspace.Rows({Notation.Int(_rows[name])}, steps)";

    /// <summary>The names of every registered sequence buffer, in order.</summary>
    public IEnumerable<string> SequenceBufferNames => _rows.Keys;

    /// <summary>The names of every registered fixed buffer, in order.</summary>
    public IEnumerable<string> FixedBufferNames => _fixed.Keys;

    /// <summary>
    /// Forward keeps a layer in registers when it is unrolled, fits one vector, is not softmax, and its consumer is unrolled
    /// too; <paramref name="outputInSpan"/> forces the output layer into a span.
    /// </summary>
    private Form FormOf(LayerEmitter layer, bool outputInSpan)
    {
        if (!layer.FitsRegisters)
        {
            return Form.Span;
        }
        if (layer.IsLast ? outputInSpan : !layer.Next!.IsUnrolled)
        {
            return Form.Span;
        }
        return layer.Units == 1 ? Form.Scalar : Form.Lanes;
    }

    /// <summary>Forward writes the output layer into <c>output</c> directly, whatever its form.</summary>
    public Form ForwardForm(LayerEmitter layer) => FormOf(layer, outputInSpan: false);

    /// <summary>
    /// The recorded forward pass keeps a one-unit output in a register when the loss has a one-value form (the element-wise
    /// losses); cross-entropy and KL divergence need the whole output layer as a span.
    /// </summary>
    public Form RecordForm(LayerEmitter layer) =>
        FormOf(layer, outputInSpan: !(layer.Units == 1 && Loss is { HasScalarForm: true }));

    // ── Registers: float and vector locals ──────────────────────────────────────────────────

    /// <summary>True when <paramref name="count"/> values fill a vector exactly (4, 8 or 16).</summary>
    public static bool FillsLanes(int count) => count == 4 || count == 8 || count == 16;

    public static int LanesWidth(int units) => units <= 4 ? 4 : units <= 8 ? 8 : 16;

    /// <summary>The vector type that holds <paramref name="units"/> lanes: V128, V256 or V512.</summary>
    public string LanesType(int units) => this[units <= 4 ? Alias.V128 : units <= 8 ? Alias.V256 : Alias.V512];

    /// <summary>The static class of that vector type's operations: Vector128, Vector256 or Vector512.</summary>
    public string Vector(int units) => this[units <= 4 ? Alias.Vector128 : units <= 8 ? Alias.Vector256 : Alias.Vector512];

    /// <summary>Element <paramref name="i"/> of a value named <paramref name="name"/> held in <paramref name="form"/>.</summary>
    public string Element(string name, Form form, int i) => form == Form.Scalar ? name : $"{name}[{Notation.Int(i)}]";

    /// <summary><c>Vector128.Create(e0, e1, …)</c> padded with zeros to the vector's width, one element per line.</summary>
    public void WriteLanesCreate(SourceWriter w, string prefix, int units, System.Func<int, string> element, string suffix)
    {
        w.Line($"{prefix}{Vector(units)}.Create(");
        int width = LanesWidth(units);
        for (int o = 0; o < units; o++)
        {
            w.Line($"    {element(o)}{(o == width - 1 ? ")" + suffix : ",")}");
        }
        if (units < width)
        {
            var padding = new System.Text.StringBuilder("    ");
            for (int o = units; o < width; o++)
            {
                padding.Append(o > units ? ", 0f" : "0f");
            }
            w.Line($"{padding}){suffix} // lanes {Notation.Int(units)}–{Notation.Int(width - 1)} unused");
        }
    }

    /// <summary>
    /// <c>Vector256.Create&lt;float&gt;(theta.Slice(start, 8))</c>: a row or column of θ as one vector of <paramref name="count"/>
    /// lanes. The explicit <c>&lt;float&gt;</c> lets a <c>Span&lt;float&gt;</c> convert to the <c>ReadOnlySpan&lt;float&gt;</c>
    /// overload under C# 12 (net8.0 consumers), where generic inference does not see that conversion.
    /// </summary>
    public string ThetaLanes(string span, int start, int count) => ThetaByReference && span == "theta"
        ? $"{Vector(count)}.LoadUnsafe(ref θ, {Notation.Int(start)})"
        : $"{Vector(count)}.Create<float>({span}.Slice({Notation.Int(start)}, {Notation.Int(count)}))";

    /// <summary>
    /// The forward pass being written reads θ's vectors through <c>ref θ</c>, a reference to θ's first value, at constant
    /// offsets inside ParameterCount (issue 11): such a load cannot throw, so the JIT folds it into the multiply-add that uses
    /// it and broadcasts the inputs straight from memory; a span slice is a possible exception that pins the evaluation order.
    /// </summary>
    public bool ThetaByReference { get; set; }

    /// <summary>Writes <c>span[start..start+count) = value</c> for a vector expression.</summary>
    public string StoreLanes(string value, string span, int start, int count) =>
        $"{Vector(count)}.CopyTo({value}, {span}.Slice({Notation.Int(start)}, {Notation.Int(count)}));";
}
