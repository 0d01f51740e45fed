using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace NetGen.IO;

/// <summary>
/// NetGen's text weight format, the one <c>[Network(Weights = "file")]</c> embeds at compile time (Roslyn hands additional
/// files to generators as text). Same tensors, names and shapes as <see cref="SafeTensors"/>; values as JSON numbers.
/// </summary>
/// <remarks>
/// <code>
/// {
///   "format": "netgen-weights",
///   "version": 1,
///   "tensors": [
///     { "name": "0.weight", "dtype": "F32", "shape": [32, 64], "data": [0.0123, -0.5, …] },
///     { "name": "0.bias", "dtype": "F32", "shape": [32], "data": […] }
///   ]
/// }
/// </code>
/// <para>Numbers are written as the shortest decimal that reads back as the same float32, so a save → load round trip is
/// bit-exact; NaN and infinities cannot be written (JSON has no literal for them). A number too large for float32 (such as
/// <c>1e39</c>) reads as ±∞ and is refused like a non-finite safetensors value (<see cref="NonFiniteWeightException"/>) unless
/// <c>allowNonFinite</c> is set. Loading checks every tensor as
/// <see cref="SafeTensors.Load"/> does and throws the same <see cref="WeightFileException"/> subtypes; on any error the
/// network keeps its previous parameters. Saving is atomic.</para>
/// </remarks>
public static class WeightsJson
{
    /// <summary>The value of the <c>format</c> field.</summary>
    public const string FormatName = "netgen-weights";

    /// <summary>The format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Saves <paramref name="network"/>'s parameters to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    /// <exception cref="ArgumentException">A parameter is NaN or infinite (JSON cannot hold it); the message names the tensor and index.</exception>
    public static void Save(INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckFinite(network);
        AtomicFile.Write(path, stream => Write(network, stream));
    }

    /// <summary>Writes <paramref name="network"/>'s parameters to <paramref name="stream"/> as NetGen weight JSON (UTF-8).</summary>
    /// <exception cref="ArgumentException">A parameter is NaN or infinite.</exception>
    public static void Write(INetwork network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        CheckFinite(network);
        var text = new StringBuilder();
        text.Append("{\n  \"format\": \"").Append(FormatName).Append("\",\n  \"version\": ")
            .Append(FormatVersion.ToString(CultureInfo.InvariantCulture)).Append(",\n  \"tensors\": [");
        StateTensor[] tensors = StateDict.Tensors(network);
        for (int t = 0; t < tensors.Length; t++)
        {
            StateTensor tensor = tensors[t];
            text.Append(t == 0 ? "\n" : ",\n").Append("    { \"name\": ");
            AppendString(text, tensor.Name);
            text.Append(", \"dtype\": \"F32\", \"shape\": ").Append(tensor.ShapeText).Append(", \"data\": [");
            // One line per row of the innermost dimension keeps large matrices readable in a diff.
            int row = tensor.Shape.Length == 0 ? 1 : Math.Max(1, tensor.Shape[tensor.Shape.Length - 1]);
            ReadOnlySpan<float> values = StateDict.Storage(network, tensor.Buffer).Slice(tensor.Offset, tensor.Length);
            for (int i = 0; i < values.Length; i++)
            {
                text.Append(i == 0 ? "\n      " : i % row == 0 ? ",\n      " : ", ");
                text.Append(values[i].ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append(values.Length == 0 ? "] }" : "\n    ] }");
        }
        text.Append("\n  ]\n}\n");
        byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString());
        stream.Write(bytes);
    }

    /// <summary>Loads NetGen weight JSON from <paramref name="path"/> into <paramref name="network"/>; checks everything first.</summary>
    /// <exception cref="MissingTensorException">The network has a tensor the file lacks.</exception>
    /// <exception cref="UnexpectedTensorException">The file has a tensor the network lacks.</exception>
    /// <exception cref="TensorShapeMismatchException">A tensor's shape differs.</exception>
    /// <exception cref="TensorDTypeMismatchException">A tensor is not F32.</exception>
    /// <exception cref="CorruptWeightFileException">The text is not NetGen weight JSON (including a truncated file).</exception>
    /// <exception cref="NonFiniteWeightException">A value overflows float32 (±∞) and <paramref name="allowNonFinite"/> is false.</exception>
    /// <param name="network">The network to fill.</param>
    /// <param name="path">The file.</param>
    /// <param name="allowNonFinite">Load values that overflow float32 as ±∞ instead of refusing them (false unless set).</param>
    public static void Load(INetwork network, string path, bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        byte[] bytes = File.ReadAllBytes(path);
        Read(network, bytes, path, allowNonFinite);
    }

    /// <summary>Reads NetGen weight JSON from <paramref name="stream"/> into <paramref name="network"/>, with the checks of <see cref="Load"/>.</summary>
    /// <param name="network">The network to fill.</param>
    /// <param name="stream">The data, read to its end.</param>
    /// <param name="sourceName">The name that error messages give the data, such as its file name.</param>
    /// <param name="allowNonFinite">Load values that overflow float32 as ±∞ instead of refusing them (false unless set).</param>
    public static void Read(INetwork network, Stream stream, string sourceName, bool allowNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        Read(network, copy.ToArray(), sourceName, allowNonFinite);
    }

    private static void Read(INetwork network, byte[] json, string source, bool allowNonFinite)
    {
        var tensors = new Dictionary<string, FileTensor>(StringComparer.Ordinal);
        var data = new List<float>();
        string? current = null;
        bool formatSeen = false;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new CorruptWeightFileException(source, null, "the file is not a JSON object; NetGen weight files start with {\"format\": \"netgen-weights\", …}.");
            }
            bool tensorsSeen = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string field = reader.GetString()!;
                reader.Read();
                switch (field)
                {
                    case "format":
                        if (reader.TokenType != JsonTokenType.String || reader.GetString() != FormatName)
                        {
                            throw new CorruptWeightFileException(source, null, $"\"format\" must be \"{FormatName}\".");
                        }
                        formatSeen = true;
                        break;
                    case "version":
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int version) || version != FormatVersion)
                        {
                            throw new CorruptWeightFileException(source, null, $"\"version\" must be {FormatVersion}; this NetGen reads version {FormatVersion} only.");
                        }
                        break;
                    case "tensors":
                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            throw new CorruptWeightFileException(source, null, "\"tensors\" must be an array of tensor objects.");
                        }
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            FileTensor tensor = ReadTensor(ref reader, data, source, ref current);
                            if (!tensors.TryAdd(tensor.Name, tensor))
                            {
                                throw new CorruptWeightFileException(source, tensor.Name, $"tensor '{tensor.Name}' appears twice.");
                            }
                            current = null;
                        }
                        tensorsSeen = true;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new CorruptWeightFileException(source, null, "the file has content after its JSON object.");
            }
            if (!formatSeen || !tensorsSeen)
            {
                throw new CorruptWeightFileException(source, null, $"the file has no {(formatSeen ? "\"tensors\"" : "\"format\": \"" + FormatName + "\"")} field.");
            }
        }
        catch (JsonException e)
        {
            string where = current is null ? "" : $" (in tensor '{current}')";
            throw new CorruptWeightFileException(source, current, $"the file is not valid JSON{where}: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new CorruptWeightFileException(source, current, $"the file cannot be read: {e.Message}", e);
        }

        StateTensor[] expected = TensorCatalog.Validate(network, tensors, source);
        float[] parameters = network.Parameters.ToArray();
        float[] statistics = network.RunningStatistics.ToArray();
        foreach (StateTensor tensor in expected)
        {
            FileTensor entry = tensors[tensor.Name];
            float[] target = tensor.Buffer == TensorBuffer.Parameters ? parameters : statistics;
            for (int i = 0; i < tensor.Length; i++)
            {
                target[tensor.Offset + i] = data[(int)entry.Begin + i];
            }
        }
        if (!allowNonFinite)
        {
            NonFiniteCheck.Check(network, expected, parameters, statistics, source);
        }
        parameters.CopyTo(network.Parameters);
        statistics.CopyTo(network.RunningStatistics);
        if (network is IAdaptableNetwork adaptable)
        {
            adaptable.IsAdapted = true; // issue 13: the normalisation's mean and variance came from the file
        }
    }

    private static FileTensor ReadTensor(ref Utf8JsonReader reader, List<float> data, string source, ref string? current)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new CorruptWeightFileException(source, null, "each entry of \"tensors\" must be an object with name, dtype, shape and data.");
        }
        string? name = null, dtype = null;
        var shape = new List<long>();
        bool shapeSeen = false;
        long begin = -1, end = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "name":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new CorruptWeightFileException(source, null, "a tensor's name must be a string.");
                    }
                    name = current = reader.GetString();
                    break;
                case "dtype":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw new CorruptWeightFileException(source, name, $"tensor '{name}': dtype must be a string such as \"F32\".");
                    }
                    dtype = reader.GetString();
                    break;
                case "shape":
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw new CorruptWeightFileException(source, name, $"tensor '{name}': shape must be an array of non-negative integers.");
                    }
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long dimension) || dimension < 0)
                        {
                            throw new CorruptWeightFileException(source, name, $"tensor '{name}': shape must be an array of non-negative integers.");
                        }
                        shape.Add(dimension);
                    }
                    shapeSeen = true;
                    break;
                case "data":
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw new CorruptWeightFileException(source, name, $"tensor '{name}': data must be an array of numbers.");
                    }
                    begin = data.Count;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.Number)
                        {
                            throw new CorruptWeightFileException(source, name,
                                $"tensor '{name}': value {data.Count - begin} is not a number.");
                        }
                        if (reader.TryGetSingle(out float value))
                        {
                            data.Add(value);
                        }
                        else if (reader.TryGetDouble(out double wide))
                        {
                            data.Add((float)wide); // beyond float32's range: ±∞, refused after validation unless allowed
                        }
                        else
                        {
                            // A valid JSON number beyond even float64's range (1e400): ±∞ in float32 as well.
                            data.Add(reader.ValueSpan.Length > 0 && reader.ValueSpan[0] == (byte)'-' ? float.NegativeInfinity : float.PositiveInfinity);
                        }
                    }
                    end = data.Count;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (name is null || dtype is null || !shapeSeen || begin < 0)
        {
            string missing = name is null ? "name" : dtype is null ? "dtype" : !shapeSeen ? "shape" : "data";
            throw new CorruptWeightFileException(source, name, name is null ? "a tensor has no name." : $"tensor '{name}' has no {missing}.");
        }
        long elements = 1;
        foreach (long dimension in shape)
        {
            elements = dimension == 0 ? 0 : elements > long.MaxValue / dimension ? long.MaxValue : elements * dimension;
        }
        var tensor = new FileTensor(name, dtype, shape.ToArray(), begin, end);
        if (elements != end - begin)
        {
            throw new CorruptWeightFileException(source, name,
                $"tensor '{name}' has {end - begin:N0} values, but its shape {tensor.ShapeText} needs {elements:N0}.");
        }
        return tensor;
    }

    private static void CheckFinite(INetwork network)
    {
        foreach (StateTensor tensor in StateDict.Tensors(network))
        {
            ReadOnlySpan<float> values = StateDict.Storage(network, tensor.Buffer).Slice(tensor.Offset, tensor.Length);
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    throw new ArgumentException(
                        $"{network.GetType().Name}: tensor '{tensor.Name}' value {i} is {values[i].ToString(CultureInfo.InvariantCulture)}; NetGen weight JSON holds finite numbers only.",
                        nameof(network));
                }
            }
        }
    }

    private static void AppendString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (char c in value)
        {
            if (c is '"' or '\\')
            {
                text.Append('\\').Append(c);
            }
            else if (c < ' ')
            {
                text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }
        text.Append('"');
    }
}
