using NetGen.Training;

namespace NetGen.Tests;

/// <summary>The textbook's worked examples, through the generated networks.</summary>
public class ScenarioTests
{
    [Fact]
    public void S1_SignNeuron_WeightedSumIs8_OutputIs1()
    {
        // w = (3, −2), x = (6, 5): wᵀx = 18 − 10 = 8, sign(8) = 1.
        var linear = new LinearNeuron();
        new float[] { 3, -2, 0 }.CopyTo(linear.Parameters);
        var z = new float[1];
        linear.Forward([6, 5], z);
        Assert.Equal(8f, z[0]);

        var neuron = new SignNeuron();
        new float[] { 3, -2, 0 }.CopyTo(neuron.Parameters);
        var a = new float[1];
        neuron.Forward([6, 5], a);
        Assert.Equal(1f, a[0]);
        neuron.Forward([2, 3], a);      // 6 − 6 = 0 → sign 0
        Assert.Equal(0f, a[0]);
        neuron.Forward([1, 5], a);      // 3 − 10 < 0 → −1
        Assert.Equal(-1f, a[0]);
    }

    [Theory]
    [InlineData(4, 8, 1)]    // the textbook's point: inside both half-planes
    [InlineData(1, 1, 1)]    // 3 − 1 > 0 and −3 + 2 + 3 > 0
    [InlineData(0, 5, 0)]    // 3·0 − 5 < 0
    [InlineData(3, 0, 0)]    // −9 + 0 + 3 < 0
    public void S2_TwoLines_ClassifyInsideBothHalfPlanes(float x, float y, float expected)
    {
        var net = new TwoLines();
        // W⁽¹⁾ rows: (3, −1) and (−3, 2); b⁽¹⁾ = (0, 3). Output: step(a₁ + a₂ − 1.5) = a₁ AND a₂.
        new float[] { 3, -1, -3, 2, 0, 3, 1, 1, -1.5f }.CopyTo(net.Parameters);
        var output = new float[1];
        net.Forward([x, y], output);
        Assert.Equal(expected, output[0]);
    }

    [Fact]
    public void S2_SeedFormula_SignOfF1PlusF2At_4_8_Is1()
    {
        var net = new TwoLinesSeedFormula();
        new float[] { 3, -1, -3, 2, 0, 3, 1, 1, 0 }.CopyTo(net.Parameters);
        var output = new float[1];
        net.Forward([4, 8], output);
        Assert.Equal(1f, output[0]); // f₁ = 4, f₂ = 7, sign(11) = 1
    }

    [Fact]
    public void S3_LinearRegression_FirstGradientIsTheTextbooks_AndDescentStopsOnTheGradientNorm()
    {
        float[] xs = [1, 2, 3, 4], ys = [5, 7, 9, 11];
        var net = new LinearRegression();
        net.Parameters[0] = 5; // w
        net.Parameters[1] = 5; // b

        // The textbook's gradients at w = b = 5: ∂L/∂w = −2·Σx(y − ŷ) = 220, ∂L/∂b = −2·Σ(y − ŷ) = 76, L = Σ(y − ŷ)² = 406.
        float loss = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            loss += net.Backward([xs[i]], [ys[i]]);
        }
        Assert.Equal(406f, loss);
        Assert.Equal(220f, net.Gradients[0]);
        Assert.Equal(76f, net.Gradients[1]);
        net.ZeroGradients();

        // Repeat: accumulate the batch gradient, w ← w − η·∂L/∂w, b ← b − η·∂L/∂b, until √(g_w² + g_b²) < threshold.
        var sgd = new Sgd(learningRate: 0.01f);
        const float Threshold = 1e-3f;
        const int MaxIterations = 20_000;
        int iteration = 0;
        float norm = float.PositiveInfinity;
        while (iteration < MaxIterations)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                net.Backward([xs[i]], [ys[i]]);
            }
            norm = MathF.Sqrt(net.Gradients[0] * net.Gradients[0] + net.Gradients[1] * net.Gradients[1]);
            if (norm < Threshold)
            {
                break;
            }
            sgd.Step(net.Parameters, net.Gradients);
            net.ZeroGradients();
            iteration++;
        }
        Assert.True(norm < Threshold, $"stopped by the iteration limit with gradient norm {norm}");
        Assert.InRange(iteration, 10, MaxIterations - 1);
        Assert.Equal(2f, net.Parameters[0], 1e-3f);
        Assert.Equal(3f, net.Parameters[1], 1e-3f);
    }

    [Fact]
    public void S3_LinearRegression_StopsOnTheIterationLimitWhenTheThresholdIsUnreachable()
    {
        var net = new LinearRegression();
        var sgd = new Sgd(learningRate: 1e-4f);
        int iterations = 0;
        for (; iterations < 50; iterations++)
        {
            net.Backward([1], [5]);
            if (MathF.Sqrt(net.Gradients[0] * net.Gradients[0] + net.Gradients[1] * net.Gradients[1]) < 1e-6f)
            {
                break;
            }
            sgd.Step(net);
        }
        Assert.Equal(50, iterations);
    }

    [Fact]
    public void S4_Xor_TrainsToFourOfFour()
    {
        float[][] inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
        float[][] targets = [[0], [1], [1], [0]];
        var net = new XorNet(seed: 1);
        var sgd = new Sgd(0.5f);
        float first = 0, last = 0;
        for (int epoch = 0; epoch < 2000; epoch++)
        {
            float loss = 0;
            for (int i = 0; i < 4; i++)
            {
                loss += net.Backward(inputs[i], targets[i]);
            }
            sgd.Step(net, batchSize: 4);
            if (epoch == 0) first = loss / 4;
            last = loss / 4;
        }
        Assert.True(first > 0.5f, $"initial loss {first}");
        Assert.True(last < 0.01f, $"final loss {last}");
        var output = new float[1];
        for (int i = 0; i < 4; i++)
        {
            net.Forward(inputs[i], output);
            Assert.Equal(targets[i][0] > 0.5f, output[0] > 0.5f);
        }
    }

    [Fact]
    public void S4_Xor_IsNotLinearlySeparable_ASingleNeuronCannotLearnIt()
    {
        float[][] inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
        float[][] targets = [[0], [1], [1], [0]];
        var net = new SingleNeuronXor(seed: 1);
        var sgd = new Sgd(0.5f);
        for (int epoch = 0; epoch < 2000; epoch++)
        {
            for (int i = 0; i < 4; i++) net.Backward(inputs[i], targets[i]);
            sgd.Step(net, batchSize: 4);
        }
        var output = new float[1];
        int correct = 0;
        for (int i = 0; i < 4; i++)
        {
            net.Forward(inputs[i], output);
            correct += (output[0] > 0.5f) == (targets[i][0] > 0.5f) ? 1 : 0;
        }
        Assert.True(correct < 4);
    }

    [Fact]
    public void S8_SoftmaxOfTheTextbooksScores()
    {
        var net = new SoftmaxOfFive();
        Identity(net.Parameters, 5);
        var p = new float[5];
        net.Forward([1, 2, 5, 3, 4], p);
        // The textbook, truncated to four places: [0.0116, 0.0316, 0.6364, 0.0861, 0.2341].
        float[] expected = [0.0116f, 0.0316f, 0.6364f, 0.0861f, 0.2341f];
        for (int k = 0; k < 5; k++)
        {
            Assert.InRange(p[k] - expected[k], 0f, 1e-4f);
        }
        Assert.Equal(1f, p.Sum(), 1e-6f);
    }

    [Fact]
    public void S8_NegativeLogLikelihood_WithNaturalLogarithms()
    {
        var net = new SoftmaxOfFive();
        Identity(net.Parameters, 5);
        // Correct class 3: L = −ln(0.6364) = 0.4519. The textbook uses log₁₀ here (0.197); NetGen uses ln throughout.
        float loss = net.Backward([1, 2, 5, 3, 4], [0, 0, 1, 0, 0]);
        double exact = -Math.Log(Math.Exp(5) / (Math.Exp(1) + Math.Exp(2) + Math.Exp(5) + Math.Exp(3) + Math.Exp(4)));
        Assert.Equal(exact, loss, 1e-6);
        Assert.Equal(0.197, loss / Math.Log(10), 1e-3);
        // Correct class 2 makes the loss larger, as in the textbook: −ln(0.0317) = 3.45.
        float worse = net.Backward([1, 2, 5, 3, 4], [0, 1, 0, 0, 0]);
        Assert.True(worse > loss);
        Assert.Equal(3.4519, worse, 1e-3);
    }

    [Fact]
    public void S8_L1Is6_And_L2Is14_WithSumReduction()
    {
        // L_m = [0, 2, 5, 3], y = [3, 2, 3, 4]: L1 = 3 + 0 + 2 + 1 = 6, L2 = 9 + 0 + 4 + 1 = 14.
        float[] output = [0, 2, 5, 3], label = [3, 2, 3, 4];
        var l1 = new L1Sum();
        Identity(l1.Parameters, 4);
        Assert.Equal(6f, l1.Backward(output, label));
        var l2 = new L2Sum();
        Identity(l2.Parameters, 4);
        Assert.Equal(14f, l2.Backward(output, label));
        // ∂L2/∂b = 2(ŷ − y) = (−6, 0, 4, −2); ∂L1/∂b = sign(ŷ − y) = (−1, 0, 1, −1).
        Assert.Equal([-6f, 0, 4, -2], l2.Gradients[16..].ToArray());
        Assert.Equal([-1f, 0, 1, -1], l1.Gradients[16..].ToArray());

        // PyTorch's default Mean divides by the 4 elements.
        var l1Mean = new L1Mean();
        Identity(l1Mean.Parameters, 4);
        Assert.Equal(1.5f, l1Mean.Backward(output, label));
        var l2Mean = new L2Mean();
        Identity(l2Mean.Parameters, 4);
        Assert.Equal(3.5f, l2Mean.Backward(output, label));
    }

    /// <summary>W = I, b = 0 for a square dense layer, so that ŷ = x and the loss sees the raw vector.</summary>
    private static void Identity(Span<float> theta, int n)
    {
        theta.Clear();
        for (int i = 0; i < n; i++)
        {
            theta[i * n + i] = 1;
        }
    }
}

/// <summary>A single sigmoid neuron: the perceptron that XOR defeats.</summary>
[Network(Loss = Loss.BinaryCrossEntropy)]
[Input(2)]
[Dense(1, Activation.Sigmoid)]
public sealed partial class SingleNeuronXor;
