using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace NetGen.IO;

/// <summary>
/// Saves and loads a network's parameters in the safetensors format (the one PyTorch and the Hugging Face ecosystem use),
/// with the tensor names and shapes of the equivalent PyTorch <c>nn.Sequential</c> state dict (see <see cref="StateDict"/>).
/// </summary>
/// <remarks>
/// <para>Format: an 8-byte little-endian header length <c>N</c>, <c>N</c> bytes of UTF-8 JSON
/// (<c>{"0.weight": {"dtype": "F32", "shape": [32, 64], "data_offsets": [0, 8192]}, …, "__metadata__": {…}}</c>, padded with
/// spaces to a multiple of 8), then the tensors' little-endian bytes, offsets relative to the end of the header.</para>
/// <para>Loading reads and checks the whole file — header structure, every tensor's name, dtype, shape and byte range, the file
/// length — before it writes a single parameter, and throws a <see cref="WeightFileException"/> subtype naming the file and the
/// tensor. Saving writes a temporary file and renames it over the target, so a failure mid-save leaves the previous file intact.</para>
/// <para>Architecture: <see cref="Save"/> writes the network's layer list (<see cref="NetworkArchitecture.Describe(INetwork)"/>) into
/// <c>__metadata__</c> under <c>netgen.architecture</c>; <see cref="Load"/> compares it when the file has it and refuses a file saved
/// from a different architecture (another activation, kind, size or order) with an <see cref="ArchitectureMismatchException"/>
/// showing both. Files without it (PyTorch's) load on tensor names and shapes alone.</para>
/// <para>Values: a tensor holding NaN or ±∞ is refused with a <see cref="NonFiniteWeightException"/> naming the file, the tensor and
/// the first such value's position, unless <c>allowNonFinite</c> is set.</para>
/// <para>In PyTorch (with the <c>safetensors</c> package): <c>save_file(model.state_dict(), path)</c> and
/// <c>model.load_state_dict(load_file(path))</c>, where <c>model</c> is the equivalent <c>nn.Sequential</c>.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest header <see cref="Load"/> accepts unless told otherwise: 16 MiB (a NetGen network's header is a few KB).</summary>
    public const long DefaultMaxHeaderBytes = 16L * 1024 * 1024;

    /// <summary>The dtype NetGen writes and accepts: IEEE 754 float32.</summary>
    public const string Float32 = "F32";

    /// <summary>Saves <paramref name="network"/>'s parameters to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The target file; an existing file is replaced only once the new one is completely written.</param>
    /// <param name="metadata">
    /// Optional string pairs for the header's <c>__metadata__</c>; <c>format: pt</c> and <c>netgen.architecture</c> (the network's
    /// layer list, <see cref="NetworkArchitecture"/>) are always written, and the latter may not be given.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="metadata"/> sets <c>netgen.architecture</c>.</exception>
    public static void Save(INetwork network, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckMetadata(metadata);
        AtomicFile.Write(path, stream => Write(network, stream, metadata));
    }

    /// <summary>Writes <paramref name="network"/>'s parameters to <paramref name="stream"/> in the safetensors format.</summary>
    public static void Write(INetwork network, Stream stream, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        CheckMetadata(metadata);
        byte[] header = BuildHeader(network, metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        Span<byte> zeroCounter = stackalloc byte[8];                   // num_batches_tracked = 0 (int64)
        zeroCounter.Clear();
        string[] counters = StateDict.BatchCounterNames(network);
        foreach (StateTensor tensor in StateDict.Tensors(network))
        {
            WriteLittleEndian(stream, StateDict.Storage(network, tensor.Buffer).Slice(tensor.Offset, tensor.Length));
            if (HasBatchCounter(tensor, counters))
            {
                stream.Write(zeroCounter);
            }
        }
    }

    private static void CheckMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is not null && metadata.ContainsKey(NetworkArchitecture.MetadataKey))
        {
            throw new ArgumentException(
                $"metadata sets '{NetworkArchitecture.MetadataKey}', which NetGen writes itself from the network's layers; remove that key.",
                nameof(metadata));
        }
    }

    /// <summary>A batch norm's running variance, which PyTorch's num_batches_tracked follows ([Normalization]'s has none: issue 13).</summary>
    private static bool HasBatchCounter(StateTensor tensor, string[] counters) =>
        tensor.Name.EndsWith(".running_var", StringComparison.Ordinal) && Array.IndexOf(counters, BatchCounterName(tensor)) >= 0;

    private static string BatchCounterName(StateTensor runningVariance) =>
        runningVariance.Name.Substring(0, runningVariance.Name.Length - "running_var".Length) + "num_batches_tracked";

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="network"/>'s parameters. Everything is checked first; on any error the
    /// network keeps its previous parameters.
    /// </summary>
    /// <param name="network">The network whose <see cref="INetwork.Parameters"/> receive the file's tensors.</param>
    /// <param name="path">A safetensors file with exactly the network's tensors (float32, same names and shapes).</param>
    /// <param name="maxHeaderBytes">The largest header accepted (<see cref="DefaultMaxHeaderBytes"/> unless set).</param>
    /// <param name="allowNonFinite">Load tensors holding NaN or ±∞ instead of refusing them (false unless set).</param>
    /// <exception cref="ArchitectureMismatchException">The file records a different architecture than the network's.</exception>
    /// <exception cref="NonFiniteWeightException">A tensor holds NaN or ±∞ and <paramref name="allowNonFinite"/> is false.</exception>
    /// <exception cref="MissingTensorException">The network has a tensor the file lacks.</exception>
    /// <exception cref="UnexpectedTensorException">The file has a tensor the network lacks.</exception>
    /// <exception cref="TensorShapeMismatchException">A tensor's shape differs.</exception>
    /// <exception cref="TensorDTypeMismatchException">A tensor is not float32.</exception>
    /// <exception cref="TruncatedWeightFileException">The file ends early.</exception>
    /// <exception cref="CorruptWeightFileException">The header or the offsets are malformed, or bytes follow the last tensor.</exception>
    /// <exception cref="WeightFileHeaderTooLargeException">The header is larger than <paramref name="maxHeaderBytes"/>.</exception>
    public static void Load(INetwork network, string path, long maxHeaderBytes = DefaultMaxHeaderBytes, bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Read(network, stream, path, maxHeaderBytes, allowNonFinite);
    }

    /// <summary>Reads safetensors data from <paramref name="stream"/> into <paramref name="network"/>, with the checks of <see cref="Load"/>.</summary>
    /// <param name="network">The network to fill.</param>
    /// <param name="stream">The data, read to its end (a seekable stream lets truncation be reported before reading the data).</param>
    /// <param name="sourceName">The name that error messages give the data, such as its file name.</param>
    /// <param name="maxHeaderBytes">The largest header accepted.</param>
    /// <param name="allowNonFinite">Load tensors holding NaN or ±∞ instead of refusing them (false unless set).</param>
    public static void Read(INetwork network, Stream stream, string sourceName, long maxHeaderBytes = DefaultMaxHeaderBytes, bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        (float[] parameters, float[] statistics) = ReadValues(network, stream, sourceName, maxHeaderBytes, allowNonFinite);
        parameters.CopyTo(network.Parameters);
        statistics.CopyTo(network.RunningStatistics);
        if (network is IAdaptableNetwork adaptable)
        {
            adaptable.IsAdapted = true; // issue 13: the normalisation's mean and variance came from the file
        }
    }

    private static (float[] Parameters, float[] Statistics) ReadValues(INetwork network, Stream stream, string source, long maxHeaderBytes, bool allowNonFinite)
    {
        Span<byte> prefix = stackalloc byte[8];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < prefix.Length)
        {
            throw new TruncatedWeightFileException(source, null,
                $"the file ends after {got} bytes, inside the 8-byte header length that starts every safetensors file.");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)maxHeaderBytes)
        {
            throw new WeightFileHeaderTooLargeException(source, headerLength, maxHeaderBytes);
        }
        long remaining = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        if ((long)headerLength > remaining)
        {
            throw new TruncatedWeightFileException(source, null,
                $"the header announces {headerLength:N0} bytes but only {remaining:N0} follow the header length.");
        }
        byte[] header = new byte[(int)headerLength];
        got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
        {
            throw new TruncatedWeightFileException(source, null,
                $"the header announces {headerLength:N0} bytes but the file ends after {got:N0} of them.");
        }

        Dictionary<string, FileTensor> tensors = ParseHeader(header, source, out long dataLength, out Dictionary<string, string> metadata);
        if (metadata.TryGetValue(NetworkArchitecture.MetadataKey, out string? architecture))
        {
            NetworkArchitecture.Check(network, architecture, source);
        }
        StateTensor[] expected = TensorCatalog.Validate(network, tensors, source);

        remaining = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        if (remaining < dataLength)
        {
            throw Truncated(source, tensors, remaining, dataLength);
        }
        if (stream.CanSeek && remaining > dataLength)
        {
            throw new CorruptWeightFileException(source, null,
                $"{remaining - dataLength:N0} bytes follow the last tensor; the header's data_offsets must cover the data exactly.");
        }
        byte[] data = new byte[dataLength];
        got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
        {
            throw Truncated(source, tensors, got, dataLength);
        }
        if (!stream.CanSeek && stream.ReadByte() >= 0)
        {
            throw new CorruptWeightFileException(source, null, "bytes follow the last tensor; the header's data_offsets must cover the data exactly.");
        }

        float[] parameters = network.Parameters.ToArray();
        float[] statistics = network.RunningStatistics.ToArray();
        foreach (StateTensor tensor in expected)
        {
            FileTensor entry = tensors[tensor.Name];
            float[] target = tensor.Buffer == TensorBuffer.Parameters ? parameters : statistics;
            ReadLittleEndian(data.AsSpan((int)entry.Begin, (int)(entry.End - entry.Begin)), target.AsSpan(tensor.Offset, tensor.Length));
        }
        if (!allowNonFinite)
        {
            NonFiniteCheck.Check(network, expected, parameters, statistics, source);
        }
        return (parameters, statistics);
    }

    private static TruncatedWeightFileException Truncated(string source, Dictionary<string, FileTensor> tensors, long available, long dataLength)
    {
        FileTensor? cut = null;
        foreach (FileTensor tensor in tensors.Values)
        {
            if (tensor.End > available && (cut is null || tensor.Begin < cut.Begin))
            {
                cut = tensor;
            }
        }
        return new TruncatedWeightFileException(source, cut?.Name,
            $"the data section should have {dataLength:N0} bytes but has only {available:N0}: tensor '{cut?.Name}' (bytes {cut?.Begin:N0}..{cut?.End:N0}) is cut off.");
    }

    /// <summary>Parses and checks the header's structure: fields, dtype sizes against shapes, and offsets that tile the data exactly.</summary>
    private static Dictionary<string, FileTensor> ParseHeader(byte[] header, string source, out long dataLength, out Dictionary<string, string> metadata)
    {
        var tensors = new Dictionary<string, FileTensor>(StringComparer.Ordinal);
        metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new CorruptWeightFileException(source, null, "the safetensors header is not a JSON object.");
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                current = reader.GetString()!;
                reader.Read();
                if (current == "__metadata__")
                {
                    ReadMetadata(ref reader, source, metadata);
                    current = null;
                    continue;
                }
                if (tensors.ContainsKey(current))
                {
                    throw new CorruptWeightFileException(source, current, $"tensor '{current}' appears twice in the header.");
                }
                tensors.Add(current, ReadTensor(ref reader, current, source));
                current = null;
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new CorruptWeightFileException(source, null, "the safetensors header has content after its JSON object.");
            }
        }
        catch (JsonException e)
        {
            string where = current is null ? "" : $" (in tensor '{current}')";
            throw new CorruptWeightFileException(source, current, $"the safetensors header is not valid JSON{where}: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new CorruptWeightFileException(source, current, $"the safetensors header cannot be read: {e.Message}", e);
        }

        // The offsets must tile [0, dataLength) exactly: sorted, no hole, no overlap.
        var ordered = new List<FileTensor>(tensors.Values);
        ordered.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (FileTensor tensor in ordered)
        {
            if (tensor.Begin != expected)
            {
                throw new CorruptWeightFileException(source, tensor.Name, tensor.Begin > expected
                    ? $"tensor '{tensor.Name}' starts at data byte {tensor.Begin:N0}, leaving bytes {expected:N0}..{tensor.Begin:N0} unused; data_offsets must cover the data without holes."
                    : $"tensor '{tensor.Name}' starts at data byte {tensor.Begin:N0}, overlapping the previous tensor, which ends at {expected:N0}.");
            }
            expected = tensor.End;
        }
        dataLength = expected;
        return tensors;
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, string source, Dictionary<string, string> metadata)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new CorruptWeightFileException(source, null, "__metadata__ must be a JSON object of strings.");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new CorruptWeightFileException(source, null, $"__metadata__ entry '{key}' must be a string.");
            }
            metadata[key] = reader.GetString()!;
        }
    }

    private static FileTensor ReadTensor(ref Utf8JsonReader reader, string name, string source)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new CorruptWeightFileException(source, name, $"tensor '{name}' must be a JSON object with dtype, shape and data_offsets.");
        }
        string? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "dtype":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new CorruptWeightFileException(source, name, $"tensor '{name}': dtype must be a string such as \"F32\".");
                    }
                    dtype = reader.GetString();
                    break;
                case "shape":
                    shape = ReadIntegers(ref reader, name, field, source);
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(ref reader, name, field, source);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (dtype is null || shape is null || offsets is null)
        {
            string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw new CorruptWeightFileException(source, name, $"tensor '{name}' has no {missing}.");
        }
        if (offsets.Length != 2 || offsets[1] < offsets[0])
        {
            throw new CorruptWeightFileException(source, name, $"tensor '{name}': data_offsets must be [begin, end] with begin ≤ end.");
        }
        long elements = 1;
        try
        {
            foreach (long dimension in shape)
            {
                elements = checked(elements * dimension);
            }
        }
        catch (OverflowException)
        {
            throw new CorruptWeightFileException(source, name, $"tensor '{name}': the shape's element count overflows.");
        }
        int size = ElementSize(dtype);
        if (size > 0 && (elements > long.MaxValue / size || elements * size != offsets[1] - offsets[0]))
        {
            throw new CorruptWeightFileException(source, name,
                $"tensor '{name}': shape {new FileTensor(name, dtype, shape, 0, 0).ShapeText} of {dtype} needs {elements * size:N0} bytes, but data_offsets [{offsets[0]}, {offsets[1]}] span {offsets[1] - offsets[0]:N0}.");
        }
        return new FileTensor(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string name, string field, string source)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new CorruptWeightFileException(source, name, $"tensor '{name}': {field} must be an array of non-negative integers.");
        }
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value) || value < 0)
            {
                throw new CorruptWeightFileException(source, name, $"tensor '{name}': {field} must be an array of non-negative integers.");
            }
            values.Add(value);
        }
        return values.ToArray();
    }

    /// <summary>Bytes per element of the safetensors dtypes; 0 for a dtype this reader does not know.</summary>
    private static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    private static byte[] BuildHeader(INetwork network, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps the architecture text readable in the file ("Dense(2->4, Tanh)", not "Dense(2-\u003E4, Tanh)").
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            var keys = new List<string> { "format", NetworkArchitecture.MetadataKey };
            if (metadata is not null)
            {
                foreach (string key in metadata.Keys)
                {
                    if (key != "format" && key != NetworkArchitecture.MetadataKey)
                    {
                        keys.Add(key);
                    }
                }
            }
            keys.Sort(StringComparer.Ordinal);
            foreach (string key in keys)
            {
                json.WriteString(key, key == NetworkArchitecture.MetadataKey
                    ? NetworkArchitecture.Describe(network)
                    : key == "format" && (metadata is null || !metadata.ContainsKey(key)) ? "pt" : metadata![key]);
            }
            json.WriteEndObject();
            long offset = 0;
            string[] counters = StateDict.BatchCounterNames(network);
            foreach (StateTensor tensor in StateDict.Tensors(network))
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", Float32);
                json.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + 4L * tensor.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += 4L * tensor.Length;
                if (HasBatchCounter(tensor, counters))
                {
                    json.WriteStartObject(BatchCounterName(tensor));
                    json.WriteString("dtype", "I64");
                    json.WriteStartArray("shape");
                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(offset);
                    json.WriteNumberValue(offset + 8);
                    json.WriteEndArray();
                    json.WriteEndObject();
                    offset += 8;
                }
            }
            json.WriteEndObject();
        }
        // Pad with spaces so that the data starts 8-byte aligned, as the reference writer does.
        int padded = (buffer.WrittenCount + 7) & ~7;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        Span<byte> chunk = stackalloc byte[1024];
        while (!values.IsEmpty)
        {
            int n = Math.Min(values.Length, chunk.Length / 4);
            for (int i = 0; i < n; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(chunk.Slice(4 * i), values[i]);
            }
            stream.Write(chunk.Slice(0, 4 * n));
            values = values.Slice(n);
        }
    }

    private static void ReadLittleEndian(ReadOnlySpan<byte> bytes, Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i));
        }
    }
}
