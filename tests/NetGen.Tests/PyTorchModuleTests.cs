using System.Globalization;
using System.Reflection;
using System.Text.Json;
using NetGen.IO;

namespace NetGen.Tests;

/// <summary>
/// The way out to a cluster (issue 12): every generated class's <c>PyTorchModule</c> constant is the same network as PyTorch
/// source. The sources of these networks and a NetGen-saved safetensors file of each (seeded weights, running statistics set)
/// with NetGen's outputs for a few inputs are committed under tests/pytorch/modules; tests/pytorch/check_module_roundtrip.py
/// runs each source in PyTorch, loads the file with strict=True, compares the outputs, and saves the module's state dict back
/// for NetGen to load. A committed file that no longer matches what NetGen writes fails here: run with NETGEN_WRITE_FIXTURES=1
/// to rewrite them, then re-run the script.
/// </summary>
public class PyTorchModuleTests
{
    /// <summary>Networks with a file and outputs for the script: the Scenarios example's, and one per form and layer kind.</summary>
    private static readonly Dictionary<string, Func<INetwork>> s_networks = new()
    {
        [nameof(Scenarios.PixelRecognizer)] = () => new Scenarios.PixelRecognizer(1),
        [nameof(Scenarios.KerasMlp)] = () => new Scenarios.KerasMlp(2),
        [nameof(RtSequential)] = () => new RtSequential(3),
        [nameof(RtMixedNamed)] = () => new RtMixedNamed(4),
        [nameof(RtCnn)] = () => new RtCnn(5),
        [nameof(RtSignal)] = () => new RtSignal(7),
        [nameof(RtStepSign)] = () => new RtStepSign(6),
        [nameof(RtNormalized)] = () => new RtNormalized(8), // issue 13: [Normalization]'s buffers
    };

    private static readonly Dictionary<string, string> s_sources = new()
    {
        [nameof(Scenarios.PixelRecognizer)] = Scenarios.PixelRecognizer.PyTorchModule,
        [nameof(Scenarios.KerasMlp)] = Scenarios.KerasMlp.PyTorchModule,
        [nameof(Scenarios.MnistMlp)] = Scenarios.MnistMlp.PyTorchModule,
        [nameof(RtSequential)] = RtSequential.PyTorchModule,
        [nameof(RtMixedNamed)] = RtMixedNamed.PyTorchModule,
        [nameof(RtCnn)] = RtCnn.PyTorchModule,
        [nameof(RtSignal)] = RtSignal.PyTorchModule,
        [nameof(RtStepSign)] = RtStepSign.PyTorchModule,
        [nameof(RtNormalized)] = RtNormalized.PyTorchModule,
    };

    internal static string Directory => Path.Combine(RepoPaths.Root, "tests", "pytorch", "modules");

    private static bool Write => Environment.GetEnvironmentVariable("NETGEN_WRITE_FIXTURES") == "1";

    public static TheoryData<string> Sources() => new(s_sources.Keys);

    public static TheoryData<string> Networks() => new(s_networks.Keys);

    [Theory]
    [MemberData(nameof(Sources))]
    public void CommittedSource_IsTheGeneratedPyTorchModule(string name)
    {
        string path = Path.Combine(Directory, name + ".py");
        if (Write)
        {
            File.WriteAllText(path, s_sources[name]);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing: run the tests with NETGEN_WRITE_FIXTURES=1");
        Assert.Equal(File.ReadAllText(path), s_sources[name]);
    }

    /// <summary>NetGen's file and outputs of each network, as committed for the script.</summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void CommittedFileAndOutputs_AreWhatNetGenWrites(string name)
    {
        INetwork net = Prepared(name);
        var stream = new MemoryStream();
        SafeTensors.Write(net, stream);
        byte[] bytes = stream.ToArray();
        float[][] inputs = Inputs(net, name);
        float[][] outputs = [.. inputs.Select(x => { var y = new float[net.OutputSize]; net.Forward(x, y); return y; })];
        string safetensors = Path.Combine(Directory, name + ".netgen.safetensors"), json = Path.Combine(Directory, name + ".netgen.json");
        if (Write)
        {
            File.WriteAllBytes(safetensors, bytes);
            File.WriteAllText(json, JsonSerializer.Serialize(new { name, inputs, outputs }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            return;
        }
        Assert.Equal(File.ReadAllBytes(safetensors), bytes);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement[] expected = [.. doc.RootElement.GetProperty("outputs").EnumerateArray()];
        JsonElement[] given = [.. doc.RootElement.GetProperty("inputs").EnumerateArray()];
        Assert.Equal(inputs.Length, given.Length);
        for (int s = 0; s < inputs.Length; s++)
        {
            Assert.Equal(inputs[s], PyTorchFixtureTests.Floats(given[s]));
            PyTorchFixtureTests.AssertClose(PyTorchFixtureTests.Doubles(expected[s]), outputs[s], $"{name} sample {s}");
        }
    }

    /// <summary>
    /// The file check_module_roundtrip.py saves from the PyTorch module (its own state_dict, after loading NetGen's) loads back
    /// into the NetGen class and gives the same parameters and outputs.
    /// </summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void PyTorchsFile_LoadsBack(string name)
    {
        string path = Path.Combine(Directory, name + ".pytorch.safetensors");
        Assert.True(File.Exists(path), $"{path} is missing: run tests/pytorch/check_module_roundtrip.py");
        INetwork expected = Prepared(name), loaded = s_networks[name]();
        SafeTensors.Load(loaded, path);
        Assert.Equal(expected.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(expected.RunningStatistics.ToArray(), loaded.RunningStatistics.ToArray());
    }

    [Fact]
    public void EveryNetworkWithAFile_HasItsSourceCompared() => Assert.Superset(s_networks.Keys.ToHashSet(), s_sources.Keys.ToHashSet());

    [Fact]
    public void SequentialSource_ListsOneModulePerLayerAndActivation_WithTheStateDictIndex()
    {
        string source = RtSequential.PyTorchModule;
        Assert.Contains("class RtSequential(nn.Sequential):", source);
        Assert.Contains("nn.Linear(5, 6),  # 0\n            nn.LeakyReLU(0.2),  # 1\n            nn.Linear(6, 4),  # 2\n            nn.PReLU(),  # 3\n", source);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "4.weight", "4.bias", "6.weight", "6.bias"],
            StateDict.Tensors(new RtSequential(1)).Select(t => t.Name).ToArray());
    }

    [Fact]
    public void NamedSource_HasTheNamesAsAttributes_DottedInContainers_UnnamedUnderTheirIndex()
    {
        string source = RtMixedNamed.PyTorchModule;
        Assert.Contains("class RtMixedNamed(nn.Module):", source);
        Assert.Contains("        self.encoder = nn.Module()\n        self.encoder.fc1 = nn.Linear(6, 8)\n        self.encoder.fc1_relu = nn.ReLU()\n", source);
        Assert.Contains("        self.add_module(\"4\", nn.Dropout(p=0.25))\n        self.add_module(\"5\", nn.Linear(8, 5))\n        self.add_module(\"6\", nn.PReLU())\n", source);
        Assert.Contains("        x = getattr(self, \"6\")(x)\n", source);
        Assert.Equal(["encoder.fc1.weight", "encoder.fc1.bias", "encoder.norm.weight", "encoder.norm.bias", "encoder.norm.running_mean", "encoder.norm.running_var",
            "5.weight", "5.bias", "6.weight", "head.weight", "head.bias"], StateDict.Tensors(new RtMixedNamed(1)).Select(t => t.Name).ToArray());
    }

    [Fact]
    public void ImageInput_IsReshapedToChannelsHeightWidth_AndStepSignGetModules()
    {
        Assert.Contains("return super().forward(x.reshape(-1, 2, 9, 8))", RtCnn.PyTorchModule);
        Assert.Contains("nn.Conv2d(2, 4, 3, stride=1, padding=1)", RtCnn.PyTorchModule);
        Assert.Contains("class Step(nn.Module):", RtStepSign.PyTorchModule);
        Assert.Contains("class Sign(nn.Module):", RtStepSign.PyTorchModule);
        Assert.DoesNotContain("class Step(nn.Module):", RtSequential.PyTorchModule);
    }

    /// <summary>The network with its seeded weights and, for batch norm, running statistics that are not the defaults.</summary>
    private static INetwork Prepared(string name)
    {
        INetwork net = s_networks[name]();
        Span<float> statistics = net.RunningStatistics;
        for (int i = 0; i < statistics.Length; i++)
        {
            // Exact values (multiples of 1/8), the same on every machine: means in [−3/8, 3/8], variances in [1, 2].
            statistics[i] = i < statistics.Length / 2 ? (i % 7 - 3) / 8f : 1f + i % 5 / 4f;
        }
        return net;
    }

    private static float[][] Inputs(INetwork net, string name)
    {
        var random = new SeededRandom(name.Length * 101 + 7);
        return [.. Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, net.InputSize).Select(_ => 2f * random.NextSingle() - 1f).ToArray())];
    }
}
