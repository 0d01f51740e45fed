using System.Text.Json;

namespace NetGen.Tests;

/// <summary>
/// Generated networks against PyTorch: for each fixture (parameters, inputs and targets drawn as float32, reference
/// computed by PyTorch in float64), NetGen's float32 output, loss and gradients must agree within
/// |actual − expected| ≤ 1e-5 + 1e-4·|expected| — float32 rounding through a few layers, nothing looser.
/// </summary>
public class PyTorchFixtureTests
{
    public const double Absolute = 1e-5, Relative = 1e-4;

    private static readonly Dictionary<string, Func<INetwork>> s_networks = new()
    {
        ["tanh_sigmoid_bce_mean"] = () => new TanhSigmoidBceMean(),
        ["relu_leaky_softmax_ce_mean"] = () => new ReluLeakySoftmaxCeMean(),
        ["gelu_identity_mse_sum"] = () => new GeluIdentityMseSum(),
        ["sigmoid_tanh_mae_mean"] = () => new SigmoidTanhMaeMean(),
        ["leaky_identity_hinge_sum"] = () => new LeakyIdentityHingeSum(),
        ["tanh_softmax_kl_mean"] = () => new TanhSoftmaxKlMean(),
        ["relu_sigmoid_bce_sum"] = () => new ReluSigmoidBceSum(),
        ["identity_sigmoid_mse_mean"] = () => new IdentitySigmoidMseMean(),
        ["step_sign_inference"] = () => new StepSignInference(),
        ["wide_relu_tanh_softmax_ce_sum"] = () => new WideReluTanhSoftmaxCeSum(),
        ["digits_relu_softmax_ce_mean"] = () => new DigitsReluSoftmaxCeMean(),
        ["deep_mixed_mse_mean"] = () => new DeepMixedMseMean(),
        ["softmax_kl_sum"] = () => new SoftmaxKlSum(),
        ["identity_tanh_hinge_mean"] = () => new IdentityTanhHingeMean(),
        ["elu_selu_huber_mean"] = () => new EluSeluHuberMean(),
        ["softplus_silu_huber_sum"] = () => new SoftplusSiluHuberSum(),
        ["mish_hardtanh_logsoftmax_nll_mean"] = () => new MishHardTanhLogSoftmaxNllMean(),
        ["hardswish_hardsigmoid_logsoftmax_nll_sum"] = () => new HardSwishHardSigmoidLogSoftmaxNllSum(),
    };

    public static TheoryData<string> Fixtures() => new(FixtureNames());

    private static IEnumerable<string> FixtureNames() =>
        Directory.GetFiles(FixtureDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal);

    private static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch");

    [Fact]
    public void EveryFixtureHasANetworkAndEveryActivationAndLossIsCovered()
    {
        var fixtures = FixtureNames().ToList();
        Assert.Equal(s_networks.Keys.Order(StringComparer.Ordinal), fixtures);
        var documents = fixtures.Select(Load).ToList();
        var activations = documents.SelectMany(d => d.RootElement.GetProperty("layers").EnumerateArray()).Select(l => l.GetProperty("activation").GetString()).ToHashSet();
        Assert.Equal(Enum.GetNames<Activation>().Order(), activations.Order());
        var losses = documents.Select(d => d.RootElement.GetProperty("loss")).Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()).ToHashSet();
        Assert.Equal(Enum.GetNames<Loss>().Order(), losses.Order());
        var reductions = documents.Select(d => d.RootElement.GetProperty("reduction")).Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()).ToHashSet();
        Assert.Equal(Enum.GetNames<Reduction>().Order(), reductions.Order());
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void MatchesPyTorch(string fixture)
    {
        using JsonDocument document = Load(fixture);
        JsonElement root = document.RootElement;
        INetwork network = s_networks[fixture]();

        Assert.Equal(root.GetProperty("input_size").GetInt32(), network.InputSize);
        double[] theta = Doubles(root.GetProperty("parameters"));
        Assert.Equal(theta.Length, network.ParameterCount);
        for (int i = 0; i < theta.Length; i++)
        {
            network.Parameters[i] = (float)theta[i];
        }

        int sample = 0;
        foreach (JsonElement s in root.GetProperty("samples").EnumerateArray())
        {
            float[] input = Floats(s.GetProperty("input"));
            double[] expectedOutput = Doubles(s.GetProperty("output"));
            var output = new float[network.OutputSize];
            network.Forward(input, output);
            AssertClose(expectedOutput, output, $"{fixture} sample {sample} output");

            if (network is ITrainableNetwork trainable)
            {
                float[] target = Floats(s.GetProperty("target"));
                trainable.ZeroGradients();
                float loss = trainable.Backward(input, target);
                AssertClose([s.GetProperty("loss").GetDouble()], [loss], $"{fixture} sample {sample} loss");
                AssertClose(Doubles(s.GetProperty("gradients")), trainable.Gradients.ToArray(), $"{fixture} sample {sample} gradients");
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, root.GetProperty("loss").ValueKind);
            }
            sample++;
        }
        Assert.True(sample >= 4);
    }

    public static TheoryData<string> TrainingFixtures() =>
        new(FixtureNames().Where(f => { using JsonDocument d = Load(f); return d.RootElement.TryGetProperty("training", out _); }));

    /// <summary>
    /// PyTorch's torch.optim.SGD on the fixture's nn.Sequential: one TrainStep per sample, then one TrainStepBatch over all
    /// of them; the loss before each step and every parameter after it, within the fixtures' tolerance.
    /// </summary>
    [Theory]
    [MemberData(nameof(TrainingFixtures))]
    public void TrainsAsPyTorchSgd(string fixture)
    {
        using JsonDocument document = Load(fixture);
        JsonElement root = document.RootElement;
        var network = (ITrainableNetwork)s_networks[fixture]();
        double[] theta = Doubles(root.GetProperty("parameters"));
        for (int i = 0; i < theta.Length; i++)
        {
            network.Parameters[i] = (float)theta[i];
        }
        JsonElement[] samples = [.. root.GetProperty("samples").EnumerateArray()];
        JsonElement training = root.GetProperty("training");
        float learningRate = (float)training.GetProperty("learning_rate").GetDouble();
        int step = 0;
        foreach (JsonElement s in training.GetProperty("steps").EnumerateArray())
        {
            int[] batch = [.. s.GetProperty("samples").EnumerateArray().Select(e => e.GetInt32())];
            float[] inputs = [.. batch.SelectMany(i => Floats(samples[i].GetProperty("input")))];
            float[] targets = [.. batch.SelectMany(i => Floats(samples[i].GetProperty("target")))];
            float loss = batch.Length == 1
                ? network.TrainStep(inputs, targets, learningRate)
                : network.TrainStepBatch(inputs, targets, batch.Length, learningRate);
            AssertClose([s.GetProperty("loss").GetDouble()], [loss], $"{fixture} step {step} loss");
            AssertClose(Doubles(s.GetProperty("parameters")), network.Parameters.ToArray(), $"{fixture} step {step} parameters");
            step++;
        }
        Assert.Equal(samples.Length + 1, step);
    }

    [Fact]
    public void GradientsAccumulateAcrossSamplesUntilZeroed()
    {
        using JsonDocument document = Load("wide_relu_tanh_softmax_ce_sum");
        var network = new WideReluTanhSoftmaxCeSum();
        double[] theta = Doubles(document.RootElement.GetProperty("parameters"));
        for (int i = 0; i < theta.Length; i++)
        {
            network.Parameters[i] = (float)theta[i];
        }
        var expected = new double[theta.Length];
        foreach (JsonElement s in document.RootElement.GetProperty("samples").EnumerateArray())
        {
            network.Backward(Floats(s.GetProperty("input")), Floats(s.GetProperty("target")));
            double[] g = Doubles(s.GetProperty("gradients"));
            for (int i = 0; i < g.Length; i++)
            {
                expected[i] += g[i];
            }
        }
        AssertClose(expected, network.Gradients.ToArray(), "accumulated gradients");
        network.ZeroGradients();
        Assert.All(network.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    internal static JsonDocument Load(string fixture) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, fixture + ".json")));

    internal static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    internal static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    internal static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = Absolute + Relative * Math.Abs(expected[i]);
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2} > {tolerance:E2})");
        }
    }
}
