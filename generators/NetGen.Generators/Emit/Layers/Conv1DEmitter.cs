using NetGen.Generators.Model;
using static NetGen.Generators.Emit.Notation;

namespace NetGen.Generators.Emit;

/// <summary>[Conv1D(filters, k, f)] on a signal: C, L, F, k, s, p, d as the kernels' shape arguments.</summary>
internal sealed class Conv1DEmitter : ConvolutionEmitter
{
    private readonly Conv1DLayer _layer;

    public Conv1DEmitter(Conv1DLayer layer, EmitContext context) : base(layer, context) => _layer = layer;

    protected override string Name => "Conv1D";

    protected override int WeightOffset => _layer.WeightOffset;

    protected override int WeightCount => _layer.WeightCount;

    protected override int BiasOffset => _layer.BiasOffset;

    protected override int Filters => _layer.Filters;

    protected override int KernelSize => _layer.KernelSize;

    protected override int ScratchLength => _layer.ScratchLength;

    protected override int[] WeightShape => new[] { _layer.Filters, _layer.Input.Channels, _layer.KernelSize };

    protected override (int FanIn, int FanOut) Fans => (_layer.Taps, _layer.Filters * _layer.KernelSize);

    protected override string ShapeArguments
    {
        get
        {
            Shape x = _layer.Input;
            return $"{Int(x.Channels)}, {Int(x.Height)}, {Int(_layer.Filters)}, {Int(_layer.KernelSize)}, {Int(_layer.Stride)}, {Int(_layer.Padding)}, {Int(_layer.Dilation)}";
        }
    }

    /// <summary>The input index: <c>i·s+u·d−p</c>, without a stride or dilation of 1 or a padding of 0.</summary>
    private string Tap =>
        (_layer.Stride == 1 ? "i" : $"i·{Int(_layer.Stride)}") + "+" + (_layer.Dilation == 1 ? "u" : $"u·{Int(_layer.Dilation)}") + (_layer.Padding == 0 ? "" : $"−{Int(_layer.Padding)}");

    public override string Summary => $" → Conv1D {Int(_layer.Filters)}×{Int(_layer.KernelSize)} ({F.Name})";

    public override string PyTorchModule =>
        $"nn.Conv1d({Int(_layer.Input.Channels)}, {Int(_layer.Filters)}, {Int(_layer.KernelSize)}, stride={Int(_layer.Stride)}, padding={Int(_layer.Padding)}, dilation={Int(_layer.Dilation)})";

    protected override void WriteFormula(SourceWriter w)
    {
        string dilation = _layer.Dilation == 1 ? "" : $", dilation {Int(_layer.Dilation)}";
        w.Line($"// Layer {Int(Index)} · Conv1D {Int(_layer.Filters)} filters of {Int(_layer.KernelSize)} taps, stride {Int(_layer.Stride)}, padding {Int(_layer.Padding)}{dilation} · {_layer.Input} → {_layer.Output} · {F.Name}");
        w.Line($"//   z{L}[c,i] = b{L}[c] + Σ_{{c′,u}} W{L}[c,c′,u]·{A(Index - 1)}[c′, {Tap}]{(_layer.Padding > 0 ? "   (taps outside the input read 0)" : "")}");
    }

    protected override string WeightGradient => $"∂L/∂W{L}[c,c′,u] = Σ_i δ{L}[c,i]·{A(Index - 1)}[c′, {Tap}]";

    protected override string Positions => "i";

    protected override string Spread =>
        $"stride {Int(_layer.Stride)}, padding {Int(_layer.Padding)}" + (_layer.Dilation == 1 ? "" : $", dilation {Int(_layer.Dilation)}");
}
