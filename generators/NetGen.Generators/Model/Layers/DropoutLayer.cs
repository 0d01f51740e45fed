namespace NetGen.Generators.Model;

/// <summary><c>[Dropout(p)]</c>: inverted dropout in training, the identity in inference; keeps the shape, no parameters.</summary>
/// <param name="Rate">p, the probability of zeroing a value.</param>
internal sealed record DropoutLayer(int Index, Shape Input, int ParameterOffset, float Rate)
    : LayerModel(Index, Input, Input, ParameterOffset)
{
    public override int ParameterCount => 0;
}
