using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>
/// Everything written for the loss, in one place: its name, its formula, the kernel call that returns L and writes the
/// output error δ⁽ᴸ⁾ = ∂L/∂z⁽ᴸ⁾, fused with the output activation where that is exact and stable. A new loss is one case
/// here (and its kernels in NetGen.Kernels.Losses).
/// </summary>
internal sealed class LossEmitter
{
    private readonly EmitContext _context;

    public LossEmitter(EmitContext context, LossKind kind)
    {
        _context = context;
        Kind = kind;
    }

    public LossKind Kind { get; }

    private string HuberDeltaText => _context.Spec.HuberDelta.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The element-wise losses have one-value forms, so a one-unit output can stay in a register.</summary>
    public bool HasScalarForm => Kind is LossKind.MeanSquaredError or LossKind.MeanAbsoluteError or LossKind.BinaryCrossEntropy or LossKind.Hinge or LossKind.Huber;

    /// <summary>The loss's name in prose.</summary>
    public string Name => Kind switch
    {
        LossKind.MeanSquaredError => "mean squared error",
        LossKind.MeanAbsoluteError => "mean absolute error",
        LossKind.BinaryCrossEntropy => "binary cross-entropy",
        LossKind.CrossEntropy => "cross-entropy",
        LossKind.Hinge => "hinge",
        LossKind.KLDivergence => "KL divergence",
        LossKind.Huber => "Huber (δ = " + HuberDeltaText + ")",
        LossKind.NegativeLogLikelihood => "negative log-likelihood",
        _ => Kind.ToString(),
    };

    /// <summary>
    /// Writes <c>float loss = …;</c> for the output layer's <c>z{L}</c>, <c>a{L}</c> and the target <c>y</c>, and the output error
    /// into <c>delta{L}</c>.
    /// </summary>
    /// <param name="w">The writer.</param>
    /// <param name="scalar">The output is one unit held in float locals (z, a; δ an out parameter): call the one-value forms.</param>
    public void Write(SourceWriter w, bool scalar)
    {
        LayerEmitter output = _context.Output;
        int l = output.Index;
        int n = output.Units;
        string L = Sup(l);
        bool mean = _context.Spec.Reduction == ReductionKind.Mean;
        string scale = mean && n > 1 ? $"1f / {Int(n)}" : "1f";
        string meanNote = mean ? $" (mean over the {Int(n)} output{(n == 1 ? "" : "s")})" : " (sum over the outputs)";
        string over = mean ? "(1/n)·" : "";
        string overGrad = mean ? "/n" : "";
        string losses = _context[Alias.Losses];
        // Span forms write δ (or g) into the layer's buffer; one-value forms return it through an out local.
        string y = scalar ? "y[0]" : "y";
        string delta = scalar ? $"out delta{l}" : $"delta{l}";
        string into = scalar ? $"{scale}, {delta}" : $"{delta}, {scale}";
        switch (Kind)
        {
            case LossKind.BinaryCrossEntropy when output.F.Kind == ActivationKind.Sigmoid:
                w.Line($"// L = {over}Σᵢ −[yᵢ·log ŷᵢ + (1 − yᵢ)·log(1 − ŷᵢ)]{meanNote}");
                w.Line("// Sigmoid + binary cross-entropy fused: from the logits, ℓ = max(z, 0) − z·y + log(1 + e^(−|z|)) (never log 0),");
                w.Line($"// and σ′ cancels the denominator of ∂ℓ/∂ŷ, leaving δ{L} = (ŷ − y){overGrad}.");
                w.Line($"float loss = {losses}.SigmoidBinaryCrossEntropy(z{l}, a{l}, {y}, {into});");
                return;
            case LossKind.CrossEntropy when output.F.Kind == ActivationKind.Softmax:
                w.Line("// L = −Σₖ yₖ·log ŷₖ (a per-sample sum over classes; Mean and Sum agree for one sample)");
                w.Line("// Softmax + cross-entropy fused: log ŷₖ = zₖ − log Σⱼ e^(zⱼ) (log-sum-exp with max-subtraction, stable),");
                w.Line($"// and the softmax Jacobian collapses: δ{L} = ŷ·Σₖyₖ − y = ŷ − y for a target that sums to 1.");
                w.Line($"float loss = {losses}.SoftmaxCrossEntropy(z{l}, a{l}, y, {delta});");
                return;
            case LossKind.KLDivergence when output.F.Kind == ActivationKind.Softmax:
                w.Line("// L = Σₖ yₖ·(log yₖ − log ŷₖ), 0·log 0 = 0 (a per-sample sum over classes)");
                w.Line($"// Softmax + KL divergence fused: log ŷ from log-sum-exp; y·log y does not depend on θ, so δ{L} = ŷ·Σₖyₖ − y as for cross-entropy.");
                w.Line($"float loss = {losses}.SoftmaxKLDivergence(z{l}, a{l}, y, {delta});");
                return;
            case LossKind.NegativeLogLikelihood when output.F.Kind == ActivationKind.LogSoftmax:
                w.Line("// L = −Σₖ yₖ·ŷₖ on the log-probabilities ŷ = log softmax(z) (a per-sample sum over classes; Mean and Sum agree for one sample)");
                w.Line("// LogSoftmax + NLL fused (PyTorch's LogSoftmax + NLLLoss): ŷ came from max-subtraction, so ŷ ≤ 0 and e^ŷ never overflows,");
                w.Line($"// and the log-softmax Jacobian collapses: δ{L} = e^ŷ·Σₖyₖ − y = softmax(z) − y for a target that sums to 1.");
                w.Line($"float loss = {losses}.LogSoftmaxNegativeLogLikelihood(a{l}, y, {delta});");
                return;
        }

        string call;
        switch (Kind)
        {
            case LossKind.MeanSquaredError:
                w.Line($"// L = {over}Σᵢ (ŷᵢ − yᵢ)²{meanNote}        ∂L/∂ŷ = 2(ŷ − y){overGrad}");
                call = $"{losses}.MeanSquaredError(a{l}, {y}, {into})";
                break;
            case LossKind.MeanAbsoluteError:
                w.Line($"// L = {over}Σᵢ |ŷᵢ − yᵢ|{meanNote}        ∂L/∂ŷ = sign(ŷ − y){overGrad}");
                call = $"{losses}.MeanAbsoluteError(a{l}, {y}, {into})";
                break;
            case LossKind.BinaryCrossEntropy:
                w.Line($"// L = {over}Σᵢ −[yᵢ·log ŷᵢ + (1 − yᵢ)·log(1 − ŷᵢ)]{meanNote}, logs clamped at −100 as PyTorch's BCELoss");
                w.Line($"// ∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)){overGrad}");
                call = $"{losses}.BinaryCrossEntropy(a{l}, {y}, {into})";
                break;
            case LossKind.CrossEntropy:
                w.Line("// L = −Σₖ yₖ·log ŷₖ        ∂L/∂ŷ = −y/ŷ");
                call = $"{losses}.CrossEntropy(a{l}, y, {delta})";
                break;
            case LossKind.KLDivergence:
                w.Line("// L = Σₖ yₖ·(log yₖ − log ŷₖ)        ∂L/∂ŷ = −y/ŷ");
                call = $"{losses}.KLDivergence(a{l}, y, {delta})";
                break;
            case LossKind.Huber:
                w.Line($"// L = {over}Σᵢ ℓ(ŷᵢ − yᵢ){meanNote}, ℓ(r) = ½r² where |r| < δ, else δ·(|r| − ½δ), δ = {HuberDeltaText}");
                w.Line($"// ∂L/∂ŷ = clamp(ŷ − y, −δ, δ){overGrad}");
                string huberDelta = Float(_context.Spec.HuberDelta);
                call = scalar ? $"{losses}.Huber(a{l}, {y}, {scale}, {huberDelta}, {delta})" : $"{losses}.Huber(a{l}, {y}, {delta}, {scale}, {huberDelta})";
                break;
            case LossKind.NegativeLogLikelihood:
                w.Line("// L = −Σₖ yₖ·ŷₖ, ŷ taken as log-probabilities        ∂L/∂ŷ = −y");
                call = $"{losses}.NegativeLogLikelihood(a{l}, y, {delta})";
                break;
            default:
                w.Line($"// L = {over}Σᵢ max(0, 1 − yᵢ·ŷᵢ){meanNote}, y ∈ {{−1, +1}}        ∂L/∂ŷ = −y where yᵢ·ŷᵢ < 1, else 0{(mean ? " (then /n)" : "")}");
                call = $"{losses}.Hinge(a{l}, {y}, {into})";
                break;
        }
        w.Line($"// The loss writes g = ∂L/∂ŷ into delta{l}; the output activation's derivative turns it into δ{L} = g ⊙ f′(z{L}).");
        w.Line($"float loss = {call};");
        if (output.F.IsIdentity)
        {
            w.Line($"// identity′ = 1: δ{L} = g.");
            return;
        }
        w.Line($"// {output.F.Derivative}");
        if (scalar)
        {
            w.Line($"delta{l} = {output.F.RegisterBackward(Form.Scalar, 1, $"delta{l}")};");
        }
        else
        {
            output.F.WriteSpanBackward(w, $"delta{l}");
        }
    }
}
