using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>The loss and the output error δ⁽ᴸ⁾, fused with the output activation where that is exact and stable.</summary>
internal static partial class NetworkEmitter
{
    /// <param name="w">The writer.</param>
    /// <param name="spec">The network.</param>
    /// <param name="loss">Its loss.</param>
    /// <param name="output">The output layer.</param>
    /// <param name="backward">Also turn g into δ with the output activation's derivative (false: the loss value only).</param>
    /// <param name="scalar">The output is one unit held in float locals (z, a, δ): call the one-value loss forms.</param>
    private static void WriteLoss(SourceWriter w, NetworkSpec spec, LossKind loss, LayerSpec output, bool backward = true, bool scalar = false)
    {
        int l = output.Index;
        int n = output.Units;
        string L = Sup(l);
        bool mean = spec.Reduction == ReductionKind.Mean;
        string scale = mean && n > 1 ? $"1f / {Int(n)}" : "1f";
        string meanNote = mean ? $" (mean over the {Int(n)} output{(n == 1 ? "" : "s")})" : " (sum over the outputs)";
        string over = mean ? "(1/n)·" : "";
        string overGrad = mean ? "/n" : "";
        // Span forms write δ (or g) into the layer's buffer; one-value forms return it through an out local.
        string y = scalar ? "y[0]" : "y";
        string into = scalar ? $"{scale}, out float delta{l}" : $"delta{l}, {scale}";
        switch (loss)
        {
            case LossKind.BinaryCrossEntropy when output.Activation == ActivationKind.Sigmoid:
                w.Line($"// L = {over}Σᵢ −[yᵢ·log ŷᵢ + (1 − yᵢ)·log(1 − ŷᵢ)]{meanNote}");
                w.Line($"// Sigmoid + binary cross-entropy fused: from the logits, ℓ = max(z, 0) − z·y + log(1 + e^(−|z|)) (never log 0),");
                w.Line($"// and σ′ cancels the denominator of ∂ℓ/∂ŷ, leaving δ{L} = (ŷ − y){overGrad}.");
                w.Line($"float loss = {Kernels}.Losses.SigmoidBinaryCrossEntropy(z{l}, a{l}, {y}, {into});");
                return;
            case LossKind.CrossEntropy when output.Activation == ActivationKind.Softmax:
                w.Line("// L = −Σₖ yₖ·log ŷₖ (a per-sample sum over classes; Mean and Sum agree for one sample)");
                w.Line($"// Softmax + cross-entropy fused: log ŷₖ = zₖ − log Σⱼ e^(zⱼ) (log-sum-exp with max-subtraction, stable),");
                w.Line($"// and the softmax Jacobian collapses: δ{L} = ŷ·Σₖyₖ − y = ŷ − y for a target that sums to 1.");
                w.Line($"float loss = {Kernels}.Losses.SoftmaxCrossEntropy(z{l}, a{l}, y, delta{l});");
                return;
            case LossKind.KLDivergence when output.Activation == ActivationKind.Softmax:
                w.Line("// L = Σₖ yₖ·(log yₖ − log ŷₖ), 0·log 0 = 0 (a per-sample sum over classes)");
                w.Line($"// Softmax + KL divergence fused: log ŷ from log-sum-exp; y·log y does not depend on θ, so δ{L} = ŷ·Σₖyₖ − y as for cross-entropy.");
                w.Line($"float loss = {Kernels}.Losses.SoftmaxKLDivergence(z{l}, a{l}, y, delta{l});");
                return;
        }

        string call;
        switch (loss)
        {
            case LossKind.MeanSquaredError:
                w.Line($"// L = {over}Σᵢ (ŷᵢ − yᵢ)²{meanNote}        ∂L/∂ŷ = 2(ŷ − y){overGrad}");
                call = $"{Kernels}.Losses.MeanSquaredError(a{l}, {y}, {into})";
                break;
            case LossKind.MeanAbsoluteError:
                w.Line($"// L = {over}Σᵢ |ŷᵢ − yᵢ|{meanNote}        ∂L/∂ŷ = sign(ŷ − y){overGrad}");
                call = $"{Kernels}.Losses.MeanAbsoluteError(a{l}, {y}, {into})";
                break;
            case LossKind.BinaryCrossEntropy:
                w.Line($"// L = {over}Σᵢ −[yᵢ·log ŷᵢ + (1 − yᵢ)·log(1 − ŷᵢ)]{meanNote}, logs clamped at −100 as PyTorch's BCELoss");
                w.Line($"// ∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)){overGrad}");
                call = $"{Kernels}.Losses.BinaryCrossEntropy(a{l}, {y}, {into})";
                break;
            case LossKind.CrossEntropy:
                w.Line("// L = −Σₖ yₖ·log ŷₖ        ∂L/∂ŷ = −y/ŷ");
                call = $"{Kernels}.Losses.CrossEntropy(a{l}, y, delta{l})";
                break;
            case LossKind.KLDivergence:
                w.Line("// L = Σₖ yₖ·(log yₖ − log ŷₖ)        ∂L/∂ŷ = −y/ŷ");
                call = $"{Kernels}.Losses.KLDivergence(a{l}, y, delta{l})";
                break;
            default:
                w.Line($"// L = {over}Σᵢ max(0, 1 − yᵢ·ŷᵢ){meanNote}, y ∈ {{−1, +1}}        ∂L/∂ŷ = −y where yᵢ·ŷᵢ < 1, else 0{(mean ? " (then /n)" : "")}");
                call = $"{Kernels}.Losses.Hinge(a{l}, {y}, {into})";
                break;
        }
        w.Line($"// The loss writes g = ∂L/∂ŷ into delta{l}; the output activation's derivative turns it into δ{L} = g ⊙ f′(z{L}).");
        w.Line($"float loss = {call};");
        if (!backward)
        {
            return;
        }
        if (output.Activation == ActivationKind.Identity)
        {
            w.Line($"// identity′ = 1: δ{L} = g.");
        }
        else
        {
            w.Line($"// {Derivative(output.Activation, output.NegativeSlope, l)}");
            if (scalar)
            {
                w.Line($"delta{l} = {RegisterActivationBackward(output, Form.Scalar, $"delta{l}")};");
            }
            else
            {
                WriteActivationBackward(w, output, $"delta{l}");
            }
        }
    }

    private static string LossName(LossKind loss) => loss switch
    {
        LossKind.MeanSquaredError => "mean squared error",
        LossKind.MeanAbsoluteError => "mean absolute error",
        LossKind.BinaryCrossEntropy => "binary cross-entropy",
        LossKind.CrossEntropy => "cross-entropy",
        LossKind.Hinge => "hinge",
        LossKind.KLDivergence => "KL divergence",
        _ => loss.ToString(),
    };
}
