using System.Text;
using NetGen.IO;

namespace NetGen.Tests;

/// <summary>NetGen's embeddable weight JSON at run time: bit-exact round trips and the same checks as safetensors.</summary>
public class WeightsJsonTests
{
    private const string Valid = """
        {
          "format": "netgen-weights",
          "version": 1,
          "tensors": [
            { "name": "0.weight", "dtype": "F32", "shape": [4, 3], "data": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
            { "name": "0.bias", "dtype": "F32", "shape": [4], "data": [12, 13, 14, 15] },
            { "name": "2.weight", "dtype": "F32", "shape": [2, 4], "data": [16, 17, 18, 19, 20, 21, 22, 23] },
            { "name": "2.bias", "dtype": "F32", "shape": [2], "data": [24, 25] }
          ]
        }
        """;

    [Fact]
    public void RoundTrip_IsBitExact_ForAwkwardValues()
    {
        var source = WeightFiles.WithFormula(new StReluIdentitySoftmax());
        float[] awkward = [float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, -0f, 1e-45f, 0.1f, 1f / 3f, 16777217f, 1.17549435E-38f, 3.4028233E+38f];
        awkward.CopyTo(source.Parameters);
        using var folder = new TempFolder();
        string path = folder.File("w.weights.json");
        WeightsJson.Save(source, path);
        var loaded = new StReluIdentitySoftmax(seed: 5);
        WeightsJson.Load(loaded, path);
        Assert.Equal(SafeTensorsTests.Bits(source.Parameters), SafeTensorsTests.Bits(loaded.Parameters));
        string text = File.ReadAllText(path);
        Assert.StartsWith("{\n  \"format\": \"netgen-weights\",\n  \"version\": 1,\n  \"tensors\": [\n    { \"name\": \"0.weight\", \"dtype\": \"F32\", \"shape\": [8, 6], \"data\": [\n", text);
        Assert.DoesNotContain(",0", text.Replace(", ", " "));             // invariant culture: no decimal commas
    }

    [Fact]
    public void Load_HandWrittenFile()
    {
        var network = new StTanhSigmoid();
        WeightsJson.Read(network, new MemoryStream(Encoding.UTF8.GetBytes(Valid)), "hand.json");
        for (int i = 0; i < 26; i++)
        {
            Assert.Equal(i, network.Parameters[i]);
        }
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void Save_RefusesNonFiniteValues_NamingTensorAndIndex_AndWritesNothing(float value, string shown)
    {
        var network = WeightFiles.WithFormula(new StTanhSigmoid());
        network.Parameters[13] = value;                                      // 0.bias[1]
        using var folder = new TempFolder();
        var e = Assert.Throws<ArgumentException>(() => WeightsJson.Save(network, folder.File("w.json")));
        Assert.Contains("tensor '0.bias' value 1 is " + shown, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    public static TheoryData<string, string, Type, string?> BadFiles() => new()
    {
        { "missing tensor", Valid.Replace("""
                ,
                    { "name": "2.bias", "dtype": "F32", "shape": [2], "data": [24, 25] }
                """.ReplaceLineEndings("\n"), ""), typeof(MissingTensorException), "2.bias" },
        { "extra tensor", Valid.Replace("[24, 25] }", """[24, 25] }, { "name": "9.bias", "dtype": "F32", "shape": [1], "data": [0] }"""), typeof(UnexpectedTensorException), "9.bias" },
        { "wrong shape", Valid.Replace("\"shape\": [4, 3]", "\"shape\": [3, 4]"), typeof(TensorShapeMismatchException), "0.weight" },
        { "wrong dtype", Valid.Replace("\"name\": \"0.bias\", \"dtype\": \"F32\"", "\"name\": \"0.bias\", \"dtype\": \"F64\""), typeof(TensorDTypeMismatchException), "0.bias" },
        { "too few values", Valid.Replace("[12, 13, 14, 15]", "[12, 13, 14]"), typeof(CorruptWeightFileException), "0.bias" },
        { "a string value", Valid.Replace("[12, 13, 14, 15]", "[12, \"13\", 14, 15]"), typeof(CorruptWeightFileException), "0.bias" },
        { "out of float range (±∞ in float32: refused as non-finite, issue 12)", Valid.Replace("[12, 13, 14, 15]", "[12, 1e39, 14, 15]"), typeof(NonFiniteWeightException), "0.bias" },
        { "duplicate tensor", Valid.Replace("\"name\": \"2.bias\"", "\"name\": \"0.bias\""), typeof(CorruptWeightFileException), "0.bias" },
        { "wrong format", Valid.Replace("netgen-weights", "something-else"), typeof(CorruptWeightFileException), null },
        { "future version", Valid.Replace("\"version\": 1", "\"version\": 2"), typeof(CorruptWeightFileException), null },
        { "no tensors", "{ \"format\": \"netgen-weights\", \"version\": 1 }", typeof(CorruptWeightFileException), null },
        { "truncated", Valid[..(Valid.Length / 2)], typeof(CorruptWeightFileException), "0.bias" },
        { "empty", "", typeof(CorruptWeightFileException), null },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFile_ThrowsItsException_AndLosesNothing(string @case, string text, Type exception, string? tensor)
    {
        using var folder = new TempFolder();
        string path = folder.File($"{@case.Replace(' ', '-')}.weights.json");
        File.WriteAllText(path, text);
        var network = WeightFiles.WithFormula(new StTanhSigmoid());
        float[] before = network.Parameters.ToArray();
        WeightFileException e = Assert.ThrowsAny<WeightFileException>(() => WeightsJson.Load(network, path));
        Assert.IsType(exception, e);
        Assert.Equal(path, e.FilePath);
        Assert.Equal(tensor, e.TensorName);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Equal(SafeTensorsTests.Bits(before), SafeTensorsTests.Bits(network.Parameters));
    }
}
