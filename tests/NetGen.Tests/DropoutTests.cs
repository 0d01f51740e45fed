using NetGen.Training;

namespace NetGen.Tests;

/// <summary>[Dropout(p)]: inverted, seeded, the identity in inference.</summary>
public class DropoutTests
{
    private static float[] Ones(int n) => Enumerable.Repeat(1f, n).ToArray();

    [Fact]
    public void KeepsTheExpectedFractionAndScalesTheSurvivors()
    {
        // Input 200 → Dropout 0.3 → Dense 2 (identity): with W = [1 … 1; 0 … 0], b = 0 and x = 1, output 0 is Σ mᵢ.
        var net = new InputDropoutNet(seed: 7);
        net.Parameters.Clear();
        net.Parameters[..200].Fill(1f);
        int kept = 0, total = 0;
        var scales = new HashSet<float>();
        for (int trial = 0; trial < 50; trial++)
        {
            net.ZeroGradients();
            net.Backward(Ones(200), [0, 0]);
            // ∂L/∂W₀ᵢ = δ₀·aᵢ, so the dropped inputs are exactly the zero gradients of row 0.
            ReadOnlySpan<float> g = net.Gradients[..200];
            float d = net.Gradients[400];
            foreach (float gi in g)
            {
                total++;
                if (gi != 0f)
                {
                    kept++;
                    scales.Add(gi / d);
                }
            }
        }
        double fraction = (double)kept / total;
        // 10 000 Bernoulli(0.7) draws: standard deviation 0.0046, so ±0.02 is more than 4σ.
        Assert.InRange(fraction, 0.68, 0.72);
        Assert.All(scales, s => Assert.Equal(1f / 0.7f, s, 5));
    }

    [Fact]
    public void IsTheIdentityInInference()
    {
        var net = new KerasMlp(seed: 1);
        var random = new SeededRandom(2);
        float[] x = Enumerable.Range(0, 10).Select(_ => random.NextSingle()).ToArray();
        var a = new float[1];
        var b = new float[1];
        net.Forward(x, a);
        net.Forward(x, b);
        Assert.Equal(a, b);
        // The same network without dropout (its weights copied) gives the same output: dropout does nothing in inference.
        var output = new float[1];
        float loss = net.Evaluate(x, [1f], output);
        Assert.Equal(a, output);
        Assert.Equal(-MathF.Log(a[0]), loss, 4);

        // Training = false: Backward sees the inference network too, so two calls give the same gradient.
        net.Training = false;
        net.Backward(x, [1f]);
        float[] first = net.Gradients.ToArray();
        net.ZeroGradients();
        net.Backward(x, [1f]);
        Assert.Equal(first, net.Gradients.ToArray());
    }

    [Fact]
    public void MasksAreSeededAndChangeBetweenCalls()
    {
        float[] RunTwice(int seed)
        {
            var net = new InputDropoutNet(seed);
            net.Parameters[..200].Fill(1f);
            net.Backward(Ones(200), [0, 0]);
            float[] first = net.Gradients[..200].ToArray();
            net.ZeroGradients();
            net.Backward(Ones(200), [0, 0]);
            Assert.NotEqual(first, net.Gradients[..200].ToArray());
            return first;
        }
        Assert.Equal(RunTwice(3), RunTwice(3));
        Assert.NotEqual(RunTwice(3), RunTwice(4));
    }

    [Fact]
    public void TrainingModeGradientMatchesFiniteDifferencesForAFixedMask()
    {
        // With the mask fixed (same seed before each evaluation), training-mode dropout is a linear map: check ∂L/∂θ.
        var random = new SeededRandom(9);
        float[] x = Enumerable.Range(0, 10).Select(_ => random.NextSingle() - 0.5f).ToArray();
        float[] y = [1f];
        var reference = new KerasMlp(seed: 4);
        reference.Backward(x, y);
        float[] analytic = reference.Gradients.ToArray();
        float[] theta = new KerasMlp(seed: 4).Parameters.ToArray();
        for (int i = 0; i < theta.Length; i += 7)
        {
            double Loss(float delta)
            {
                var net = new KerasMlp(seed: 4);
                net.Parameters[i] += delta;
                return net.Backward(x, y);
            }
            double numeric = (Loss(1e-2f) - Loss(-1e-2f)) / 2e-2;
            Assert.True(Math.Abs(numeric - analytic[i]) < 1e-3 + 1e-2 * Math.Abs(numeric), $"θ[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }
}
