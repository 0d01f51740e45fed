using System.Buffers.Binary;
using System.Text;
using NetGen.IO;

namespace NetGen.Tests;

// Same tensor names and shapes as StTanhSigmoid (0.weight [4, 3], 0.bias [4], 2.weight [2, 4], 2.bias [2]), other activations.
[Network]
[Input(3)]
[Dense(4, Activation.ReLU)]
[Dense(2, Activation.Sigmoid)]
public sealed partial class StReluSigmoid;

// Two layers of the same shapes whose activations swap places: same tensors, different architecture.
[Network]
[Input(4)]
[Dense(4, Activation.Tanh)]
[Dense(4, Activation.ReLU)]
public sealed partial class StTanhThenRelu;

[Network]
[Input(4)]
[Dense(4, Activation.ReLU)]
[Dense(4, Activation.Tanh)]
public sealed partial class StReluThenTanh;

/// <summary>
/// The checks of issue 12 on loading a weight file: the architecture NetGen records in a safetensors header, non-finite values,
/// and layer names (<see cref="LayerInfo.Name"/>) in tensor names. Every refused file leaves the network unchanged.
/// </summary>
public class WeightFileChecksTests
{
    [Fact]
    public void Save_RecordsTheArchitecture_AndLoadAcceptsTheSameArchitecture()
    {
        var source = WeightFiles.WithFormula(new StBatchNormDropout());
        Assert.Equal("Dense(4->6, ReLU); Dropout(6); BatchNorm(6, Tanh); Dense(6->2, Sigmoid)", NetworkArchitecture.Describe(source));
        var stream = new MemoryStream();
        SafeTensors.Write(source, stream);
        byte[] file = stream.ToArray();
        Assert.Contains("\"netgen.architecture\":\"Dense(4->6, ReLU); Dropout(6); BatchNorm(6, Tanh); Dense(6->2, Sigmoid)\"", Header(file));
        var loaded = new StBatchNormDropout(seed: 9);
        SafeTensors.Read(loaded, new MemoryStream(file), "bn.safetensors");
        Assert.Equal(SafeTensorsTests.Bits(source.Parameters), SafeTensorsTests.Bits(loaded.Parameters));
    }

    [Fact]
    public void Load_RefusesAFileFromAnotherActivation_ShowingBothArchitectures_AndChangesNothing()
    {
        byte[] file = Saved(WeightFiles.WithFormula(new StTanhSigmoid()));
        var target = new StReluSigmoid(seed: 2);
        float[] before = target.Parameters.ToArray();
        var e = Assert.Throws<ArchitectureMismatchException>(() => SafeTensors.Read(target, new MemoryStream(file), "tanh.safetensors"));
        Assert.Equal(
            "tanh.safetensors: the file was saved from a different architecture: layer 1 is Dense(3->4, Tanh) in the file but Dense(3->4, ReLU) in StReluSigmoid. " +
            "File: [Dense(3->4, Tanh); Dense(4->2, Sigmoid)]. StReluSigmoid: [Dense(3->4, ReLU); Dense(4->2, Sigmoid)]. " +
            "Load it into the network it was saved from (its 'netgen.architecture' metadata records that network's layers).",
            e.Message);
        Assert.Equal("Dense(3->4, ReLU); Dense(4->2, Sigmoid)", e.ExpectedArchitecture);
        Assert.Equal("Dense(3->4, Tanh); Dense(4->2, Sigmoid)", e.ActualArchitecture);
        Assert.Equal(before, target.Parameters.ToArray());
    }

    [Fact]
    public void Load_RefusesAFileWhoseLayersComeInAnotherOrder()
    {
        byte[] file = Saved(WeightFiles.WithFormula(new StTanhThenRelu()));
        var target = new StReluThenTanh(seed: 2);
        float[] before = target.Parameters.ToArray();
        var e = Assert.Throws<ArchitectureMismatchException>(() => SafeTensors.Read(target, new MemoryStream(file), "order.safetensors"));
        Assert.Contains("layer 1 is Dense(4->4, Tanh) in the file but Dense(4->4, ReLU) in StReluThenTanh", e.Message);
        Assert.Equal(before, target.Parameters.ToArray());
        // The same file loads into the architecture it came from.
        var twin = new StTanhThenRelu(seed: 5);
        SafeTensors.Read(twin, new MemoryStream(file), "order.safetensors");
        Assert.Equal(WeightFiles.WithFormula(new StTanhThenRelu()).Parameters.ToArray(), twin.Parameters.ToArray());
    }

    [Fact]
    public void Load_RefusesAFileOfAnotherKindOrLayerCount_BeforeComparingTensors()
    {
        byte[] file = Saved(WeightFiles.WithFormula(new StBatchNormDropout()));
        var e = Assert.Throws<ArchitectureMismatchException>(() => SafeTensors.Read(new StTanhSigmoid(), new MemoryStream(file), "bn.safetensors"));
        Assert.Contains("layer 1 is Dense(4->6, ReLU) in the file but Dense(3->4, Tanh) in StTanhSigmoid", e.Message);

        byte[] shorter = Saved(WeightFiles.WithFormula(new StTanhSigmoid()));
        var f = Assert.Throws<ArchitectureMismatchException>(() => SafeTensors.Read(new StBatchNormDropout(), new MemoryStream(shorter), "short.safetensors"));
        Assert.Contains("layer 1 is Dense(3->4, Tanh) in the file but Dense(4->6, ReLU) in StBatchNormDropout", f.Message);
    }

    [Fact]
    public void Load_TellsAMissingLayerApart()
    {
        // An architecture text with one layer fewer than the network (hand-made header, tensors otherwise valid).
        string header = ValidHeaderWith("\"netgen.architecture\":\"Dense(3->4, Tanh)\"");
        var target = new StTanhSigmoid();
        var e = Assert.Throws<ArchitectureMismatchException>(() => SafeTensors.Read(target, new MemoryStream(WeightFiles.Compose(header, WeightFiles.Floats(26))), "m"));
        Assert.Contains("layer 2 is Dense(4->2, Sigmoid) in StTanhSigmoid but the file has only 1 layers", e.Message);
    }

    [Fact]
    public void Load_WithoutNetGenMetadata_UsesNamesAndShapesAlone()
    {
        var target = new StReluSigmoid();
        SafeTensors.Read(target, new MemoryStream(WeightFiles.Compose(ValidHeaderWith("\"format\":\"pt\""), WeightFiles.Floats(26))), "pytorch");
        Assert.Equal(25f, target.Parameters[25]);
        // PyTorch's own file (no netgen.architecture) still loads.
        SafeTensors.Load(new StTanhSigmoid(), Path.Combine(WeightFiles.FixtureDirectory, "st_tanh_sigmoid.pytorch.safetensors"));
    }

    [Fact]
    public void Save_RefusesCallerMetadataThatWouldForgeTheArchitecture()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            SafeTensors.Write(new StTanhSigmoid(), new MemoryStream(), new Dictionary<string, string> { ["netgen.architecture"] = "Dense(3->4, ReLU)" }));
        Assert.Equal("metadata", e.ParamName);
        using var folder = new TempFolder();
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(new StTanhSigmoid(), folder.File("x.safetensors"),
            new Dictionary<string, string> { ["netgen.architecture"] = "" }));
        Assert.False(File.Exists(folder.File("x.safetensors")));
    }

    public static TheoryData<float, int, string> NonFiniteValues() => new()
    {
        { float.NaN, 7, "NaN at [2, 1] (flat index 7)" },
        { float.PositiveInfinity, 0, "+∞ at [0, 0] (flat index 0)" },
        { float.NegativeInfinity, 11, "−∞ at [3, 2] (flat index 11)" },
        { float.NaN, 14, "tensor '0.bias' ([4]) holds NaN at [2] (flat index 2)" },
        { float.PositiveInfinity, 25, "tensor '2.bias' ([2]) holds +∞ at [1] (flat index 1)" },
    };

    [Theory]
    [MemberData(nameof(NonFiniteValues))]
    public void Load_RefusesNonFiniteValues_NamingFileTensorAndIndex_UnlessAllowed(float bad, int at, string expected)
    {
        byte[] data = WeightFiles.Floats(26);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * at), bad);
        byte[] file = WeightFiles.Compose(ValidHeaderWith("\"format\":\"pt\""), data);
        using var folder = new TempFolder();
        string path = folder.File("bad.safetensors");
        File.WriteAllBytes(path, file);
        var target = new StTanhSigmoid(seed: 4);
        float[] before = target.Parameters.ToArray();

        var e = Assert.Throws<NonFiniteWeightException>(() => SafeTensors.Load(target, path));
        Assert.StartsWith(path + ": tensor '", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Contains("StTanhSigmoid was left unchanged", e.Message);
        Assert.Equal(e.TensorName, at < 12 ? "0.weight" : at < 16 ? "0.bias" : at < 24 ? "2.weight" : "2.bias");
        Assert.Equal(SafeTensorsTests.Bits(before), SafeTensorsTests.Bits(target.Parameters));
        Assert.Throws<NonFiniteWeightException>(() => SafeTensors.Read(target, new ForwardOnlyStream(file), "stream"));

        SafeTensors.Load(target, path, allowNonFinite: true);
        Assert.Equal(BitConverter.SingleToInt32Bits(bad), BitConverter.SingleToInt32Bits(target.Parameters[at]));
    }

    [Fact]
    public void Load_RefusesANonFiniteRunningStatistic()
    {
        var source = WeightFiles.WithFormula(new StBatchNormDropout());
        source.RunningStatistics[8] = float.NaN;             // 3.running_var[2]
        byte[] file = Saved(source);
        var target = new StBatchNormDropout(seed: 3);
        float[] statistics = target.RunningStatistics.ToArray();
        var e = Assert.Throws<NonFiniteWeightException>(() => SafeTensors.Read(target, new MemoryStream(file), "bn"));
        Assert.Equal("3.running_var", e.TensorName);
        Assert.Equal(2, e.Index);
        Assert.Equal("[2]", e.Position);
        Assert.Equal(statistics, target.RunningStatistics.ToArray());
    }

    [Theory]
    [InlineData("1e39", float.PositiveInfinity)]
    [InlineData("-1e39", float.NegativeInfinity)]
    [InlineData("1e400", float.PositiveInfinity)]
    [InlineData("-1e400", float.NegativeInfinity)]
    public void WeightsJson_RefusesValuesBeyondFloat32_UnlessAllowed(string literal, float loadsAs)
    {
        string json = $$"""
            {"format": "netgen-weights", "version": 1, "tensors": [
              { "name": "0.weight", "dtype": "F32", "shape": [4, 3], "data": [0, 1, 2, 3, 4, {{literal}}, 6, 7, 8, 9, 10, 11] },
              { "name": "0.bias", "dtype": "F32", "shape": [4], "data": [12, 13, 14, 15] },
              { "name": "2.weight", "dtype": "F32", "shape": [2, 4], "data": [16, 17, 18, 19, 20, 21, 22, 23] },
              { "name": "2.bias", "dtype": "F32", "shape": [2], "data": [24, 25] } ] }
            """;
        var target = new StTanhSigmoid(seed: 6);
        float[] before = target.Parameters.ToArray();
        var e = Assert.Throws<NonFiniteWeightException>(() => WeightsJson.Read(target, new MemoryStream(Encoding.UTF8.GetBytes(json)), "w.json"));
        Assert.Equal("0.weight", e.TensorName);
        Assert.Equal("[1, 2]", e.Position);
        Assert.StartsWith("w.json: tensor '0.weight' ([4, 3]) holds " + (loadsAs > 0 ? "+∞" : "−∞") + " at [1, 2] (flat index 5)", e.Message);
        Assert.Equal(before, target.Parameters.ToArray());

        WeightsJson.Read(target, new MemoryStream(Encoding.UTF8.GetBytes(json)), "w.json", allowNonFinite: true);
        Assert.Equal(loadsAs, target.Parameters[5]);
        Assert.Equal(6f, target.Parameters[6]);
    }

    [Fact]
    public void NamedLayers_GiveTheirTensorsTheirNames_AndRoundTrip()
    {
        var inner = WeightFiles.WithFormula(new StBatchNormDropout());
        var named = new NamedView(inner, "fc1", null, "norm", "head");
        Assert.Equal(
            ["fc1.weight", "fc1.bias", "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var", "head.weight", "head.bias"],
            StateDict.Tensors(named).Select(t => t.Name).ToArray());
        Assert.Equal(["norm.num_batches_tracked"], StateDict.BatchCounterNames(named));
        Assert.Equal("fc1:Dense(4->6, ReLU); Dropout(6); norm:BatchNorm(6, Tanh); head:Dense(6->2, Sigmoid)", NetworkArchitecture.Describe(named));

        byte[] file = Saved(named);
        Assert.Contains("\"fc1.weight\":{\"dtype\":\"F32\",\"shape\":[6,4]", Header(file));
        var target = new NamedView(new StBatchNormDropout(seed: 8), "fc1", null, "norm", "head");
        SafeTensors.Read(target, new MemoryStream(file), "named");
        Assert.Equal(SafeTensorsTests.Bits(inner.Parameters), SafeTensorsTests.Bits(target.Parameters));
        Assert.Equal(SafeTensorsTests.Bits(inner.RunningStatistics), SafeTensorsTests.Bits(target.RunningStatistics));

        // Renaming a layer is a different architecture; the unnamed network's file has other tensor names altogether.
        var renamed = new NamedView(new StBatchNormDropout(), "fc1", null, "bn", "head");
        Assert.Throws<ArchitectureMismatchException>(() => SafeTensors.Read(renamed, new MemoryStream(file), "named"));
        var missing = Assert.Throws<MissingTensorException>(() => SafeTensors.Read(new StBatchNormDropout(), new MemoryStream(StripArchitecture(file)), "named"));
        Assert.Equal("0.weight", missing.TensorName);
        Assert.Contains("fc1.weight", missing.Message);

        // NetGen JSON uses the same names.
        var json = new MemoryStream();
        WeightsJson.Write(named, json);
        Assert.Contains("\"name\": \"norm.running_var\"", Encoding.UTF8.GetString(json.ToArray()));
    }

    private static byte[] Saved(INetwork network)
    {
        var stream = new MemoryStream();
        SafeTensors.Write(network, stream);
        return stream.ToArray();
    }

    private static string Header(byte[] file) => Encoding.UTF8.GetString(file, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(file));

    /// <summary>The same file with <c>__metadata__</c> emptied (as a PyTorch writer would leave it), padded to the same length.</summary>
    private static byte[] StripArchitecture(byte[] file)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        string header = Header(file);
        int start = header.IndexOf("\"__metadata__\":{", StringComparison.Ordinal);
        int end = header.IndexOf('}', start) + 1;
        string stripped = header[..start] + "\"__metadata__\":{}" + header[end..];
        stripped = stripped.TrimEnd(' ').PadRight(n);
        byte[] result = (byte[])file.Clone();
        Encoding.UTF8.GetBytes(stripped).CopyTo(result, 8);
        return result;
    }

    /// <summary>StTanhSigmoid's header with the given <c>__metadata__</c> content.</summary>
    private static string ValidHeaderWith(string metadata) =>
        "{\"__metadata__\":{" + metadata + "},\"0.weight\":{\"dtype\":\"F32\",\"shape\":[4,3],\"data_offsets\":[0,48]},\"0.bias\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[48,64]},\"2.weight\":{\"dtype\":\"F32\",\"shape\":[2,4],\"data_offsets\":[64,96]},\"2.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[96,104]}}";
}

/// <summary>A generated network seen with module names on its layers (what <c>Name = "…"</c> on the layer attributes gives).</summary>
internal sealed class NamedView(INetwork inner, params string?[] names) : INetwork
{
    private readonly LayerInfo[] _layers = inner.Layers.Select((layer, i) => layer with { Name = names[i] }).ToArray();

    public int InputSize => inner.InputSize;
    public int OutputSize => inner.OutputSize;
    public int ParameterCount => inner.ParameterCount;
    public Span<float> Parameters => inner.Parameters;
    public IReadOnlyList<LayerInfo> Layers => _layers;
    public Span<float> RunningStatistics => inner.RunningStatistics;
    public void Forward(ReadOnlySpan<float> input, Span<float> output) => inner.Forward(input, output);
    public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int batchSize) => inner.ForwardBatch(inputs, outputs, batchSize);
}
