using System.Security.Cryptography;
using System.Text.Json;
using NetGen.IO;

namespace NetGen.Tests;

/// <summary>
/// PyTorch interop both ways, with the fixtures of tests/pytorch/make_safetensors_fixtures.py:
/// weights trained in PyTorch load into NetGen and give PyTorch's outputs; weights saved by NetGen load into the
/// nn.Sequential with <c>load_state_dict(strict=True)</c> and PyTorch's outputs for them equal NetGen's.
/// Tolerance as in <see cref="PyTorchFixtureTests"/>: 1e-5 + 1e-4·|expected| (float32 against PyTorch's float64).
/// </summary>
public class PyTorchSafeTensorsTests
{
    public static readonly Dictionary<string, Func<INetwork>> Networks = new()
    {
        ["st_relu_identity_softmax"] = () => new StReluIdentitySoftmax(seed: 1),
        ["st_tanh_sigmoid"] = () => new StTanhSigmoid(seed: 1),
        ["st_gelu_leaky_sign"] = () => new StGeluLeakySign(seed: 1),
        ["st_batchnorm_dropout"] = () => new StBatchNormDropout(seed: 1),
    };

    public static TheoryData<string> Names() => new(Networks.Keys);

    [Fact]
    public void EveryPyTorchFixtureHasANetwork()
    {
        var fixtures = Directory.GetFiles(WeightFiles.FixtureDirectory, "*.pytorch.safetensors")
            .Select(f => Path.GetFileName(f)[..^".pytorch.safetensors".Length]).Order(StringComparer.Ordinal);
        Assert.Equal(Networks.Keys.Order(StringComparer.Ordinal), fixtures);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void PyTorchTrainedWeights_LoadIntoNetGen_AndGivePyTorchsOutputs(string name)
    {
        using JsonDocument doc = Load($"{name}.pytorch.json");
        JsonElement root = doc.RootElement;
        INetwork network = Networks[name]();

        // The names PyTorch's state_dict() produced are exactly NetGen's tensor names, in order, with the same shapes.
        Assert.Equal(root.GetProperty("tensor_names").EnumerateArray().Select(e => e.GetString()), StateDict.Tensors(network).Select(t => t.Name));
        Assert.Equal(root.GetProperty("shapes").EnumerateArray().Select(s => string.Join(",", s.EnumerateArray().Select(d => d.GetInt32()))),
            StateDict.Tensors(network).Select(t => string.Join(",", t.Shape.ToArray())));

        SafeTensors.Load(network, Path.Combine(WeightFiles.FixtureDirectory, $"{name}.pytorch.safetensors"));
        AssertOutputs(network, root);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TheSameWeightsAsJson_LoadBitIdentically(string name)
    {
        INetwork fromSafeTensors = Networks[name](), fromJson = Networks[name]();
        SafeTensors.Load(fromSafeTensors, Path.Combine(WeightFiles.FixtureDirectory, $"{name}.pytorch.safetensors"));
        WeightsJson.Load(fromJson, Path.Combine(WeightFiles.FixtureDirectory, $"{name}.pytorch.weights.json"));
        Assert.Equal(SafeTensorsTests.Bits(fromSafeTensors.Parameters), SafeTensorsTests.Bits(fromJson.Parameters));
    }

    /// <summary>
    /// NetGen's file for each network (θ from a fixed formula) is committed; PyTorch loaded it strictly and recorded its
    /// outputs with the file's SHA-256. Here: NetGen still writes exactly those bytes, and its outputs equal PyTorch's.
    /// With NETGEN_WRITE_FIXTURES=1 the file is (re)written instead; then re-run the Python script.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void NetGenSavedWeights_LoadInPyTorch_AndGiveNetGensOutputs(string name)
    {
        INetwork network = Networks[name]();
        WeightFiles.FillFormula(network);
        var stream = new MemoryStream();
        SafeTensors.Write(network, stream, new Dictionary<string, string> { ["written_by"] = "NetGen" });
        byte[] bytes = stream.ToArray();
        if (Environment.GetEnvironmentVariable("NETGEN_WRITE_FIXTURES") == "1")
        {
            SafeTensors.Save(network, Path.Combine(WeightFiles.SourceFixtureDirectory(), $"{name}.netgen.safetensors"), new Dictionary<string, string> { ["written_by"] = "NetGen" });
            return;
        }
        byte[] committed = File.ReadAllBytes(Path.Combine(WeightFiles.FixtureDirectory, $"{name}.netgen.safetensors"));
        Assert.Equal(committed, bytes);

        using JsonDocument doc = Load($"{name}.netgen.json");
        JsonElement root = doc.RootElement;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), root.GetProperty("sha256").GetString());
        Assert.Equal("NetGen", root.GetProperty("metadata").GetProperty("written_by").GetString());
        AssertOutputs(network, root);
    }

    private static void AssertOutputs(INetwork network, JsonElement root)
    {
        var inputs = root.GetProperty("inputs").EnumerateArray().ToList();
        var outputs = root.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(5, inputs.Count);
        Assert.Equal(inputs.Count, outputs.Count);
        float[] actual = new float[network.OutputSize];
        for (int s = 0; s < inputs.Count; s++)
        {
            float[] x = inputs[s].EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            double[] expected = outputs[s].EnumerateArray().Select(v => v.GetDouble()).ToArray();
            network.Forward(x, actual);
            for (int k = 0; k < expected.Length; k++)
            {
                double tolerance = PyTorchFixtureTests.Absolute + PyTorchFixtureTests.Relative * Math.Abs(expected[k]);
                Assert.True(Math.Abs(actual[k] - expected[k]) <= tolerance, $"sample {s}, output {k}: NetGen {actual[k]:R}, PyTorch {expected[k]:R}");
            }
        }
    }

    private static JsonDocument Load(string file) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(WeightFiles.FixtureDirectory, file)));
}
