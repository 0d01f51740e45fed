using System.Globalization;
using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// Everything written for one activation function f, in one place: its names in the comments, f applied to a register
/// (float or vector) and to a span, f′ in both forms, which record f′ reads, and the default weight initialisation that
/// suits it. A new activation is one case in each switch here (and its kernels in NetGen.Kernels.Activations).
/// </summary>
internal sealed class ActivationEmitter
{
    private readonly EmitContext _context;
    private readonly int _layer;

    public ActivationEmitter(EmitContext context, ActivationModel model, int layer)
    {
        _context = context;
        Model = model;
        _layer = layer;
    }

    public ActivationModel Model { get; }

    public ActivationKind Kind => Model.Kind;

    public bool IsIdentity => Model.IsIdentity;

    private string Activations => _context[Alias.Activations];

    private string Slope => Float(Model.NegativeSlope);

    /// <summary>ELU's α: PyTorch's default, 1.</summary>
    private const string EluAlpha = "1f";

    private string SlopeText => Model.NegativeSlope.ToString("R", CultureInfo.InvariantCulture);

    // ── Notation ─────────────────────────────────────────────────────────────────────────────

    /// <summary>The activation's name in prose: "tanh", "LeakyReLU (slope 0.2)".</summary>
    public string Name => Kind switch
    {
        ActivationKind.Identity => "identity",
        ActivationKind.Step => "step",
        ActivationKind.Sign => "sign",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.ReLU => "ReLU",
        ActivationKind.LeakyReLU => "LeakyReLU (slope " + SlopeText + ")",
        ActivationKind.GELU => "GELU",
        ActivationKind.Softmax => "softmax",
        ActivationKind.ELU => "ELU (α = 1)",
        ActivationKind.Softplus => "softplus",
        ActivationKind.LogSoftmax => "log-softmax",
        _ => Kind.ToString(),
    };

    /// <summary>The name without its parameter, for initialisation comments: "LeakyReLU".</summary>
    public string ShortName => Kind switch
    {
        ActivationKind.LeakyReLU => "LeakyReLU",
        ActivationKind.ELU => "ELU",
        _ => Name,
    };

    /// <summary>f written as a function symbol: σ, tanh, ReLU …</summary>
    public string Function => Kind switch
    {
        ActivationKind.Identity => "",
        ActivationKind.Sigmoid => "σ",
        ActivationKind.LogSoftmax => "log softmax",
        _ => ShortName,
    };

    /// <summary><c>ŷ = σ(z⁽²⁾)</c>: the activation line of a layer's formula.</summary>
    public string Formula(string output) => IsIdentity ? $"{output} = z{Sup(_layer)}" : $"{output} = {Function}(z{Sup(_layer)})";

    /// <summary>f′ in terms of the recorded z⁽ˡ⁾ and a⁽ˡ⁾.</summary>
    public string Derivative
    {
        get
        {
            string l = Sup(_layer);
            return Kind switch
            {
                ActivationKind.Identity => "identity′ = 1",
                ActivationKind.Step => "step′ = 0: no gradient flows back through a step",
                ActivationKind.Sign => "sign′ = 0: no gradient flows back through a sign",
                ActivationKind.Sigmoid => $"σ′(z{l}) = a{l} ⊙ (1 − a{l})",
                ActivationKind.Tanh => $"tanh′(z{l}) = 1 − (a{l})²",
                ActivationKind.ReLU => $"ReLU′(z{l}) = 1 where z{l} > 0, else 0",
                ActivationKind.LeakyReLU => $"LeakyReLU′(z{l}) = 1 where z{l} > 0, else {SlopeText}",
                ActivationKind.GELU => $"GELU′(z{l}) = Φ(z{l}) + z{l}·φ(z{l})",
                ActivationKind.Softmax => $"softmax Jacobian-vector product: δₖ = aₖ·(gₖ − Σⱼ aⱼ·gⱼ), a = a{l}",
                ActivationKind.ELU => $"ELU′(z{l}) = 1 where z{l} > 0, else α·e^z{l} (α = 1)",
                ActivationKind.SELU => $"SELU′(z{l}) = λ where z{l} > 0, else λ·α·e^z{l}",
                ActivationKind.Softplus => $"softplus′(z{l}) = σ(z{l}), and 1 above the threshold 20",
                ActivationKind.SiLU => $"SiLU′(z{l}) = σ(z{l})·(1 + z{l}·(1 − σ(z{l})))",
                ActivationKind.Mish => $"Mish′(z{l}) = tanh(sp) + z{l}·σ(z{l})·(1 − tanh²(sp)), sp = softplus(z{l})",
                ActivationKind.HardTanh => $"HardTanh′(z{l}) = 1 where −1 < z{l} < 1, else 0",
                ActivationKind.HardSigmoid => $"HardSigmoid′(z{l}) = 1/6 where −3 < z{l} < 3, else 0",
                ActivationKind.HardSwish => $"HardSwish′(z{l}) = 0 below −3, (2z{l} + 3)/6 up to 3, 1 above",
                ActivationKind.LogSoftmax => $"log-softmax Jacobian-vector product: δₖ = gₖ − e^(aₖ)·Σⱼ gⱼ, a = a{l}",
                _ => Kind.ToString(),
            };
        }
    }

    // ── Forward ──────────────────────────────────────────────────────────────────────────────

    /// <summary>Applies to each sample on its own (false for softmax, which normalises over the sample's values).</summary>
    public bool IsElementWise => Kind is not (ActivationKind.Softmax or ActivationKind.LogSoftmax);

    /// <summary>Has a register form (a float or vector in, the same out); softmax needs a span.</summary>
    public bool HasRegisterForm => IsElementWise;

    /// <summary>f applied to a register value (float or vector); null for the identity.</summary>
    public string? Register(string z) => Kind switch
    {
        ActivationKind.Identity => null,
        ActivationKind.Step => $"{Activations}.Step({z})",
        ActivationKind.Sign => $"{Activations}.Sign({z})",
        ActivationKind.Sigmoid => $"{Activations}.Sigmoid({z})",
        ActivationKind.Tanh => $"{Activations}.Tanh({z})",
        ActivationKind.ReLU => $"{Activations}.ReLU({z})",
        ActivationKind.LeakyReLU => $"{Activations}.LeakyReLU({z}, {Slope})",
        ActivationKind.GELU => $"{Activations}.Gelu({z})",
        ActivationKind.ELU => $"{Activations}.ELU({z}, {EluAlpha})",
        ActivationKind.SELU or ActivationKind.Softplus or ActivationKind.SiLU or ActivationKind.Mish
            or ActivationKind.HardTanh or ActivationKind.HardSigmoid or ActivationKind.HardSwish => $"{Activations}.{Kind}({z})",
        _ => null,
    };

    /// <summary>a = f(z) over spans (the same span when <paramref name="z"/> equals <paramref name="a"/>); identity copies when they differ.</summary>
    public void WriteSpan(SourceWriter w, string z, string a)
    {
        string call = Kind switch
        {
            ActivationKind.Identity => z == a ? "" : $"{z}.CopyTo({a});",
            ActivationKind.Step => $"{Activations}.Step({z}, {a});",
            ActivationKind.Sign => $"{Activations}.Sign({z}, {a});",
            ActivationKind.Sigmoid => $"{Activations}.Sigmoid({z}, {a});",
            ActivationKind.Tanh => $"{Activations}.Tanh({z}, {a});",
            ActivationKind.ReLU => $"{Activations}.ReLU({z}, {a});",
            ActivationKind.LeakyReLU => $"{Activations}.LeakyReLU({z}, {a}, {Slope});",
            ActivationKind.GELU => $"{Activations}.Gelu({z}, {a});",
            ActivationKind.Softmax => $"{Activations}.Softmax({z}, {a});",
            ActivationKind.ELU => $"{Activations}.ELU({z}, {a}, {EluAlpha});",
            ActivationKind.SELU or ActivationKind.Softplus or ActivationKind.SiLU or ActivationKind.Mish or ActivationKind.HardTanh
                or ActivationKind.HardSigmoid or ActivationKind.HardSwish or ActivationKind.LogSoftmax => $"{Activations}.{Kind}({z}, {a});",
            _ => "",
        };
        if (call.Length > 0)
        {
            w.Line(call);
        }
    }

    /// <summary>
    /// a = f(z) over rows of <paramref name="units"/> values, <paramref name="rows"/> of them: one call for an element-wise f,
    /// one per row for softmax.
    /// </summary>
    public void WriteRows(SourceWriter w, string z, string a, string rows, int units)
    {
        if (IsElementWise)
        {
            WriteSpan(w, z, a);
            return;
        }
        string n = Int(units);
        w.Open($"for (int b = 0; b < {rows}; b++)");
        if (z == a)
        {
            w.Line($"{_context[Alias.Span]} row = {a}.Slice(b * {n}, {n});");
            WriteSpan(w, "row", "row");
        }
        else
        {
            w.Line($"{_context[Alias.Span]} z{_layer} = {z}.Slice(b * {n}, {n}), a{_layer} = {a}.Slice(b * {n}, {n});");
            WriteSpan(w, $"z{_layer}", $"a{_layer}");
        }
        w.Close();
    }

    // ── Backward ─────────────────────────────────────────────────────────────────────────────

    /// <summary>Whether f′ reads z⁽ˡ⁾ (ReLU family, GELU); otherwise it reads a⁽ˡ⁾ or nothing.</summary>
    public bool DerivativeReadsZ => Kind is ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.GELU
        || (IsElementWise && (int)Kind >= (int)ActivationKind.ELU);

    /// <summary>g ⊙ f′ for a register value of <paramref name="units"/> lanes, from the recorded a or z; a zero when f′ = 0.</summary>
    public string RegisterBackward(Form form, int units, string g)
    {
        int l = _layer;
        return Kind switch
        {
            ActivationKind.Identity => g,
            ActivationKind.Step or ActivationKind.Sign => form == Form.Scalar ? "0f" : $"{_context.LanesType(units)}.Zero",
            ActivationKind.Sigmoid => $"{Activations}.SigmoidBackward(a{l}, {g})",
            ActivationKind.Tanh => $"{Activations}.TanhBackward(a{l}, {g})",
            ActivationKind.ReLU => $"{Activations}.ReLUBackward(z{l}, {g})",
            ActivationKind.LeakyReLU => $"{Activations}.LeakyReLUBackward(z{l}, {g}, {Slope})",
            ActivationKind.GELU => $"{Activations}.GeluBackward(z{l}, {g})",
            ActivationKind.ELU => $"{Activations}.ELUBackward(z{l}, {g}, {EluAlpha})",
            ActivationKind.SELU or ActivationKind.Softplus or ActivationKind.SiLU or ActivationKind.Mish
                or ActivationKind.HardTanh or ActivationKind.HardSigmoid or ActivationKind.HardSwish => $"{Activations}.{Kind}Backward(z{l}, {g})",
            _ => g,
        };
    }

    /// <summary>δ ⊙= f′ in place over the span <paramref name="delta"/>, reading the span a⁽ˡ⁾ or z⁽ˡ⁾ by its usual name.</summary>
    public void WriteSpanBackward(SourceWriter w, string delta) => WriteSpanBackward(w, delta, $"a{_layer}", $"z{_layer}");

    /// <summary>δ ⊙= f′ in place over the span <paramref name="delta"/>, reading the spans <paramref name="a"/> and <paramref name="z"/>.</summary>
    public void WriteSpanBackward(SourceWriter w, string delta, string a, string z)
    {
        string? call = Kind switch
        {
            ActivationKind.Identity => null,
            ActivationKind.Step or ActivationKind.Sign => $"{Activations}.ZeroGradientBackward({delta});",
            ActivationKind.Sigmoid => $"{Activations}.SigmoidBackward({a}, {delta});",
            ActivationKind.Tanh => $"{Activations}.TanhBackward({a}, {delta});",
            ActivationKind.ReLU => $"{Activations}.ReLUBackward({z}, {delta});",
            ActivationKind.LeakyReLU => $"{Activations}.LeakyReLUBackward({z}, {delta}, {Slope});",
            ActivationKind.GELU => $"{Activations}.GeluBackward({z}, {delta});",
            ActivationKind.Softmax => $"{Activations}.SoftmaxBackward({a}, {delta});",
            ActivationKind.ELU => $"{Activations}.ELUBackward({z}, {delta}, {EluAlpha});",
            ActivationKind.SELU or ActivationKind.Softplus or ActivationKind.SiLU or ActivationKind.Mish
                or ActivationKind.HardTanh or ActivationKind.HardSigmoid or ActivationKind.HardSwish => $"{Activations}.{Kind}Backward({z}, {delta});",
            ActivationKind.LogSoftmax => $"{Activations}.LogSoftmaxBackward({a}, {delta});",
            _ => null,
        };
        if (call is not null)
        {
            w.Line(call);
        }
    }

    /// <summary>
    /// δ ⊙= f′ over a whole batch of rows: one call over the batch buffers for an element-wise f, one per row for softmax.
    /// </summary>
    public void WriteBatchBackward(SourceWriter w, int units)
    {
        int l = _layer;
        if (IsIdentity)
        {
            return;
        }
        if (!IsElementWise)
        {
            string n = Int(units);
            w.Line($"// {Derivative}");
            w.Open("for (int b = 0; b < batchSize; b++)");
            w.Line($"{_context[Alias.Span]} a{l} = ba{l}.Slice(b * {n}, {n}), delta{l} = bd{l}.Slice(b * {n}, {n});");
            WriteSpanBackward(w, $"delta{l}");
            w.Close();
            return;
        }
        w.Line($"// {Derivative}, element-wise over the whole batch");
        WriteSpanBackward(w, $"bd{l}", $"ba{l}", $"bz{l}");
    }

    // ── Initialisation ───────────────────────────────────────────────────────────────────────

    /// <summary>The default initialisation of a weight feeding this activation: He for the ReLU family, else Xavier/Glorot.</summary>
    public void WriteDefaultInit(SourceWriter w, string weight, int fanIn, int fanOut)
    {
        string initializers = _context[Alias.Initializers];
        string l = Sup(_layer);
        switch (Kind)
        {
            case ActivationKind.ReLU:
            case ActivationKind.GELU:
            case ActivationKind.ELU:
            case ActivationKind.SiLU:
            case ActivationKind.Mish:
            case ActivationKind.HardSwish:
                w.Line($"// W{l}: He uniform for {ShortName}, U(−a, a) with a = √(6 / fan_in), fan_in = {Int(fanIn)}");
                w.Line($"{initializers}.HeUniform({weight}, {Int(fanIn)}, ref random);");
                break;
            case ActivationKind.LeakyReLU:
                w.Line($"// W{l}: He uniform for LeakyReLU, U(−a, a) with a = √(6 / ((1 + slope²)·fan_in)), fan_in = {Int(fanIn)}");
                w.Line($"{initializers}.HeUniform({weight}, {Int(fanIn)}, ref random, {Slope});");
                break;
            case ActivationKind.SELU:
                w.Line($"// W{l}: LeCun uniform for SELU (self-normalising), U(−a, a) with a = √(3 / fan_in), fan_in = {Int(fanIn)}: He uniform with slope 1");
                w.Line($"{initializers}.HeUniform({weight}, {Int(fanIn)}, ref random, 1f);");
                break;
            default:
                w.Line($"// W{l}: Xavier/Glorot uniform for {ShortName}, U(−a, a) with a = √(6 / (fan_in + fan_out)), fan_in = {Int(fanIn)}, fan_out = {Int(fanOut)}");
                w.Line($"{initializers}.XavierUniform({weight}, {Int(fanIn)}, {Int(fanOut)}, ref random);");
                break;
        }
    }

    /// <summary>The slope an explicitly chosen He initialisation uses (LeakyReLU's, else 0).</summary>
    public string InitSlope => Kind == ActivationKind.LeakyReLU ? Slope : "0f";
}
