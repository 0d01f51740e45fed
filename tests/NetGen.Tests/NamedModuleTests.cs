using System.Security.Cryptography;
using System.Text.Json;
using NetGen.IO;

namespace NetGen.Tests;

/// <summary>
/// The proof of issue 12: PyTorch's named nn.Module (tests/pytorch/make_named_module_fixture.py: fc1 → ELU → fc2 → SiLU →
/// head), trained there and saved as safetensors, loads into the NetGen class declared with the same <c>Name</c>s and gives
/// PyTorch's outputs; the file NetGen saves from that class loads back into the PyTorch module (strict) with the same outputs.
/// </summary>
public class NamedModuleTests
{
    private static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-named");

    private static string SourceDirectory => Path.Combine(RepoPaths.Root, "tests", "NetGen.Tests", "Fixtures", "pytorch-named");

    [Fact]
    public void NamedClass_HasPyTorchsTensorNames_InLayersAndStateDict()
    {
        Assert.Equal(["fc1", "fc2", "head"], NamedEluSilu.Layers.Select(l => l.Name ?? "(none)").ToArray());
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "head.weight", "head.bias"],
            StateDict.Tensors(new NamedEluSilu(1)).Select(t => t.Name).ToArray());
        // Unnamed layers keep the nn.Sequential index; a named and an unnamed layer can be mixed.
        Assert.Equal(["0.weight", "0.bias", "out.weight", "out.bias"], StateDict.Tensors(new PartlyNamed(1)).Select(t => t.Name).ToArray());
    }

    [Fact]
    public void PyTorchNamedModule_LoadsIntoTheNamedClass_AndGivesPyTorchsOutputs()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "named_elu_silu.pytorch.json")));
        var net = new NamedEluSilu(1);
        SafeTensors.Load(net, Path.Combine(Directory, "named_elu_silu.pytorch.safetensors"));
        AssertOutputs(net, doc.RootElement, "PyTorch's file");
    }

    /// <summary>With NETGEN_WRITE_FIXTURES=1 NetGen's file is (re)written; then re-run tests/pytorch/make_named_module_fixture.py.</summary>
    [Fact]
    public void NetGenSavedFile_LoadsIntoThePyTorchModule_WithTheSameOutputs()
    {
        var net = new NamedEluSilu(1);
        SafeTensors.Load(net, Path.Combine(Directory, "named_elu_silu.pytorch.safetensors"));
        var stream = new MemoryStream();
        SafeTensors.Write(net, stream);
        byte[] bytes = stream.ToArray();
        if (Environment.GetEnvironmentVariable("NETGEN_WRITE_FIXTURES") == "1")
        {
            File.WriteAllBytes(Path.Combine(SourceDirectory, "named_elu_silu.netgen.safetensors"), bytes);
            return;
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(Directory, "named_elu_silu.netgen.safetensors")), bytes);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "named_elu_silu.netgen.json")));
        JsonElement root = doc.RootElement;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), root.GetProperty("sha256").GetString());
        Assert.Contains("ELU", root.GetProperty("metadata").GetProperty("netgen.architecture").GetString());
        AssertOutputs(net, root, "PyTorch's module loaded from NetGen's file");
    }

    private static void AssertOutputs(INetwork net, JsonElement root, string what)
    {
        var inputs = root.GetProperty("inputs").EnumerateArray().ToList();
        var outputs = root.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(6, inputs.Count);
        var y = new float[net.OutputSize];
        for (int s = 0; s < inputs.Count; s++)
        {
            float[] x = PyTorchFixtureTests.Floats(inputs[s]);
            double[] expected = PyTorchFixtureTests.Doubles(outputs[s]);
            net.Forward(x, y);
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.True(Math.Abs(y[k] - expected[k]) <= 1e-5 + 1e-5 * Math.Abs(expected[k]), $"{what}, sample {s}, output {k}: NetGen {y[k]:R}, PyTorch {expected[k]:R}");
            }
        }
    }
}

/// <summary>PyTorch's <c>NamedEluSilu</c> (tests/pytorch/make_named_module_fixture.py) declared in NetGen with its module names.</summary>
[Network]
[Input(4)]
[Dense(16, Activation.ELU, Name = "fc1")]
[Dense(12, Activation.SiLU, Name = "fc2")]
[Dense(3, Name = "head")]
public sealed partial class NamedEluSilu;

[Network]
[Input(2)]
[Dense(3, Activation.Tanh)]
[Dense(1, Name = "out")]
public sealed partial class PartlyNamed;
