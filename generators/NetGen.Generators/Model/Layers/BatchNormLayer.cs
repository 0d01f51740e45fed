namespace NetGen.Generators.Model;

/// <summary>
/// <c>[BatchNorm(f)]</c>: z = γ ⊙ (x − μ)/√(σ² + ε) + β, a = f(z). γ = θ[ParameterOffset..+Units), β follows it; the running
/// mean then the running variance sit at <see cref="StatisticsOffset"/> in the running statistics.
/// </summary>
/// <param name="Function">f.</param>
/// <param name="Momentum">The running statistics' momentum.</param>
/// <param name="Epsilon">ε.</param>
/// <param name="StatisticsOffset">Where the running mean starts in the running statistics (the variance follows).</param>
internal sealed record BatchNormLayer(int Index, Shape Input, int ParameterOffset, ActivationModel Function, float Momentum, float Epsilon, int StatisticsOffset)
    : LayerModel(Index, Input, Input, ParameterOffset)
{
    public override ActivationModel Activation => Function;

    public int GammaOffset => ParameterOffset;

    public int BetaOffset => ParameterOffset + Units;

    public override int ParameterCount => 2 * Units;

    public override int StatisticsCount => 2 * Units;
}
