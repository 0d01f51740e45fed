using System.Collections.Generic;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>The straight-line forms of a dense layer: one expression per output, row products, vector statements.</summary>
internal sealed partial class DenseEmitter
{
    /// <summary>z⁽ˡ⁾ₒ = b⁽ˡ⁾ₒ + Σᵢ W⁽ˡ⁾ₒᵢ·inᵢ as one expression.</summary>
    private string AffineExpression(int o, System.Func<int, string> input)
    {
        var text = new System.Text.StringBuilder($"theta[{Int(_layer.BiasOffset + o)}]");
        for (int i = 0; i < Inputs; i++)
        {
            text.Append($" + theta[{Int(_layer.WeightOffset + o * Inputs + i)}] * {input(i)}");
        }
        return text.ToString();
    }

    /// <summary>b + w·in for a one-unit layer whose input is the vector <paramref name="inLanes"/>.</summary>
    private string DotExpression(string inLanes) =>
        $"theta[{Int(_layer.BiasOffset)}] + {(Inputs <= 8 ? Context[Alias.Lanes] : Context.Vector(Inputs))}.Sum({Context.ThetaLanes("theta", _layer.WeightOffset, Inputs)} * {inLanes})";

    /// <summary>z = b + w·in for a one-unit layer: the dot product of two vectors when the input fills one, else one expression.</summary>
    private string ScalarAffine(System.Func<int, string> input, System.Func<LayerEmitter, Form> formOf) =>
        Inputs >= 4 && InputLanes(formOf) is string inLanes ? DotExpression(inLanes) : AffineExpression(0, input);

    /// <summary>Row sums apply to 4 or 8 units over 4 or 8 inputs.</summary>
    private bool RowSumsApply => (Units == 4 || Units == 8) && (Inputs == 4 || Inputs == 8);

    /// <summary>
    /// Column multiply-adds apply to one input and 4, 8 or 16 units (W is one column, contiguous in θ), and to two inputs and
    /// four units (the two columns are two shuffles of W's rows).
    /// </summary>
    private bool ColumnsApply => (Inputs == 1 && EmitContext.FillsLanes(Units)) || (Inputs == 2 && Units == 4);

    /// <summary>
    /// zₒ = bₒ + Wₒ₀·in₀ + Wₒ₁·in₁ + … as a chain of fused multiply-adds, one input at a time: unit o of the column form
    /// (the same roundings as one lane of <see cref="WriteColumnsAffine"/>).
    /// </summary>
    private string ColumnExpression(int o, System.Func<int, string> input)
    {
        string sum = $"theta[{Int(_layer.BiasOffset + o)}]";
        for (int i = 0; i < Inputs; i++)
        {
            sum = $"{Context[Alias.Lanes]}.MultiplyAdd(theta[{Int(_layer.WeightOffset + o * Inputs + i)}], {input(i)}, {sum})";
        }
        return sum;
    }

    /// <summary>
    /// z = b + W₍:,₀₎·in₀ + W₍:,₁₎·in₁ for all units as fused multiply-adds of W's columns, each input broadcast: with one input
    /// W is its column; with two inputs and four units the columns are the even and the odd lanes of the row-major rows.
    /// </summary>
    private void WriteColumnsAffine(SourceWriter w, string prefix, string suffix, System.Func<int, string> input, bool inference)
    {
        string lanes = Context[Alias.Lanes];
        string bias = Context.ThetaLanes("theta", _layer.BiasOffset, Units);
        if (Previous is null && inference)
        {
            // Forward (issue 11): x is a span, and `in x[i]` lets the broadcast load the element itself (a value argument is
            // loaded first, then broadcast from a register). Not in the training pass, whose Backward measured 3 % slower so.
            System.Func<int, string> element = input;
            input = i => "in " + element(i);
        }
        if (Inputs == 1)
        {
            // One input: W is a column, so z = W·x₀ + b is one fused multiply-add (the same arithmetic per unit).
            w.Line($"// z{L} = W{L}·{A(Index - 1)}₀ + b{L}: W{L} is one column, so this is one fused multiply-add for all {Int(Units)} units");
            w.Line($"{prefix}{lanes}.MultiplyAdd({Context.ThetaLanes("theta", _layer.WeightOffset, Units)}, {input(0)}, {bias}){suffix}");
            return;
        }
        string rows01 = Context.ThetaLanes("theta", _layer.WeightOffset, 4), rows23 = Context.ThetaLanes("theta", _layer.WeightOffset + 4, 4);
        int l = Index;
        w.Line($"// z{L} = b{L} + W{L}₍:,₀₎·{A(l - 1)}₀ + W{L}₍:,₁₎·{A(l - 1)}₁: a fused multiply-add per column of W{L}, each input broadcast.");
        w.Line($"// The columns are the even and the odd lanes of W{L}'s rows (θ[{Int(_layer.WeightOffset)}..{Int(_layer.WeightOffset + 4)}) = rows 0–1, θ[{Int(_layer.WeightOffset + 4)}..{Int(_layer.WeightOffset + 8)}) = rows 2–3).");
        w.Line($"{Context.LanesType(4)} w{l}col0 = {lanes}.EvenLanes({rows01}, {rows23});");
        w.Line($"{Context.LanesType(4)} w{l}col1 = {lanes}.OddLanes({rows01}, {rows23});");
        w.Line($"{prefix}{lanes}.MultiplyAdd(w{l}col1, {input(1)}, {lanes}.MultiplyAdd(w{l}col0, {input(0)}, {bias})){suffix}");
    }

    /// <summary>
    /// z for all units as one vector statement: column multiply-adds, row sums, or one expression per lane.
    /// <paramref name="inference"/>: the statement is in Forward, which may read W⁽ˡ⁾ in 512-bit loads (see <see cref="WriteRowSums"/>).
    /// </summary>
    private void WriteLanesAffine(SourceWriter w, string prefix, string suffix, System.Func<int, string> input, System.Func<LayerEmitter, Form> formOf, bool inference = false)
    {
        if (ColumnsApply)
        {
            WriteColumnsAffine(w, prefix, suffix, input, inference);
        }
        else if (RowSumsApply && InputLanes(formOf) is string inLanes)
        {
            WriteRowSums(w, prefix, inLanes, suffix, inference);
        }
        else
        {
            Context.WriteLanesCreate(w, prefix, Units, o => AffineExpression(o, input), suffix);
        }
    }

    /// <summary>
    /// <c>z = b + RowSums(W₀ ⊙ in, W₁ ⊙ in, …)</c>: each weight row times the input lane by lane, then all row sums at once
    /// (NetGen.Kernels.Lanes.RowSums, a transpose-and-add), one row per line. In Forward (<paramref name="inference"/>) an
    /// 8 × 8 layer is one call, <c>Lanes.RowSums(rows, in)</c>, which with AVX-512 loads two rows per 512-bit register (the
    /// same sums in fewer instructions). The training forward pass keeps the 256-bit row loads: TrainStep writes W row by row,
    /// and a 512-bit load spanning two of those stores is not forwarded from the store buffer (W4's TrainStep measured
    /// 69.5 → 94.0 ns with the wide loads).
    /// </summary>
    private void WriteRowSums(SourceWriter w, string prefix, string inLanes, string suffix, bool inference = false)
    {
        if (inference && Context.WritingForwardCopy && TransposesForForward)
        {
            WriteTimesColumns(w, prefix, inLanes, suffix);
            return;
        }
        w.Line($"// z{L}ₒ = b{L}ₒ + Σᵢ W{L}ₒᵢ·{A(Index - 1)}ᵢ for all {Int(Units)} units at once: each row of W{L} times {A(Index - 1)} lane by lane,");
        w.Line($"// then the {Int(Units)} row sums side by side (a transpose-and-add)");
        if (inference && Units == 8 && Inputs == 8)
        {
            // One call: with AVX-512 the kernel multiplies two rows per 512-bit register (the same sums, fewer instructions).
            w.Line($"{prefix}{Context.ThetaLanes("theta", _layer.BiasOffset, Units)} + {Context[Alias.Lanes]}.RowSums(theta.Slice({Int(_layer.WeightOffset)}, 64), {inLanes}){suffix}");
            return;
        }
        w.Line($"{prefix}{Context.ThetaLanes("theta", _layer.BiasOffset, Units)} + {Context[Alias.Lanes]}.RowSums(");
        for (int o = 0; o < Units; o++)
        {
            w.Line($"    {Context.ThetaLanes("theta", _layer.WeightOffset + o * Inputs, Inputs)} * {inLanes}{(o == Units - 1 ? ")" + suffix : ",")}");
        }
    }

    /// <summary>
    /// Forward reads this layer's W by columns from the forward copy of θ (issue 11): a layer of 4 or 8 units over 4 or 8
    /// inputs held in a vector, which the training pass computes with row sums.
    /// </summary>
    public override bool TransposesForForward =>
        !ColumnsApply && RowSumsApply && Context.ForwardForm(this) == Form.Lanes && InputLanes(Context.ForwardForm) is not null;

    /// <summary>W⁽ˡ⁾ (units × inputs) by columns in Forward's copy of θ, at W's own offset.</summary>
    public override (int Offset, int Rows, int Columns)? ForwardByColumns =>
        TransposesForForward ? (_layer.WeightOffset, Units, Inputs) : null;

    /// <summary>
    /// <c>z = b + Σᵢ W₍:,ᵢ₎·inᵢ</c> over the columns in the forward copy: one fused multiply-add per input, each input broadcast
    /// from memory (NetGen.Kernels.Lanes.TimesColumns) — no shuffles, no 512-bit registers, which the row sums need.
    /// </summary>
    private void WriteTimesColumns(SourceWriter w, string prefix, string inLanes, string suffix)
    {
        int l = Index;
        w.Line($"// z{L} = b{L} + Σᵢ W{L}₍:,ᵢ₎·{A(l - 1)}ᵢ for all {Int(Units)} units at once: the forward copy holds W{L} by columns, so each");
        w.Line($"// input is one fused multiply-add of its column, {A(l - 1)}ᵢ broadcast (no transpose-and-add; within a last-bit rounding of it)");
        w.Line($"{prefix}{Context[Alias.Lanes]}.TimesColumns(theta.Slice({Int(_layer.WeightOffset)}, {Int(_layer.WeightCount)}), {inLanes}, {Context.ThetaLanes("theta", _layer.BiasOffset, Units)}){suffix}");
    }

    /// <summary>z = W·in + b into the span <paramref name="target"/>, reading the span <paramref name="inName"/>.</summary>
    private void WriteAffine(SourceWriter w, string inName, string target) =>
        WriteAffine(w, i => $"{inName}[{Int(i)}]", inName, target,
            EmitContext.FillsLanes(Inputs) ? $"{Context.Vector(Inputs)}.Create<float>({inName})" : null);

    /// <summary>
    /// z = W·in + b into the span <paramref name="target"/>: one statement per output, or the blocked kernel. When the input is
    /// available as one vector (<paramref name="inLanes"/>), a layer of 4 or 8 units, or of one unit, uses the same row-sum
    /// arithmetic as the register form, so every generated method computes the same bits for the same layer.
    /// </summary>
    private void WriteAffine(SourceWriter w, System.Func<int, string> input, string inSpan, string target, string? inLanes)
    {
        if (IsUnrolled && inLanes is not null && RowSumsApply)
        {
            WriteRowSums(w, $"{Context.Vector(Units)}.CopyTo(", inLanes, $", {target});");
        }
        else if (IsUnrolled && inLanes is not null && Units == 1 && Inputs >= 4)
        {
            w.Line($"{target}[0] = {DotExpression(inLanes)};");
        }
        else if (IsUnrolled && ColumnsApply)
        {
            // The column form's multiply-adds, unit by unit: the same bits as the register form.
            w.Line($"// z{L}ₒ = bₒ + Wₒ₀·{A(Index - 1)}₀{(Inputs == 2 ? $" + Wₒ₁·{A(Index - 1)}₁" : "")} as fused multiply-adds, one input at a time (the arithmetic of Forward, unit by unit)");
            for (int o = 0; o < Units; o++)
            {
                w.Line($"{target}[{Int(o)}] = {ColumnExpression(o, input)};");
            }
        }
        else if (IsUnrolled)
        {
            for (int o = 0; o < Units; o++)
            {
                w.Line($"{target}[{Int(o)}] = {AffineExpression(o, input)};");
            }
        }
        else
        {
            w.Line($"{Kernels}.Forward({W}, {B}, {inSpan}, {target}, {Shape});");
        }
    }

    /// <summary>
    /// z = W·in + b into <paramref name="z"/>, then a = f(z) into <paramref name="a"/> (the same span when they are equal). A
    /// softmax layer of 4 to 16 units on the kernel path is one call that keeps its logits in registers.
    /// </summary>
    private void WriteAffineActivation(SourceWriter w, System.Func<int, string> input, string inSpan, string z, string a, string? inLanes)
    {
        if (!IsUnrolled && F.Kind == ActivationKind.Softmax && Units >= 4 && Units <= 16)
        {
            w.Line($"{Kernels}.ForwardSoftmax({W}, {B}, {inSpan}, {(z == a ? "z: default" : z)}, {a}, {Shape});");
            return;
        }
        WriteAffine(w, input, inSpan, z, inLanes);
        F.WriteSpan(w, z, a);
    }

    /// <summary>δ⁽ˡ⁻¹⁾ᵢ = (Σₒ W⁽ˡ⁾ₒᵢ·δ⁽ˡ⁾ₒ) ⊙ f′, written into the previous layer's form (register or span).</summary>
    private void WriteUnrolledPropagation(SourceWriter w, Form form)
    {
        LayerEmitter previous = Previous!;
        int l = Index, p = previous.Index;
        string Sum(int i)
        {
            var sum = new System.Text.StringBuilder();
            for (int o = 0; o < Units; o++)
            {
                sum.Append(o > 0 ? " + " : "").Append($"theta[{Int(_layer.WeightOffset + o * Inputs + i)}] * {Context.Element($"delta{l}", form, o)}");
            }
            return sum.ToString();
        }
        Form previousForm = Context.RecordForm(previous);
        string lanes = Context.LanesType(previous.Units);
        const string G = "\u0001";
        switch (previousForm)
        {
            case Form.Scalar:
                w.Line($"float delta{p} = {previous.F.RegisterBackward(previousForm, previous.Units, $"({Sum(0)})")};");
                break;
            case Form.Lanes when EmitContext.FillsLanes(previous.Units):
            {
                // Wᵀ·δ as a sum of W's rows scaled by δ: one vector term per output (the same sum, in the same order, per unit).
                string rowsDerivative = previous.F.RegisterBackward(previousForm, previous.Units, G);
                if (!rowsDerivative.Contains(G))
                {
                    w.Line($"{lanes} delta{p} = {rowsDerivative};");
                    break;
                }
                int cut = rowsDerivative.IndexOf(G, System.StringComparison.Ordinal);
                w.Line($"{lanes} delta{p} = {rowsDerivative.Substring(0, cut).TrimEnd()}");
                for (int o = 0; o < Units; o++)
                {
                    string term = $"{Context.ThetaLanes("theta", _layer.WeightOffset + o * Inputs, Inputs)} * {Context.Element($"delta{l}", form, o)}";
                    w.Line($"    {(o > 0 ? "+ " : "")}{term}{(o == Units - 1 ? rowsDerivative.Substring(cut + 1) + ";" : "")}");
                }
                break;
            }
            case Form.Lanes:
                string derivative = previous.F.RegisterBackward(previousForm, previous.Units, G);
                if (derivative == G)
                {
                    Context.WriteLanesCreate(w, $"{lanes} delta{p} = ", previous.Units, Sum, ";");
                }
                else if (!derivative.Contains(G))
                {
                    w.Line($"{lanes} delta{p} = {derivative};");
                }
                else
                {
                    int cut = derivative.IndexOf(G, System.StringComparison.Ordinal);
                    Context.WriteLanesCreate(w, $"{lanes} delta{p} = {derivative.Substring(0, cut)}", previous.Units, Sum, derivative.Substring(cut + 1) + ";");
                }
                break;
            default:
                WritePropagationSpan(w, $"delta{p}", o => Context.Element($"delta{l}", form, o));
                previous.F.WriteSpanBackward(w, $"delta{p}");
                break;
        }
    }

    /// <summary>
    /// <paramref name="count"/> contiguous values as vector chunks of 16, 8 or 4 lanes, then single values: (start, lanes).
    /// Element-wise statements over a chunk compute the same bits as one statement per value.
    /// </summary>
    private static IEnumerable<(int Start, int Lanes)> Chunks(int count)
    {
        int start = 0;
        foreach (int lanes in new[] { 16, 8, 4 })
        {
            for (; count - start >= lanes; start += lanes)
            {
                yield return (start, lanes);
            }
        }
        for (; start < count; start++)
        {
            yield return (start, 1);
        }
    }

    /// <summary><paramref name="lanes"/> values of a span from <paramref name="start"/>: a vector, or one element.</summary>
    private string SpanLanes(string span, int start, int lanes) =>
        lanes == 1 ? $"{span}[{Int(start)}]" : $"{Context.Vector(lanes)}.Create<float>({span}.Slice({Int(start)}, {Int(lanes)}))";

    /// <summary>
    /// δ⁽ˡ⁻¹⁾ = W⁽ˡ⁾ᵀ·δ⁽ˡ⁾ into the span <paramref name="gradInput"/>: element i is Σₒ W⁽ˡ⁾ₒᵢ·δₒ, summed over o in order, and the
    /// rows of W are contiguous in i, so chunks of i are vector statements with the same sums lane by lane.
    /// </summary>
    private void WritePropagationSpan(SourceWriter w, string gradInput, System.Func<int, string> delta)
    {
        foreach ((int start, int lanes) in Chunks(Inputs))
        {
            var sum = new System.Text.StringBuilder();
            for (int o = 0; o < Units; o++)
            {
                sum.Append(o > 0 ? " + " : "").Append($"{SpanLanes("theta", _layer.WeightOffset + o * Inputs + start, lanes)} * {delta(o)}");
            }
            w.Line(lanes == 1
                ? $"{gradInput}[{Int(start)}] = {sum};"
                : $"{Context.Vector(lanes)}.CopyTo({sum}, {gradInput}.Slice({Int(start)}, {Int(lanes)}));");
        }
    }

    /// <summary>
    /// Each parameter's ∂L/∂θ to <c>step</c> when δ⁽ˡ⁾ is <paramref name="deltaSpan"/> (a span) or single values
    /// (<paramref name="delta"/>), and the input a span (<paramref name="inputSpan"/>) or single values (<paramref name="input"/>):
    /// b⁽ˡ⁾ then W⁽ˡ⁾ row by row, in vector chunks where both sides are spans.
    /// </summary>
    private void WriteSpanUpdate(SourceWriter w, System.Func<int, string> delta, string? deltaSpan, System.Func<int, string> input, string? inputSpan)
    {
        if (deltaSpan is not null)
        {
            foreach ((int start, int lanes) in Chunks(Units))
            {
                w.Line(lanes == 1
                    ? $"step.Apply(ref into[{Int(_layer.BiasOffset + start)}], {deltaSpan}[{Int(start)}]);"
                    : $"step.Apply(into.Slice({Int(_layer.BiasOffset + start)}, {Int(lanes)}), {SpanLanes(deltaSpan, start, lanes)});");
            }
        }
        else
        {
            for (int o = 0; o < Units; o++)
            {
                w.Line($"step.Apply(ref into[{Int(_layer.BiasOffset + o)}], {delta(o)});");
            }
        }
        WriteWeightUpdate(w, delta, input, inputSpan);
    }

    /// <summary>∂L/∂W⁽ˡ⁾ₒᵢ = δₒ·inᵢ to <c>step</c>, row by row: vector chunks of a span input, else one statement per weight.</summary>
    private void WriteWeightUpdate(SourceWriter w, System.Func<int, string> delta, System.Func<int, string> input, string? inputSpan)
    {
        for (int o = 0; o < Units; o++)
        {
            if (inputSpan is null)
            {
                for (int i = 0; i < Inputs; i++)
                {
                    w.Line($"step.Apply(ref into[{Int(_layer.WeightOffset + o * Inputs + i)}], {delta(o)} * {input(i)});");
                }
                continue;
            }
            foreach ((int start, int lanes) in Chunks(Inputs))
            {
                int k = _layer.WeightOffset + o * Inputs + start;
                w.Line(lanes == 1
                    ? $"step.Apply(ref into[{Int(k)}], {delta(o)} * {inputSpan}[{Int(start)}]);"
                    : $"step.Apply(into.Slice({Int(k)}, {Int(lanes)}), {delta(o)} * {SpanLanes(inputSpan, start, lanes)});");
            }
        }
    }

    /// <summary>Each parameter's ∂L/∂θ to <c>step</c> (one sample): vector statements where the values allow, else one per parameter.</summary>
    private void WriteUnrolledUpdate(SourceWriter w, Form form, System.Func<int, string> input, string? inputLanes)
    {
        int l = Index;
        if (form == Form.Lanes && EmitContext.FillsLanes(Units) && (Inputs == 1 || inputLanes is not null))
        {
            // Vector statements, the same arithmetic per parameter: the bias, then W by columns (one input) or by rows.
            w.Line($"// b{L}, then W{L} row by row (column for one input), one vector each");
            w.Line($"step.Apply(into.Slice({Int(_layer.BiasOffset)}, {Int(Units)}), delta{l});");
            if (Inputs == 1)
            {
                w.Line($"step.Apply(into.Slice({Int(_layer.WeightOffset)}, {Int(Units)}), delta{l} * {input(0)});");
                return;
            }
            for (int o = 0; o < Units; o++)
            {
                w.Line($"step.Apply(into.Slice({Int(_layer.WeightOffset + o * Inputs)}, {Int(Inputs)}), delta{l}[{Int(o)}] * {inputLanes});");
            }
            return;
        }
        if (form == Form.Lanes && Units == 4 && Inputs == 2)
        {
            // The forward reads W's rows as two vectors (for its columns): writing them as two vectors too lets the next step's
            // loads take the stored values straight from the store buffer. Each element is still δₒ·inᵢ.
            string lanes = Context[Alias.Lanes], inPairs = $"{Context.Vector(4)}.Create({input(0)}, {input(1)}, {input(0)}, {input(1)})";
            w.Line($"// b{L}, then W{L} two rows at a time: (δ₀·{A(l - 1)}₀, δ₀·{A(l - 1)}₁, δ₁·{A(l - 1)}₀, δ₁·{A(l - 1)}₁) and the same for δ₂, δ₃");
            w.Line($"step.Apply(into.Slice({Int(_layer.BiasOffset)}, {Int(Units)}), delta{l});");
            w.Line($"{Context.LanesType(4)} {(l == 1 ? "x" : $"a{l - 1}")}Pairs = {inPairs};");
            w.Line($"step.Apply(into.Slice({Int(_layer.WeightOffset)}, 4), {lanes}.LowPairs(delta{l}) * {(l == 1 ? "x" : $"a{l - 1}")}Pairs);");
            w.Line($"step.Apply(into.Slice({Int(_layer.WeightOffset + 4)}, 4), {lanes}.HighPairs(delta{l}) * {(l == 1 ? "x" : $"a{l - 1}")}Pairs);");
            return;
        }
        if (inputLanes is not null)
        {
            w.Line($"// per output o: bₒ, then row o of W{L} (δₒ·{A(l - 1)}, one vector statement per row)");
            for (int o = 0; o < Units; o++)
            {
                string delta = Context.Element($"delta{l}", form, o);
                w.Line($"step.Apply(ref into[{Int(_layer.BiasOffset + o)}], {delta});");
                w.Line($"step.Apply(into.Slice({Int(_layer.WeightOffset + o * Inputs)}, {Int(Inputs)}), {delta} * {inputLanes});");
            }
            return;
        }
        if (form == Form.Lanes && Units == EmitContext.LanesWidth(Units))
        {
            // δ fills its vector: the bias in one statement, then W per parameter.
            w.Line($"step.Apply(into.Slice({Int(_layer.BiasOffset)}, {Int(Units)}), delta{l});");
            WriteWeightUpdate(w, o => Context.Element($"delta{l}", form, o), input, InputSpan);
            return;
        }
        WriteSpanUpdate(w, o => Context.Element($"delta{l}", form, o), form == Form.Span ? $"delta{l}" : null, input, InputSpan);
    }

    /// <summary>The input as a span name in the one-sample record (x, or a span-form previous layer's a), else null.</summary>
    private string? InputSpan => Previous is null ? "x" : Context.RecordForm(Previous) == Form.Span ? $"a{Index - 1}" : null;
}
