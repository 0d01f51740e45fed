using System.Buffers.Binary;
using System.Text;
using NetGen.IO;

namespace NetGen.Tests;

/// <summary>
/// Saving and loading safetensors: round trips, and every way a file can be bad. Each bad file must give its specific
/// exception naming the file (and the tensor where one is concerned) and leave the network's parameters untouched.
/// </summary>
public class SafeTensorsTests
{
    // StTanhSigmoid: 0.weight [4, 3], 0.bias [4], 2.weight [2, 4], 2.bias [2] → 26 floats, 104 data bytes.
    private const string ValidHeader =
        """{"__metadata__":{"format":"pt"},"0.weight":{"dtype":"F32","shape":[4,3],"data_offsets":[0,48]},"0.bias":{"dtype":"F32","shape":[4],"data_offsets":[48,64]},"2.weight":{"dtype":"F32","shape":[2,4],"data_offsets":[64,96]},"2.bias":{"dtype":"F32","shape":[2],"data_offsets":[96,104]}}""";

    private static readonly byte[] s_validData = WeightFiles.Floats(26);

    [Fact]
    public void RoundTrip_IsBitExact_AndForwardAgrees()
    {
        using var folder = new TempFolder();
        var source = WeightFiles.WithFormula(new StReluIdentitySoftmax(seed: 3));
        source.Parameters[5] = float.Epsilon;      // a subnormal
        source.Parameters[6] = -0f;
        source.Parameters[7] = float.MaxValue;
        string path = folder.File("model.safetensors");
        SafeTensors.Save(source, path);

        var loaded = new StReluIdentitySoftmax(seed: 99);
        SafeTensors.Load(loaded, path);
        Assert.Equal(Bits(source.Parameters), Bits(loaded.Parameters));

        float[] x = [0.5f, -1f, 0.25f, 2f, -0.75f, 1.5f];
        float[] expected = new float[3], actual = new float[3];
        source.Forward(x, expected);
        loaded.Forward(x, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Save_WritesThePublishedLayout()
    {
        var network = WeightFiles.WithFormula(new StTanhSigmoid());
        var stream = new MemoryStream();
        SafeTensors.Write(network, stream, new Dictionary<string, string> { ["trained_by"] = "NetGen" });
        byte[] file = stream.ToArray();
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.Equal(0UL, (8 + n) % 8);                               // data 8-byte aligned, header padded with spaces
        Assert.Equal(8 + (long)n + 4 * StTanhSigmoid.ParameterCount, file.Length);
        string header = Encoding.UTF8.GetString(file, 8, (int)n);
        Assert.Equal(
            """{"__metadata__":{"format":"pt","netgen.architecture":"Dense(3->4, Tanh); Dense(4->2, Sigmoid)","trained_by":"NetGen"},"0.weight":{"dtype":"F32","shape":[4,3],"data_offsets":[0,48]},"0.bias":{"dtype":"F32","shape":[4],"data_offsets":[48,64]},"2.weight":{"dtype":"F32","shape":[2,4],"data_offsets":[64,96]},"2.bias":{"dtype":"F32","shape":[2],"data_offsets":[96,104]}}""",
            header.TrimEnd(' '));
        for (int i = 0; i < StTanhSigmoid.ParameterCount; i++)
        {
            Assert.Equal(network.Parameters[i], BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(8 + (int)n + 4 * i)));
        }
    }

    [Fact]
    public void BatchNorm_RoundTripsItsRunningStatistics_AndWritesPyTorchsCounter()
    {
        var source = WeightFiles.WithFormula(new StBatchNormDropout());
        var stream = new MemoryStream();
        SafeTensors.Write(source, stream);
        byte[] file = stream.ToArray();
        string header = Encoding.UTF8.GetString(file, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        Assert.Contains("""
            "3.running_var":{"dtype":"F32","shape":[6],"data_offsets":[192,216]},"3.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[216,224]},"5.weight"
            """.Trim(), header);

        var loaded = new StBatchNormDropout(seed: 4);
        SafeTensors.Read(loaded, new MemoryStream(file), "bn");
        Assert.Equal(Bits(source.Parameters), Bits(loaded.Parameters));
        Assert.Equal(Bits(source.RunningStatistics), Bits(loaded.RunningStatistics));

        // The counter is optional: a file without it loads too.
        var json = new MemoryStream();
        WeightsJson.Write(source, json);
        Assert.DoesNotContain("num_batches_tracked", Encoding.UTF8.GetString(json.ToArray()));
        var fromJson = new StBatchNormDropout(seed: 4);
        WeightsJson.Read(fromJson, new MemoryStream(json.ToArray()), "bn.json");
        Assert.Equal(Bits(source.RunningStatistics), Bits(fromJson.RunningStatistics));
    }

    [Fact]
    public void Read_FromANonSeekableStream()
    {
        var network = new StTanhSigmoid();
        SafeTensors.Read(network, new ForwardOnlyStream(WeightFiles.Compose(ValidHeader, s_validData)), "stream");
        for (int i = 0; i < 26; i++)
        {
            Assert.Equal(i, network.Parameters[i]);
        }
    }

    [Fact]
    public void StateDictNames_FollowTheSequential_CountingActivationModules()
    {
        Assert.Equal(["0.weight [8, 6] = θ[0..48)", "0.bias [8] = θ[48..56)", "2.weight [5, 8] = θ[56..96)", "2.bias [5] = θ[96..101)", "3.weight [3, 5] = θ[101..116)", "3.bias [3] = θ[116..119)"],
            StateDict.Tensors(new StReluIdentitySoftmax()).Select(t => t.ToString()));
        INetwork network = new StGeluLeakySign();
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], StateDict.Tensors(network).Select(t => t.Name));
        Assert.Equal(network.ParameterCount, StateDict.Tensors(network).Sum(t => t.Length));
        Assert.Empty(StateDict.BatchCounterNames(network));

        // Dropout is a module; batch norm brings γ, β and its running statistics (and PyTorch's counter, never stored).
        INetwork normalized = new StBatchNormDropout();
        Assert.Equal(["0.weight [6, 4] = θ[0..24)", "0.bias [6] = θ[24..30)", "3.weight [6] = θ[30..36)", "3.bias [6] = θ[36..42)", "3.running_mean [6] = s[0..6)", "3.running_var [6] = s[6..12)", "5.weight [2, 6] = θ[42..54)", "5.bias [2] = θ[54..56)"],
            StateDict.Tensors(normalized).Select(t => t.ToString()));
        Assert.Equal(["3.num_batches_tracked"], StateDict.BatchCounterNames(normalized));
    }

    public static TheoryData<string, string, int, Type, string?> BadHeaders() => new()
    {
        // case, header, data bytes, exception, tensor named
        { "missing tensor", ValidHeader.Replace(""","2.bias":{"dtype":"F32","shape":[2],"data_offsets":[96,104]}""", ""), 96, typeof(MissingTensorException), "2.bias" },
        { "renamed tensor", ValidHeader.Replace("\"2.weight\"", "\"1.weight\""), 104, typeof(MissingTensorException), "2.weight" },
        { "extra tensor", ValidHeader.TrimEnd('}') + """},"4.weight":{"dtype":"F32","shape":[1],"data_offsets":[104,108]}}""", 108, typeof(UnexpectedTensorException), "4.weight" },
        { "wrong shape", ValidHeader.Replace("\"shape\":[4,3]", "\"shape\":[3,4]"), 104, typeof(TensorShapeMismatchException), "0.weight" },
        { "wrong rank", ValidHeader.Replace("\"shape\":[4]", "\"shape\":[4,1]"), 104, typeof(TensorShapeMismatchException), "0.bias" },
        { "wrong dtype", ValidHeader.Replace("""{"dtype":"F32","shape":[2],"data_offsets":[96,104]}""", """{"dtype":"F64","shape":[2],"data_offsets":[96,112]}"""), 112, typeof(TensorDTypeMismatchException), "2.bias" },
        { "half precision", ValidHeader.Replace("""{"dtype":"F32","shape":[2],"data_offsets":[96,104]}""", """{"dtype":"F16","shape":[2],"data_offsets":[96,100]}"""), 100, typeof(TensorDTypeMismatchException), "2.bias" },
        { "not JSON", "{\"0.weight\": {\"dtype\": ", 104, typeof(CorruptWeightFileException), "0.weight" },
        { "not an object", "[1, 2, 3]", 104, typeof(CorruptWeightFileException), null },
        { "trailing text after the object", ValidHeader + "xyz", 104, typeof(CorruptWeightFileException), null },
        { "tensor is not an object", ValidHeader.Replace("""{"dtype":"F32","shape":[4],"data_offsets":[48,64]}""", "17"), 104, typeof(CorruptWeightFileException), "0.bias" },
        { "no dtype", ValidHeader.Replace("""{"dtype":"F32","shape":[4],""", """{"shape":[4],"""), 104, typeof(CorruptWeightFileException), "0.bias" },
        { "no data_offsets", ValidHeader.Replace(""","data_offsets":[48,64]""", ""), 104, typeof(CorruptWeightFileException), "0.bias" },
        { "negative dimension", ValidHeader.Replace("\"shape\":[4]", "\"shape\":[-4]"), 104, typeof(CorruptWeightFileException), "0.bias" },
        { "offsets disagree with shape", ValidHeader.Replace("[48,64]", "[48,60]").Replace("[64,96]", "[60,96]"), 104, typeof(CorruptWeightFileException), "0.bias" },
        { "offsets reversed", ValidHeader.Replace("[48,64]", "[64,48]"), 104, typeof(CorruptWeightFileException), "0.bias" },
        { "three offsets", ValidHeader.Replace("[48,64]", "[48,56,64]"), 104, typeof(CorruptWeightFileException), "0.bias" },
        { "overlapping tensors", ValidHeader.Replace("[64,96]", "[60,92]").Replace("[96,104]", "[92,100]"), 100, typeof(CorruptWeightFileException), "2.weight" },
        { "hole between tensors", ValidHeader.Replace("[64,96]", "[68,100]").Replace("[96,104]", "[100,108]"), 108, typeof(CorruptWeightFileException), "2.weight" },
        { "duplicate tensor", ValidHeader.TrimEnd('}') + """},"2.bias":{"dtype":"F32","shape":[2],"data_offsets":[104,112]}}""", 112, typeof(CorruptWeightFileException), "2.bias" },
        { "metadata is not strings", ValidHeader.Replace("""{"format":"pt"}""", """{"format":3}"""), 104, typeof(CorruptWeightFileException), null },
        { "bytes after the last tensor", ValidHeader, 120, typeof(CorruptWeightFileException), null },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void BadFile_ThrowsItsException_NamingFileAndTensor_AndLosesNothing(string @case, string header, int dataBytes, Type exception, string? tensor)
    {
        byte[] data = new byte[dataBytes];
        s_validData.AsSpan(0, Math.Min(dataBytes, s_validData.Length)).CopyTo(data);
        byte[] file = WeightFiles.Compose(header, data);
        using var folder = new TempFolder();
        string path = folder.File($"bad-{@case.Replace(' ', '-')}.safetensors");
        File.WriteAllBytes(path, file);

        foreach (Func<INetwork, WeightFileException> load in new Func<INetwork, WeightFileException>[]
        {
            n => Assert.ThrowsAny<WeightFileException>(() => SafeTensors.Load(n, path)),
            n => Assert.ThrowsAny<WeightFileException>(() => SafeTensors.Read(n, new ForwardOnlyStream(file), path)),
        })
        {
            var network = WeightFiles.WithFormula(new StTanhSigmoid());
            float[] before = network.Parameters.ToArray();
            WeightFileException e = load(network);
            Assert.IsType(exception, e);
            Assert.Equal(path, e.FilePath);
            Assert.Equal(tensor, e.TensorName);
            Assert.StartsWith(path + ": ", e.Message);
            if (tensor is not null)
            {
                Assert.Contains($"'{tensor}'", e.Message);
            }
            Assert.Equal(Bits(before), Bits(network.Parameters));
        }
    }

    [Fact]
    public void RenamedTensor_MessageExplainsTheSequentialNaming()
    {
        byte[] file = WeightFiles.Compose(ValidHeader.Replace("\"2.weight\"", "\"1.weight\""), s_validData);
        var e = Assert.Throws<MissingTensorException>(() => SafeTensors.Read(new StTanhSigmoid(), new MemoryStream(file), "m.safetensors"));
        Assert.Equal(
            "m.safetensors: tensor '2.weight' ([2, 4]) is missing; StTanhSigmoid needs 0.weight [4, 3], 0.bias [4], 2.weight [2, 4], 2.bias [2]. The file has tensors StTanhSigmoid does not know: 1.weight; NetGen names tensors like the equivalent PyTorch nn.Sequential, where each activation other than identity is a module of its own.",
            e.Message);
    }

    [Fact]
    public void WrongShape_MessageGivesBothShapes()
    {
        byte[] file = WeightFiles.Compose(ValidHeader.Replace("\"shape\":[4,3]", "\"shape\":[3,4]"), s_validData);
        var e = Assert.Throws<TensorShapeMismatchException>(() => SafeTensors.Read(new StTanhSigmoid(), new MemoryStream(file), "m.safetensors"));
        Assert.Equal("m.safetensors: tensor '0.weight' has shape [3, 4], but StTanhSigmoid needs [4, 3].", e.Message);
        Assert.Equal("[4, 3]", e.ExpectedShape);
        Assert.Equal("[3, 4]", e.ActualShape);
    }

    [Fact]
    public void TruncatedAtEveryByte_ThrowsTruncated_NamingTheCutTensor_AndLosesNothing()
    {
        byte[] full = WeightFiles.Compose(ValidHeader, s_validData);
        int dataStart = full.Length - s_validData.Length;
        (string Name, int Begin, int End)[] tensors = [("0.weight", 0, 48), ("0.bias", 48, 64), ("2.weight", 64, 96), ("2.bias", 96, 104)];
        var network = WeightFiles.WithFormula(new StTanhSigmoid());
        float[] before = network.Parameters.ToArray();
        using var folder = new TempFolder();
        string path = folder.File("cut.safetensors");
        // Every length short of the full file: inside the length prefix, inside the header, at the header/data boundary,
        // inside and at the boundaries of every tensor.
        for (int length = 0; length < full.Length; length++)
        {
            File.WriteAllBytes(path, full[..length]);
            string? expected = length < dataStart ? null : tensors.First(t => t.End > length - dataStart).Name;
            var fromFile = Assert.Throws<TruncatedWeightFileException>(() => SafeTensors.Load(network, path));
            var fromStream = Assert.Throws<TruncatedWeightFileException>(() => SafeTensors.Read(network, new ForwardOnlyStream(full[..length]), path));
            Assert.Equal(expected, fromFile.TensorName);
            Assert.Equal(expected, fromStream.TensorName);
            Assert.StartsWith(path + ": ", fromFile.Message);
            Assert.Equal(Bits(before), Bits(network.Parameters));
        }
    }

    [Fact]
    public void OversizedHeader_IsRejectedBeforeAnythingIsRead()
    {
        byte[] file = WeightFiles.Compose(ValidHeader, s_validData, headerLength: 1UL << 40);
        var network = WeightFiles.WithFormula(new StTanhSigmoid());
        float[] before = network.Parameters.ToArray();
        var e = Assert.Throws<WeightFileHeaderTooLargeException>(() => SafeTensors.Read(network, new MemoryStream(file), "huge.safetensors"));
        Assert.Equal(1UL << 40, e.HeaderBytes);
        Assert.Equal(SafeTensors.DefaultMaxHeaderBytes, e.MaxHeaderBytes);
        Assert.Null(e.TensorName);
        Assert.StartsWith("huge.safetensors: the safetensors header claims 1,099,511,627,776 bytes", e.Message);

        // A genuine header above a caller's own limit is refused too; at the limit it loads.
        byte[] valid = WeightFiles.Compose(ValidHeader, s_validData);
        int n = Encoding.UTF8.GetByteCount(ValidHeader);
        Assert.Throws<WeightFileHeaderTooLargeException>(() => SafeTensors.Read(network, new MemoryStream(valid), "small-limit", maxHeaderBytes: n - 1));
        Assert.Equal(Bits(before), Bits(network.Parameters));
        SafeTensors.Read(network, new MemoryStream(valid), "exact-limit", maxHeaderBytes: n);
        Assert.Equal(25f, network.Parameters[25]);
    }

    [Fact]
    public void InvalidUtf8InTheHeader_IsCorrupt()
    {
        byte[] file = WeightFiles.Compose(ValidHeader.Replace("0.bias", "0.bi\u00e9s"), s_validData);
        int at = Array.IndexOf(file, (byte)0xC3);
        file[at] = 0xFF;                                                        // break the UTF-8 sequence
        var network = WeightFiles.WithFormula(new StTanhSigmoid());
        float[] before = network.Parameters.ToArray();
        Assert.Throws<CorruptWeightFileException>(() => SafeTensors.Read(network, new MemoryStream(file), "utf8"));
        Assert.Equal(Bits(before), Bits(network.Parameters));
    }

    [Fact]
    public void MissingFile_ThrowsFileNotFound_NamingIt()
    {
        using var folder = new TempFolder();
        string path = folder.File("nowhere.safetensors");
        var e = Assert.Throws<FileNotFoundException>(() => SafeTensors.Load(new StTanhSigmoid(), path));
        Assert.Contains("nowhere.safetensors", e.Message);
    }

    [Fact]
    public void Save_FailingMidway_LeavesThePreviousFileIntact_AndNoTemporaryFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("model.safetensors");
        var first = WeightFiles.WithFormula(new StReluIdentitySoftmax(), salt: 1);
        SafeTensors.Save(first, path);
        byte[] previous = File.ReadAllBytes(path);

        var second = WeightFiles.WithFormula(new StReluIdentitySoftmax(), salt: 2);
        // The same atomic writer Save uses, with a stream that dies after 100 bytes (header written, data cut).
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream => SafeTensors.Write(second, new FailingStream(stream, 100))));
        Assert.Contains("Simulated failure", e.Message);
        Assert.Equal(previous, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));

        // A save that completes replaces the file.
        SafeTensors.Save(second, path);
        var check = new StReluIdentitySoftmax();
        SafeTensors.Load(check, path);
        Assert.Equal(Bits(second.Parameters), Bits(check.Parameters));
        Assert.Equal(["model.safetensors"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_IntoAMissingFolder_Throws_AndCreatesNothing()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "no-such-folder", "model.safetensors");
        Assert.Throws<DirectoryNotFoundException>(() => SafeTensors.Save(new StTanhSigmoid(), path));
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    internal static int[] Bits(ReadOnlySpan<float> values)
    {
        int[] bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }
        return bits;
    }
}
