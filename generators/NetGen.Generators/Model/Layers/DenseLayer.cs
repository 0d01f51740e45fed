namespace NetGen.Generators.Model;

/// <summary>
/// <c>[Dense(units, f)]</c>: a = f(W·x + b). W = θ[WeightOffset..+Units·Inputs) (out × in, row-major, as PyTorch's
/// nn.Linear.weight), b follows it, then PReLU's slope (one float) when f is PReLU.
/// </summary>
/// <param name="Init">The weight initialisation (Default: chosen from f).</param>
/// <param name="InitScale">The scale of the Uniform and Normal initialisations.</param>
internal sealed record DenseLayer(int Index, Shape Input, Shape Output, int ParameterOffset, ActivationModel Function, WeightInitKind Init, float InitScale)
    : LayerModel(Index, Input, Output, ParameterOffset)
{
    public override ActivationModel Activation => Function;

    public int WeightOffset => ParameterOffset;

    public int WeightCount => Inputs * Units;

    public int BiasOffset => ParameterOffset + WeightCount;

    /// <summary>PReLU's learnable slope: one float after b (PyTorch's nn.PReLU() module after the nn.Linear).</summary>
    public bool HasSlope => Function.Kind == ActivationKind.PReLU;

    public int SlopeOffset => BiasOffset + Units;

    public override int ParameterCount => WeightCount + Units + (HasSlope ? 1 : 0);
}
