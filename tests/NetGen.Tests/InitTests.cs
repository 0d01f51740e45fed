namespace NetGen.Tests;

/// <summary>The Init choices on [Dense]: each layer's weights follow the chosen distribution (400→300 and 300→300 layers).</summary>
public class InitTests
{
    private static (double Mean, double Std, double MaxAbs) Stats(ReadOnlySpan<float> w)
    {
        double sum = 0, squares = 0, max = 0;
        foreach (float v in w)
        {
            sum += v;
            squares += (double)v * v;
            max = Math.Max(max, Math.Abs(v));
        }
        double mean = sum / w.Length;
        return (mean, Math.Sqrt(squares / w.Length - mean * mean), max);
    }

    [Fact]
    public void EachChoiceHasItsDistribution()
    {
        var net = new InitChoices(seed: 1);
        IReadOnlyList<LayerInfo> layers = InitChoices.Layers;
        void Uniform(int layer, double bound)
        {
            var (mean, std, max) = Stats(net.Parameters.Slice(layers[layer].WeightOffset, layers[layer].WeightCount));
            Assert.True(max <= bound && max > 0.99 * bound, $"layer {layer + 1}: max |w| {max}, bound {bound}");
            Assert.Equal(bound / Math.Sqrt(3), std, bound / Math.Sqrt(3) * 0.02);
            Assert.True(Math.Abs(mean) < 0.02 * bound);
        }
        void Normal(int layer, double sigma)
        {
            var (mean, std, max) = Stats(net.Parameters.Slice(layers[layer].WeightOffset, layers[layer].WeightCount));
            Assert.Equal(sigma, std, sigma * 0.02);
            Assert.True(Math.Abs(mean) < 0.02 * sigma);
            Assert.True(max > 3.5 * sigma, $"layer {layer + 1}: a normal sample of 90 000 has values beyond 3.5σ (max {max / sigma:F2}σ)");
        }
        Uniform(0, Math.Sqrt(6.0 / (400 + 300)));          // Xavier uniform
        Normal(1, Math.Sqrt(2.0 / (300 + 300)));           // Xavier normal
        Uniform(2, Math.Sqrt(6.0 / 300));                  // He uniform (ReLU)
        Normal(3, Math.Sqrt(2.0 / ((1 + 0.04) * 300)));    // He normal (LeakyReLU 0.2)
        Uniform(4, 0.1);                                   // Uniform, InitScale 0.1
        Normal(5, 0.05);                                   // Normal, default InitScale 0.05
        foreach (LayerInfo layer in layers)
        {
            Assert.All(net.Parameters.Slice(layer.BiasOffset, layer.BiasCount).ToArray(), b => Assert.Equal(0f, b));
        }
    }

    [Fact]
    public void SameSeedSameWeights()
    {
        Assert.Equal(new InitChoices(seed: 9).Parameters.ToArray(), new InitChoices(seed: 9).Parameters.ToArray());
        Assert.NotEqual(new InitChoices(seed: 9).Parameters.ToArray(), new InitChoices(seed: 10).Parameters.ToArray());
    }
}
