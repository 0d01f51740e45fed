namespace NetGen.Generators.Model;

/// <summary>
/// <c>[Normalization]</c> (issue 13, Keras's Normalization): y = (x − μ) / max(√σ², ε) per feature; no parameters. The adapted
/// mean then the variance sit at <see cref="StatisticsOffset"/> in the running statistics. Always layer 1 (NG1201) on a vector (NG1202).
/// </summary>
/// <param name="StatisticsOffset">Where the mean starts in the running statistics (the variance follows).</param>
internal sealed record NormalizationLayer(int Index, Shape Input, int ParameterOffset, int StatisticsOffset)
    : LayerModel(Index, Input, Input, ParameterOffset)
{
    public override int ParameterCount => 0;

    public override int StatisticsCount => 2 * Units;
}
