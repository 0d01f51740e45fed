using System.Text.Json;
using NetGen.IO;
using NetGen.Kernels;
using static NetGen.Tests.ExtendedActivationReference;

namespace NetGen.Tests;

/// <summary>
/// The kernels of issue 12 against PyTorch (Fixtures/pytorch-activations/activations.json, written by
/// tests/pytorch/make_activation_fixtures.py from the torch.nn modules in float64), against finite differences, and over every
/// tail length of the span drivers.
/// </summary>
public class ExtendedActivationFixtureTests
{
    private static readonly Lazy<JsonDocument> s_fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-activations", "activations.json"))));

    private static JsonElement Root => s_fixture.Value.RootElement;

    /// <summary>(forward, derivative, span forward, span backward) of a fixture case, with its parameters bound.</summary>
    private delegate void SpanMap(ReadOnlySpan<float> z, Span<float> a);

    private sealed record Kernel(Func<float, float> F, Func<float, float> D, SpanMap Span, SpanMap SpanBackward, Function Bound);

    private static Kernel KernelFor(string name, JsonElement parameters) => name switch
    {
        "ELU" => Elu((float)parameters.GetProperty("alpha").GetDouble()),
        "PReLU" => PRelu((float)parameters.GetProperty("slope").GetDouble()),
        "SELU" => new(Activations.SELU, Activations.SELUDerivative, Activations.SELU, Activations.SELUBackward, Get("SELU")),
        "Softplus" => new(Activations.Softplus, Activations.SoftplusDerivative, Activations.Softplus, Activations.SoftplusBackward, Get("Softplus")),
        "SiLU" => new(Activations.SiLU, Activations.SiLUDerivative, Activations.SiLU, Activations.SiLUBackward, Get("SiLU")),
        "Mish" => new(Activations.Mish, Activations.MishDerivative, Activations.Mish, Activations.MishBackward, Get("Mish")),
        "HardTanh" => new(Activations.HardTanh, Activations.HardTanhDerivative, Activations.HardTanh, Activations.HardTanhBackward, Get("HardTanh")),
        "HardSigmoid" => new(Activations.HardSigmoid, Activations.HardSigmoidDerivative, Activations.HardSigmoid, Activations.HardSigmoidBackward, Get("HardSigmoid")),
        "HardSwish" => new(Activations.HardSwish, Activations.HardSwishDerivative, Activations.HardSwish, Activations.HardSwishBackward, Get("HardSwish")),
        _ => throw new ArgumentException($"no kernel for '{name}'", nameof(name)),
    };

    private static Kernel Elu(float alpha) =>
        new(z => Activations.ELU(z, alpha), z => Activations.ELUDerivative(z, alpha), (z, a) => Activations.ELU(z, a, alpha),
            (z, g) => Activations.ELUBackward(z, g, alpha), Get("ELU"));

    private static Kernel PRelu(float slope) =>
        new(z => Activations.PReLU(z, slope), z => Activations.PReLUBackward(z, 1f, slope), (z, a) => Activations.PReLU(z, a, slope),
            (z, g) => Activations.PReLUBackward(z, g, slope), Get("PReLU"));

    public static TheoryData<int> ActivationCases() => new(Enumerable.Range(0, Root.GetProperty("activations").GetArrayLength()));

    /// <summary>
    /// PyTorch's own float64 noise that NetGen's float32 result is allowed on top of its documented bound: 1.13 forms ELU/SELU as
    /// exp(z) − 1 (absolute 10⁻¹⁶ near 0) and Hardsigmoid′ with float32(1/6) (relative 3·10⁻⁸).
    /// </summary>
    private static bool MatchesPyTorch(Function bound, float z, float actual, double expected) =>
        WithinBound(bound, z, actual, expected) || Math.Abs(actual - expected) <= 1e-15 + 4e-8 * Math.Abs(expected);

    [Theory]
    [MemberData(nameof(ActivationCases))]
    public void ActivationsMatchPyTorch_ValuesAndDerivatives_InEveryForm(int index)
    {
        JsonElement entry = Root.GetProperty("activations")[index];
        string name = entry.GetProperty("name").GetString()!;
        Kernel k = KernelFor(name, entry.GetProperty("parameters"));
        float[] z = PyTorchFixtureTests.Floats(entry.GetProperty("z"));
        double[] value = PyTorchFixtureTests.Doubles(entry.GetProperty("value"));
        double[] derivative = PyTorchFixtureTests.Doubles(entry.GetProperty("derivative"));
        Function derivativeBound = name == "PReLU" ? Get("PReLU") : Get(k.Bound.Name + "′");
        Assert.True(z.Length > 100);

        var a = new float[z.Length];
        k.Span(z, a);
        float[] g = Enumerable.Repeat(0.75f, z.Length).ToArray();
        k.SpanBackward(z, g);
        for (int i = 0; i < z.Length; i++)
        {
            float y = k.F(z[i]), d = k.D(z[i]);
            Assert.True(MatchesPyTorch(k.Bound, z[i], y, value[i]),
                $"{name}({z[i]:R}) = {y:R}, PyTorch {value[i]:R} ({Ulps(y, value[i]):F2} ulp)");
            Assert.True(MatchesPyTorch(derivativeBound, z[i], d, derivative[i]),
                $"{name}′({z[i]:R}) = {d:R}, PyTorch {derivative[i]:R} ({Ulps(d, derivative[i]):F2} ulp)");
            Assert.True(Same(y, a[i]), $"{name} span form at {z[i]:R}: {a[i]:R}, scalar {y:R}");
            float expectedBackward = name == "PReLU" ? Activations.PReLUBackward(z[i], 0.75f, (float)entry.GetProperty("parameters").GetProperty("slope").GetDouble())
                : name == "HardSigmoid" ? Activations.HardSigmoidBackward(z[i], 0.75f)
                : name == "HardTanh" ? Activations.HardTanhBackward(z[i], 0.75f)
                : name == "HardSwish" ? Activations.HardSwishBackward(z[i], 0.75f)
                : 0.75f * d;
            Assert.True(Same(expectedBackward, g[i]), $"{name} span backward at {z[i]:R}: {g[i]:R}, scalar {expectedBackward:R}");
            Assert.True(Math.Abs(g[i] - 0.75 * derivative[i]) <= 1e-6 * Math.Abs(0.75 * derivative[i]) + 1e-30,
                $"{name} span backward at {z[i]:R}: {g[i]:R}, PyTorch {0.75 * derivative[i]:R}");
        }

        if (name == "PReLU")
        {
            float slope = (float)entry.GetProperty("parameters").GetProperty("slope").GetDouble();
            double[] slopeGradient = PyTorchFixtureTests.Doubles(entry.GetProperty("slope_gradient"));
            for (int i = 0; i < z.Length; i++)
            {
                Assert.Equal(slopeGradient[i], Activations.PReLUSlopeGradient(z[i], 1f), 0);
            }
            float[] ones = Enumerable.Repeat(1f, z.Length).ToArray();
            float total = Activations.PReLUBackward(z, ones, slope);
            Assert.Equal(slopeGradient.Sum(), total, 1e-6 * slopeGradient.Sum(Math.Abs));
        }
    }

    [Fact]
    public void LogSoftmaxMatchesPyTorch_ForwardAndBackward()
    {
        foreach (JsonElement row in Root.GetProperty("log_softmax").EnumerateArray())
        {
            float[] z = PyTorchFixtureTests.Floats(row.GetProperty("z"));
            double[] value = PyTorchFixtureTests.Doubles(row.GetProperty("value"));
            float[] upstream = PyTorchFixtureTests.Floats(row.GetProperty("upstream"));
            double[] backward = PyTorchFixtureTests.Doubles(row.GetProperty("backward"));
            var a = new float[z.Length];
            Activations.LogSoftmax(z, a);
            float spread = z.Max() - z.Min();
            for (int k = 0; k < z.Length; k++)
            {
                // |zₖ − m| is exact or rounded once, log Σ to a few ulp: the error scales with the value's size.
                Assert.True(Math.Abs(a[k] - value[k]) <= 2.5e-7 * (1 + Math.Abs(value[k])), $"log_softmax row of {z.Length}, k = {k}: {a[k]:R}, PyTorch {value[k]:R}");
                Assert.True(a[k] <= 0f);
            }
            float[] inPlace = (float[])z.Clone();
            Activations.LogSoftmax(inPlace, inPlace);
            Assert.Equal(a, inPlace);
            float[] g = (float[])upstream.Clone();
            Activations.LogSoftmaxBackward(a, g);
            double scale = 1 + upstream.Sum(v => Math.Abs((double)v));
            for (int k = 0; k < z.Length; k++)
            {
                Assert.True(Math.Abs(g[k] - backward[k]) <= 5e-7 * scale, $"log_softmax backward, k = {k}: {g[k]:R}, PyTorch {backward[k]:R}");
            }
            Assert.True(spread >= 0);
        }
    }

    [Fact]
    public void HuberMatchesPyTorch_MeanAndSum_DeltaOneAndAHalf()
    {
        foreach (JsonElement c in Root.GetProperty("huber").EnumerateArray())
        {
            float delta = (float)c.GetProperty("delta").GetDouble();
            float[] yHat = PyTorchFixtureTests.Floats(c.GetProperty("y_hat"));
            float[] y = PyTorchFixtureTests.Floats(c.GetProperty("y"));
            double loss = c.GetProperty("loss").GetDouble();
            double[] gradient = PyTorchFixtureTests.Doubles(c.GetProperty("gradient"));
            float scale = c.GetProperty("reduction").GetString() == "mean" ? 1f / yHat.Length : 1f;
            var g = new float[yHat.Length];
            float actual = Losses.Huber(yHat, y, g, scale, delta);
            Assert.True(Math.Abs(actual - loss) <= 1e-6 * Math.Abs(loss), $"Huber δ = {delta}: {actual:R}, PyTorch {loss:R}");
            float sum = 0f;
            for (int i = 0; i < g.Length; i++)
            {
                Assert.True(Math.Abs(g[i] - gradient[i]) <= 1e-7 * Math.Max(1, Math.Abs(gradient[i])), $"Huber δ = {delta}, element {i}: {g[i]:R}, PyTorch {gradient[i]:R}");
                sum += Losses.Huber(yHat[i], y[i], scale, delta, out float gi);
                Assert.Equal(g[i], gi);
            }
            Assert.Equal(actual, sum, 1e-6f * Math.Abs(actual));
        }
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Huber_RefusesADeltaThatIsNotPositiveAndFinite_WritingNothing(float delta)
    {
        float[] g = [7f, 7f];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Huber([1f, 2f], [0f, 0f], g, 1f, delta));
        Assert.Equal("delta", e.ParamName);
        Assert.Equal([7f, 7f], g);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.Huber(1f, 0f, 1f, delta, out _));
    }

    [Fact]
    public void LogSoftmaxPlusNllMatchesPyTorch_FusedAndUnfused()
    {
        foreach (JsonElement c in Root.GetProperty("nll").EnumerateArray())
        {
            float[] z = PyTorchFixtureTests.Floats(c.GetProperty("z"));
            int target = c.GetProperty("target").GetInt32();
            double loss = c.GetProperty("loss").GetDouble();
            double[] gradient = PyTorchFixtureTests.Doubles(c.GetProperty("gradient"));
            var logP = new float[z.Length];
            Activations.LogSoftmax(z, logP);
            var y = new float[z.Length];
            y[target] = 1f;
            var delta = new float[z.Length];
            float fused = Losses.LogSoftmaxNegativeLogLikelihood(logP, y, delta);
            Assert.True(Math.Abs(fused - loss) <= 2.5e-7 * (1 + loss), $"NLL of {z.Length} classes: {fused:R}, PyTorch {loss:R}");
            var g = new float[z.Length];
            float unfused = Losses.NegativeLogLikelihood(logP, y, g);
            Assert.Equal(fused, unfused);
            Activations.LogSoftmaxBackward(logP, g);
            for (int k = 0; k < z.Length; k++)
            {
                Assert.True(Math.Abs(delta[k] - gradient[k]) <= 3e-7, $"fused δ[{k}] = {delta[k]:R}, PyTorch {gradient[k]:R}");
                Assert.True(Math.Abs(g[k] - gradient[k]) <= 3e-7, $"unfused δ[{k}] = {g[k]:R}, PyTorch {gradient[k]:R}");
            }
        }
        // The seeds' worked example (S8): logits [1, 2, 5, 3, 4], class 2 → −log softmax₂ = log Σ e^(zⱼ − 5) = 0.4519143.
        float[] logits = [1, 2, 5, 3, 4];
        var lp = new float[5];
        Activations.LogSoftmax(logits, lp);
        Assert.Equal(0.45191431, -lp[2], 6);
    }

    // ----- finite differences --------------------------------------------------------------------------------------------

    public static TheoryData<string> DifferentiableNames() =>
        new(All.Where(f => !f.Name.EndsWith('′') && f.Name != "expm1").Select(f => f.Name));

    /// <summary>
    /// f′ against the fourth-order central difference of the float32 kernel, D = (8[f(z+h) − f(z−h)] − [f(z+2h) − f(z−2h)])/(12h)
    /// with h = 2⁻⁶ (truncation ~h⁴ ≈ 10⁻⁸), on a grid over [−7.9, 7.9] kept 2h away from every kink; the rounding of f
    /// (a few ulp of |f| ≤ 8) divided by 12h bounds the noise at 4·10⁻⁴·(1 + |f|).
    /// </summary>
    [Theory]
    [MemberData(nameof(DifferentiableNames))]
    public void DerivativesMatchFiniteDifferences(string name)
    {
        Function f = Get(name);
        Function d = name == "PReLU" ? new Function("PReLU′", z => Activations.PReLUBackward(z, 1f, 0.25f), null!, null!, null!, null!, 0, 0, 0) : Get(name + "′");
        const float h = 1f / 64;
        float[] kinks = [0f, -1f, 1f, -3f, 3f, 20f];
        int checkedPoints = 0;
        for (float z = -7.9f; z <= 7.9f; z += 0.173f)
        {
            if (kinks.Any(k => MathF.Abs(z - k) <= 2.5f * h))
            {
                continue;
            }
            double fd = (8.0 * (f.F(z + h) - (double)f.F(z - h)) - (f.F(z + 2 * h) - (double)f.F(z - 2 * h))) / (12.0 * h);
            double analytic = d.F(z);
            Assert.True(Math.Abs(fd - analytic) <= 4e-4 * (1 + Math.Abs(f.F(z))), $"{name}′({z:R}) = {analytic:R}, finite difference {fd:R}");
            checkedPoints++;
        }
        Assert.True(checkedPoints > 70);
    }

    [Fact]
    public void PReLUSlopeGradient_MatchesFiniteDifferencesInTheSlope()
    {
        float[] z = Enumerable.Range(0, 41).Select(i => -4f + 0.2f * i + 0.01f).ToArray();
        float[] g = z.Select((_, i) => 0.5f + 0.03f * i).ToArray();
        const float slope = 0.25f, h = 1f / 128;
        double Loss(float a) => z.Select((v, i) => (double)g[i] * Activations.PReLU(v, a)).Sum();
        double fd = (Loss(slope + h) - Loss(slope - h)) / (2 * h);
        float[] gradient = (float[])g.Clone();
        float analytic = Activations.PReLUBackward(z, gradient, slope);
        Assert.Equal(fd, analytic, 1e-4 * Math.Abs(fd));
        for (int i = 0; i < z.Length; i++)
        {
            Assert.Equal(z[i] > 0 ? g[i] : slope * g[i], gradient[i]);
        }
    }

    [Fact]
    public void LogSoftmaxBackwardAndFusedNll_MatchFiniteDifferences()
    {
        float[] z = [0.3f, -1.2f, 2.5f, 0.7f, -0.4f, 1.9f, -2.2f, 0.05f, 1.1f, -0.8f];
        float[] up = z.Select((_, i) => MathF.Sin(i + 1f)).ToArray();
        float[] y = [0, 0, 0.25f, 0, 0, 0.75f, 0, 0, 0, 0];
        double Weighted(float[] v)
        {
            var a = new float[v.Length];
            Activations.LogSoftmax(v, a);
            return a.Select((x, i) => (double)up[i] * x).Sum();
        }
        double Nll(float[] v)
        {
            var a = new float[v.Length];
            Activations.LogSoftmax(v, a);
            return Losses.NegativeLogLikelihood(a, y, new float[v.Length]);
        }
        var logP = new float[z.Length];
        Activations.LogSoftmax(z, logP);
        float[] g = (float[])up.Clone();
        Activations.LogSoftmaxBackward(logP, g);
        var delta = new float[z.Length];
        Losses.LogSoftmaxNegativeLogLikelihood(logP, y, delta);
        const float h = 1f / 256;
        for (int j = 0; j < z.Length; j++)
        {
            float[] plus = (float[])z.Clone(), minus = (float[])z.Clone();
            plus[j] += h;
            minus[j] -= h;
            Assert.Equal((Weighted(plus) - Weighted(minus)) / (2 * h), g[j], 2e-3);
            Assert.Equal((Nll(plus) - Nll(minus)) / (2 * h), delta[j], 2e-3);
        }
    }

    [Fact]
    public void HuberGradient_MatchesFiniteDifferences_OnBothSidesOfDelta()
    {
        float[] y = [0.1f, -0.3f, 0.2f, 1.5f, -2f];
        float[] yHat = [0.4f, -2.1f, 0.25f, 4f, -1.4f];
        const float delta = 0.7f, h = 1f / 512;
        var g = new float[5];
        Losses.Huber(yHat, y, g, 0.2f, delta);
        for (int i = 0; i < yHat.Length; i++)
        {
            float[] plus = (float[])yHat.Clone(), minus = (float[])yHat.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (Losses.Huber(plus, y, new float[5], 0.2f, delta) - (double)Losses.Huber(minus, y, new float[5], 0.2f, delta)) / (2 * h);
            Assert.Equal(fd, g[i], 1e-4);
        }
    }

    // ----- span drivers -------------------------------------------------------------------------------------------------

    public static TheoryData<int> Lengths() => new(Enumerable.Range(0, 68));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SpanFormsEqualTheScalarFormsForEveryTail_InPlaceToo_AndWriteNothingPastTheEnd(int n)
    {
        var random = new SeededRandom(n + 1212);
        float[] z = Enumerable.Range(0, n).Select(_ => 16f * random.NextSingle() - 8f).ToArray();
        float[] g0 = Enumerable.Range(0, n).Select(_ => 2f * random.NextSingle() - 1f).ToArray();
        foreach (string name in new[] { "SELU", "Softplus", "SiLU", "Mish", "HardTanh", "HardSigmoid", "HardSwish" })
        {
            Check(name, KernelFor(name, default));
        }
        Check("ELU(0.5)", Elu(0.5f));
        Check("PReLU(-0.1)", PRelu(-0.1f));

        void Check(string name, Kernel k)
        {
            var outOfPlace = new float[n + 1];
            outOfPlace[n] = 42f;
            k.Span(z, outOfPlace.AsSpan(0, n));
            Assert.Equal(42f, outOfPlace[n]);
            float[] inPlace = (float[])z.Clone();
            k.Span(inPlace, inPlace);
            float[] g = [.. g0, 42f];
            k.SpanBackward(z, g.AsSpan(0, n));
            Assert.Equal(42f, g[n]);
            for (int i = 0; i < n; i++)
            {
                float expected = k.F(z[i]);
                Assert.True(Same(expected, outOfPlace[i]) && Same(expected, inPlace[i]), $"{name}, n = {n}, element {i}");
                float back = name.StartsWith("Hard", StringComparison.Ordinal) || name.StartsWith("PReLU", StringComparison.Ordinal)
                    ? BackwardScalar(name, z[i], g0[i]) : g0[i] * k.D(z[i]);
                Assert.True(Same(back, g[i]), $"{name} backward, n = {n}, element {i}: {g[i]:R}, scalar {back:R}");
            }
        }
    }

    private static float BackwardScalar(string name, float z, float g) => name switch
    {
        "HardTanh" => Activations.HardTanhBackward(z, g),
        "HardSigmoid" => Activations.HardSigmoidBackward(z, g),
        "HardSwish" => Activations.HardSwishBackward(z, g),
        _ => Activations.PReLUBackward(z, g, -0.1f),
    };

    [Fact]
    public void SpanFormsThrowOnLengthMismatch_AndAllocateNothing()
    {
        Assert.Throws<ArgumentException>(() => Activations.Mish(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => Activations.ELUBackward(new float[3], new float[2], 1f));
        Assert.Throws<ArgumentException>(() => Activations.LogSoftmax(new float[3], new float[2]));
        Assert.Throws<ArgumentException>(() => Losses.LogSoftmaxNegativeLogLikelihood(new float[3], new float[3], new float[2]));
        float[] z = Enumerable.Range(0, 37).Select(i => i * 0.3f - 5f).ToArray(), a = new float[37], g = new float[37];
        long allocated = Allocations.Minimum(() =>
        {
            Activations.ELU(z, a, 1f);
            Activations.ELUBackward(z, g, 1f);
            Activations.SELU(z, a);
            Activations.SiLUBackward(z, g);
            Activations.Mish(z, a);
            Activations.HardSwishBackward(z, g);
            Activations.PReLUBackward(z, g, 0.25f);
            Activations.LogSoftmax(z, a);
            Activations.LogSoftmaxBackward(a, g);
            Losses.Huber(z, a, g, 1f, 1f);
            Losses.LogSoftmaxNegativeLogLikelihood(a, z, g);
        });
        Assert.Equal(0, allocated);
    }

    // ----- the PyTorch proof model (tests/pytorch/make_named_module_fixture.py) -----------------------------------------

    /// <summary>
    /// PyTorch's named nn.Module (fc1 → ELU → fc2 → SiLU → head), trained there and saved as safetensors, loads by its own tensor
    /// names into a network whose layers carry those names, and the new kernels then give PyTorch's outputs. (The generated
    /// class with <c>Name</c> and ELU/SiLU on its attributes does the same through its own Forward: NamedModuleTests.)
    /// </summary>
    [Fact]
    public void NamedPyTorchModule_LoadsByItsNames_AndTheKernelsGiveItsOutputs()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(NamedFixtureDirectory, "named_elu_silu.pytorch.json")));
        JsonElement root = doc.RootElement;
        var holder = new NamedView(new ParameterHolder4x16x12x3(), "fc1", "fc2", "head");
        SafeTensors.Load(holder, Path.Combine(NamedFixtureDirectory, "named_elu_silu.pytorch.safetensors"));
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "head.weight", "head.bias"],
            root.GetProperty("tensor_names").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Span<float> theta = holder.Parameters;
        var inputs = root.GetProperty("inputs").EnumerateArray().ToList();
        var outputs = root.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(6, inputs.Count);
        for (int s = 0; s < inputs.Count; s++)
        {
            float[] x = PyTorchFixtureTests.Floats(inputs[s]);
            double[] expected = PyTorchFixtureTests.Doubles(outputs[s]);
            float[] z1 = Linear(theta, holder.Layers[0], x);
            Activations.ELU(z1, z1, Activations.EluAlpha);
            float[] z2 = Linear(theta, holder.Layers[1], z1);
            Activations.SiLU(z2, z2);
            float[] y = Linear(theta, holder.Layers[2], z2);
            for (int k = 0; k < 3; k++)
            {
                Assert.True(Math.Abs(y[k] - expected[k]) <= 1e-5 + 1e-5 * Math.Abs(expected[k]), $"sample {s}, output {k}: {y[k]:R}, PyTorch {expected[k]:R}");
            }
        }
    }

    private static string NamedFixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-named");

    private static float[] Linear(ReadOnlySpan<float> theta, LayerInfo layer, float[] x)
    {
        var z = new float[layer.Outputs];
        for (int o = 0; o < layer.Outputs; o++)
        {
            double sum = theta[layer.BiasOffset + o];
            for (int i = 0; i < layer.Inputs; i++)
            {
                sum += theta[layer.WeightOffset + o * layer.Inputs + i] * (double)x[i];
            }
            z[o] = (float)sum;
        }
        return z;
    }
}

/// <summary>The parameter shapes of the PyTorch proof model (Linear 4→16, 16→12, 12→3); its activations are applied by the test.</summary>
[Network]
[Input(4)]
[Dense(16)]
[Dense(12)]
[Dense(3)]
public sealed partial class ParameterHolder4x16x12x3;
