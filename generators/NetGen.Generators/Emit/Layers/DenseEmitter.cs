using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// [Dense(units, f)]: z = W·x + b, a = f(z). Layers with at most <see cref="EmitContext.UnrollLimit"/> weights are written out
/// as straight-line code (a layer that fits one vector and feeds another straight-line layer keeps z, a and δ in registers:
/// a float for one unit, else a vector with unused lanes zero); larger ones call NetGen.Kernels.DenseKernels with constant
/// shapes. Every form computes the same bits for the same layer (per sample, the same operations in the same order).
/// </summary>
internal sealed partial class DenseEmitter : LayerEmitter
{
    private readonly DenseLayer _layer;

    public DenseEmitter(DenseLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    public override bool IsUnrolled => _layer.WeightCount <= EmitContext.UnrollLimit;

    public override bool FitsRegisters => IsUnrolled && F.HasRegisterForm && Units <= 16;

    public override bool NeedsTiles => !IsUnrolled;

    private string Kernels => Context[Alias.DenseKernels];

    private string W => $"theta.Slice({Int(_layer.WeightOffset)}, {Int(_layer.WeightCount)})";

    private string B => $"theta.Slice({Int(_layer.BiasOffset)}, {Int(Units)})";

    private string IntoW => $"into.Slice({Int(_layer.WeightOffset)}, {Int(_layer.WeightCount)})";

    private string IntoB => $"into.Slice({Int(_layer.BiasOffset)}, {Int(Units)})";

    private string Shape => $"{Int(Units)}, {Int(Inputs)}";

    // ── Remarks, members, initialisation ─────────────────────────────────────────────────────

    public override string Summary => $" → Dense {Int(Units)} ({F.Name})";

    public override void WriteParameterRemark(SourceWriter w) =>
        w.Line($"/// <item>W{L} = {Range(_layer.WeightOffset, _layer.WeightCount)} ({Int(Units)}×{Int(Inputs)}), b{L} = {Range(_layer.BiasOffset, Units)}</item>");

    public override string LayerInfo =>
        $"{Int(Index)}, {Context[Alias.LayerKind]}.Dense, {Int(Inputs)}, {Int(Units)}, {Context[Alias.Activation]}.{F.Kind}, {Int(_layer.WeightOffset)}, {Int(_layer.WeightCount)}, {Int(_layer.BiasOffset)}, {Int(Units)}";

    public override void WriteInit(SourceWriter w)
    {
        if (_layer.Init == WeightInitKind.Default)
        {
            F.WriteDefaultInit(w, W, Inputs, Units);
            return;
        }
        string initializers = Context[Alias.Initializers];
        string fanIn = Int(Inputs), fanOut = Int(Units), slope = F.InitSlope, scale = Float(_layer.InitScale);
        switch (_layer.Init)
        {
            case WeightInitKind.XavierUniform:
                w.Line($"// W{L}: Xavier/Glorot uniform (Init), U(−a, a) with a = √(6 / (fan_in + fan_out)), fan_in = {fanIn}, fan_out = {fanOut}");
                w.Line($"{initializers}.XavierUniform({W}, {fanIn}, {fanOut}, ref random);");
                break;
            case WeightInitKind.XavierNormal:
                w.Line($"// W{L}: Xavier/Glorot normal (Init), N(0, σ²) with σ = √(2 / (fan_in + fan_out)), fan_in = {fanIn}, fan_out = {fanOut}");
                w.Line($"{initializers}.XavierNormal({W}, {fanIn}, {fanOut}, ref random);");
                break;
            case WeightInitKind.HeUniform:
                w.Line($"// W{L}: He uniform (Init), U(−a, a) with a = √(6 / ((1 + slope²)·fan_in)), fan_in = {fanIn}, slope = {slope}");
                w.Line($"{initializers}.HeUniform({W}, {fanIn}, ref random, {slope});");
                break;
            case WeightInitKind.HeNormal:
                w.Line($"// W{L}: He normal (Init), N(0, σ²) with σ = √(2 / ((1 + slope²)·fan_in)), fan_in = {fanIn}, slope = {slope}");
                w.Line($"{initializers}.HeNormal({W}, {fanIn}, ref random, {slope});");
                break;
            case WeightInitKind.Uniform:
                w.Line($"// W{L}: uniform (Init), U(−s, s) with s = {scale}");
                w.Line($"{initializers}.Uniform({W}, -{scale}, {scale}, ref random);");
                break;
            default:
                w.Line($"// W{L}: normal (Init), N(0, s²) with s = {scale}");
                w.Line($"{initializers}.Normal({W}, 0f, {scale}, ref random);");
                break;
        }
    }

    public override IEnumerable<TensorSpec> Tensors(string prefix)
    {
        yield return new TensorSpec(prefix + "weight", _layer.WeightOffset, new EquatableArray<int>(new[] { Units, Inputs }));
        yield return new TensorSpec(prefix + "bias", _layer.BiasOffset, new EquatableArray<int>(new[] { Units }));
    }

    // ── Inference ────────────────────────────────────────────────────────────────────────────

    public override void WriteHeader(SourceWriter w)
    {
        w.Line($"// Layer {Int(Index)} · Dense {Int(Inputs)} → {Int(Units)} · {F.Name}");
        w.Line($"//   z{L} = W{L}·{A(Index - 1)} + b{L}        W{L} = {Range(_layer.WeightOffset, _layer.WeightCount)} ({Int(Units)}×{Int(Inputs)}, row-major), b{L} = {Range(_layer.BiasOffset, Units)}");
        w.Line($"//   {F.Formula(OutputName)}");
    }

    public override void WriteForward(SourceWriter w, string? statistics)
    {
        WriteHeader(w);
        int l = Index;
        System.Func<int, string> input = InputElement(Context.ForwardForm);
        switch (Context.ForwardForm(this))
        {
            case Form.Scalar:
            {
                string z = ScalarAffine(input, Context.ForwardForm);
                string a = F.Register(z) ?? z;
                w.Line(IsLast ? $"output[0] = {a};" : $"float a{l} = {a};");
                break;
            }
            case Form.Lanes:
            {
                string? f = F.Register("");
                string prefix = f is null ? "" : f.Substring(0, f.IndexOf('(') + 1);
                string suffix = f is null ? ";" : f.Substring(f.IndexOf('(') + 1) + ";";
                string declaration = $"{Context.LanesType(Units)} a{l} = {prefix}";
                WriteLanesAffine(w, declaration, suffix, input, Context.ForwardForm);
                if (IsLast)
                {
                    if (Units == EmitContext.LanesWidth(Units))
                    {
                        w.Line($"{Context.Vector(Units)}.CopyTo(a{l}, output);");
                    }
                    else
                    {
                        for (int o = 0; o < Units; o++)
                        {
                            w.Line($"output[{Int(o)}] = a{l}[{Int(o)}];");
                        }
                    }
                }
                break;
            }
            default:
            {
                string target = IsLast ? "output" : $"a{l}";
                if (!IsLast)
                {
                    w.Line($"{Span} {target} = stackalloc float[{Int(Units)}];");
                }
                WriteAffineActivation(w, input, InName, target, target, InputLanes(Context.ForwardForm));
                break;
            }
        }
    }

    public override void WriteForwardTile(SourceWriter w)
    {
        int l = Index;
        string input = Index == 1 ? "x" : $"a{l - 1}";
        string units = Int(Units);
        if (IsUnrolled)
        {
            w.Open("for (int b = 0; b < n; b++)");
            w.Line($"{ReadOnlySpan} row = {input}.Slice(b * {Int(Inputs)}, {Int(Inputs)});");
            w.Line($"{Span} z = a{l}.Slice(b * {units}, {units});");
            WriteAffine(w, "row", "z");
            w.Close();
        }
        else
        {
            w.Line($"{Kernels}.ForwardBatch({W}, {B}, {input}, a{l}, n, {Shape});");
        }
        F.WriteRows(w, $"a{l}", $"a{l}", "n", Units);
    }

    // ── Training, one sample ─────────────────────────────────────────────────────────────────

    public override IReadOnlyList<Record> Records
    {
        get
        {
            string? type = Context.RecordForm(this) switch
            {
                Form.Scalar => "float",
                Form.Lanes => Context.LanesType(Units),
                _ => null,
            };
            return new[] { new Record($"z{Index}", type, Units), new Record($"a{Index}", type, Units) };
        }
    }

    public override void WriteRecord(SourceWriter w)
    {
        WriteHeader(w);
        int l = Index;
        System.Func<int, string> input = InputElement(Context.RecordForm);
        switch (Context.RecordForm(this))
        {
            case Form.Scalar:
                w.Line($"z{l} = {ScalarAffine(input, Context.RecordForm)};");
                w.Line($"a{l} = {F.Register($"z{l}") ?? $"z{l}"};");
                break;
            case Form.Lanes:
                WriteLanesAffine(w, $"z{l} = ", ";", input, Context.RecordForm);
                w.Line($"a{l} = {F.Register($"z{l}") ?? $"z{l}"};");
                break;
            default:
                if (F.IsIdentity)
                {
                    WriteAffine(w, input, InName, $"z{l}", InputLanes(Context.RecordForm));
                    w.Line($"z{l}.CopyTo(a{l});");
                }
                else
                {
                    WriteAffineActivation(w, input, InName, $"z{l}", $"a{l}", InputLanes(Context.RecordForm));
                }
                break;
        }
    }

    /// <summary>The comment under the update line: how δ⁽ˡ⁻¹⁾ follows from δ⁽ˡ⁾.</summary>
    private string Propagation() => Previous is not { } previous
        ? ""
        : previous.F.IsIdentity && !previous.HasZ
            ? $"∂L/∂{A(Index - 1)} = W{L}ᵀ·δ{L}"
            : $"δ{Sup(Index - 1)} = (W{L}ᵀ·δ{L}) ⊙ f′(z{Sup(Index - 1)})        {previous.F.Derivative}";

    public override void WriteBackward(SourceWriter w)
    {
        int l = Index;
        Form form = Context.RecordForm(this);
        w.Line($"// Layer {Int(l)}: ∂L/∂W{L} = δ{L}·{A(l - 1)}ᵀ        ∂L/∂b{L} = δ{L}");
        if (Previous is not null)
        {
            w.Line($"//          {Propagation()}");
        }
        if (!IsUnrolled)
        {
            // SGD: only δ⁽ˡ⁻¹⁾ now; W and b take the step after the guard (WriteStep). Backward: both at once.
            if (Previous is not null)
            {
                w.Line($"if (step.IsSgd) {Kernels}.Propagate({W}, delta{l}, delta{l - 1}, {Shape});");
                w.Line($"else {Kernels}.Backward({W}, delta{l}, {InName}, {IntoW}, {IntoB}, delta{l - 1}, {Shape});");
            }
            else
            {
                w.Line($"if (!step.IsSgd) {Kernels}.Backward({W}, delta{l}, {InName}, {IntoW}, {IntoB}, default, {Shape});");
            }
            Previous?.F.WriteSpanBackward(w, $"delta{l - 1}");
            return;
        }
        if (Previous is not null)
        {
            WriteUnrolledPropagation(w, form);
        }
        else
        {
            w.Line("//          (the step's terms come after the guard)");
        }
    }

    // ── The guarded SGD step (issue 13): every δ first, then the guard, then the terms ──────────

    public override bool DefersStep => true;

    public override string? StepBound(bool batch) => batch
        ? $"global::NetGen.StepGuard.Bounded(global::NetGen.StepGuard.Magnitude(bd{Index}), global::NetGen.StepGuard.Magnitude({BatchInName}), step.LearningRate)"
        : $"global::NetGen.StepGuard.Bounded(global::NetGen.StepGuard.Magnitude(delta{Index}), global::NetGen.StepGuard.Magnitude({InName}), step.LearningRate)";

    public override void WriteStep(SourceWriter w)
    {
        int l = Index;
        w.Line($"// Layer {Int(l)}: W{L} and b{L} take their terms, δ{L}·{A(l - 1)}ᵀ and δ{L}");
        if (!IsUnrolled)
        {
            w.Line($"if (step.IsSgd) {Kernels}.BackwardSgd({IntoW}, {IntoB}, delta{l}, {InName}, default, {Shape}, step.LearningRate);");
            return;
        }
        WriteUnrolledUpdate(w, Context.RecordForm(this), InputElement(Context.RecordForm), InputLanes(Context.RecordForm));
    }

    public override void WriteStepBatch(SourceWriter w)
    {
        int l = Index;
        w.Line($"// Layer {Int(l)}: W{L} and b{L} take every sample's terms, δ{L}·{A(l - 1)}ᵀ and δ{L}");
        if (!IsUnrolled)
        {
            w.Line($"if (step.IsSgd) {Kernels}.BackwardBatchSgd({IntoW}, {IntoB}, bd{l}, {BatchInName}, default, batchSize, {Shape}, step.LearningRate);");
            return;
        }
        OpenRows(w, Context, (Previous, "a", true), (this, "delta", true));
        WriteSpanUpdate(w, o => $"delta{l}[{Int(o)}]", $"delta{l}", i => $"{InName}[{Int(i)}]", InName);
        w.Close();
    }

    // ── Training, a batch ────────────────────────────────────────────────────────────────────

    public override void WriteRecordBatch(SourceWriter w)
    {
        WriteHeader(w);
        int l = Index;
        if (!IsUnrolled)
        {
            w.Line($"{Kernels}.ForwardBatch({W}, {B}, {BatchInName}, bz{l}, batchSize, {Shape});");
            F.WriteRows(w, $"bz{l}", $"ba{l}", "batchSize", Units);
            return;
        }
        OpenRows(w, Context, (Previous, "a", true), (this, "z", false), (this, "a", false));
        WriteAffine(w, InName, $"z{l}");
        F.WriteSpan(w, $"z{l}", $"a{l}");
        w.Close();
    }

    public override void WriteBackwardBatch(SourceWriter w)
    {
        int l = Index;
        string propagation = Previous is null ? "" : "        " + Propagation();
        w.Line($"// Layer {Int(l)}: ∂L/∂W{L} = Σᵦ δ{L}·{A(l - 1)}ᵀ        ∂L/∂b{L} = Σᵦ δ{L}{propagation}");
        string gradInput = Previous is null ? "default" : $"bd{l - 1}";
        if (!IsUnrolled)
        {
            // SGD: only δ⁽ˡ⁻¹⁾ now; W and b take the step after the guard (WriteStepBatch). Backward: both at once.
            if (Previous is not null)
            {
                w.Line($"if (step.IsSgd) {Kernels}.PropagateBatchOnly({W}, bd{l}, {gradInput}, batchSize, {Shape});");
                w.Line($"else {Kernels}.BackwardBatch({W}, bd{l}, {BatchInName}, {IntoW}, {IntoB}, {gradInput}, batchSize, {Shape});");
            }
            else
            {
                w.Line($"if (!step.IsSgd) {Kernels}.BackwardBatch({W}, bd{l}, {BatchInName}, {IntoW}, {IntoB}, default, batchSize, {Shape});");
            }
            Previous?.F.WriteBatchBackward(w, Previous.Units);
            return;
        }
        if (Previous is { } previous)
        {
            // Every sample's δ⁽ˡ⁻¹⁾ with W as it was; the parameters' terms come after the guard.
            OpenRows(w, Context, PreviousRows(previous, (this, "delta", true)));
            WritePropagationSpan(w, $"delta{l - 1}", o => $"delta{l}[{Int(o)}]");
            previous.F.WriteSpanBackward(w, $"delta{l - 1}");
            w.Close();
        }
        else
        {
            w.Line("//          (the step's terms come after the guard)");
        }
    }

    /// <summary>The rows the previous layer's f′ reads (its a or z) and its δ, after <paramref name="rows"/>.</summary>
    private static (LayerEmitter?, string, bool)[] PreviousRows(LayerEmitter previous, params (LayerEmitter?, string, bool)[] rows)
    {
        var all = new List<(LayerEmitter?, string, bool)>(rows);
        if (!previous.F.IsIdentity)
        {
            string record = previous.F.DerivativeReadsZ ? "z" : "a";
            bool present = false;
            foreach ((LayerEmitter? layer, string kind, bool _) in rows)
            {
                present |= layer == previous && kind == record;
            }
            if (!present)
            {
                all.Add((previous, record, true));
            }
        }
        all.Add((previous, "delta", false));
        return all.ToArray();
    }
}
