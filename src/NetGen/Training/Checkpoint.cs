using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

using NetGen.IO;

namespace NetGen.Training;

/// <summary>
/// Saves and restores a training run: the network's parameters and running statistics, the optimizer's state (step count,
/// learning rate, momentum or moment buffers) and, when written by <see cref="Trainer"/>, where the run stands (epochs done,
/// history, early-stopping bests), so that a resumed run reaches bit-identical parameters to an uninterrupted one.
/// </summary>
/// <remarks>
/// <para>The file is NetGen's own binary format (little-endian): the magic <c>NGCKPT</c>, a format version, the file length,
/// the network's layer layout, the buffers, and a SHA-256 of everything before it. Loading reads and checks the whole file —
/// length, checksum, structure, that the network's layers and the optimizer's kind and buffers match, that every value is
/// finite — before it changes anything, and throws a <see cref="WeightFileException"/> naming the file
/// (<see cref="TruncatedWeightFileException"/>, <see cref="CorruptWeightFileException"/>, <see cref="CheckpointMismatchException"/>).
/// Saving writes a temporary file and renames it over the target, so a crash mid-save leaves the previous checkpoint intact.</para>
/// <para>For weights alone, to share or to load in PyTorch, use <see cref="SafeTensors"/>.</para>
/// </remarks>
public static class Checkpoint
{
    private static ReadOnlySpan<byte> Magic => "NGCKPT\r\n"u8;

    /// <summary>
    /// The format version this library writes (2: with the dropout generator's state); it reads 1 and 2. A version-1 file
    /// (no generator state) loads and leaves the network's generator as it is.
    /// </summary>
    public const int FormatVersion = 2;

    private const int HashBytes = 32;
    private const int PrefixBytes = 8 + 4 + 8;

    /// <summary>Saves <paramref name="network"/>'s parameters and running statistics and <paramref name="optimizer"/>'s state atomically.</summary>
    /// <param name="path">The file; an existing file is replaced only once the new one is completely written.</param>
    /// <param name="network">The network being trained.</param>
    /// <param name="optimizer">Its optimizer (one of NetGen's: <see cref="Sgd"/>, <see cref="RmsProp"/>, <see cref="Adam"/>, <see cref="AdamW"/>).</param>
    public static void Save(string path, ITrainableNetwork network, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        Write(path, network, optimizer, null);
    }

    /// <summary>
    /// Loads a checkpoint into <paramref name="network"/> and <paramref name="optimizer"/>. Everything is checked first; on any
    /// error both keep their previous state. A checkpoint written by <see cref="Trainer"/> loads too (its run state is ignored).
    /// </summary>
    /// <exception cref="TruncatedWeightFileException">The file is shorter than it says.</exception>
    /// <exception cref="CorruptWeightFileException">Not a checkpoint, a wrong checksum, malformed content, or a NaN/∞ value.</exception>
    /// <exception cref="CheckpointMismatchException">The file was made for another network layout or another kind of optimizer.</exception>
    public static void Load(string path, ITrainableNetwork network, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        CheckpointData data = Read(path);
        data.CheckFits(network, optimizer);
        data.Apply(network, optimizer);
    }

    internal static void Write(string path, ITrainableNetwork network, Optimizer optimizer, RunState? run)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = Encode(network, optimizer, run);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    private static byte[] Encode(ITrainableNetwork network, Optimizer optimizer, RunState? run)
    {
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(0L);                                          // the file length, patched below
            w.Write(network.GetType().Name);
            IReadOnlyList<LayerInfo> layers = network.Layers;
            w.Write(layers.Count);
            foreach (LayerInfo l in layers)
            {
                w.Write((int)l.Kind);
                w.Write(l.Inputs);
                w.Write(l.Outputs);
                w.Write((int)l.Activation);
                w.Write(l.WeightOffset);
                w.Write(l.WeightCount);
                w.Write(l.BiasOffset);
                w.Write(l.BiasCount);
            }
            WriteFloats(w, network.Parameters);
            WriteFloats(w, network.RunningStatistics);

            w.Write(optimizer.GetType().Name);
            w.Write(optimizer.StepCount);
            w.Write(optimizer.LearningRate);
            w.Write(optimizer.StateLength);
            string[] names = optimizer.StateNames;
            w.Write(names.Length);
            foreach (string name in names)
            {
                w.Write(name);
                WriteFloats(w, optimizer.StateLength > 0 ? optimizer.State(name) : ReadOnlySpan<float>.Empty);
            }

            w.Write(run is not null);
            run?.Write(w);
            // Version 2: the dropout generator (IRandomStateNetwork), so that a resumed run draws the same masks.
            w.Write(network is IRandomStateNetwork);
            if (network is IRandomStateNetwork random)
            {
                w.Write(random.RandomState);
            }
        }
        long total = body.Length + HashBytes;
        byte[] bytes = new byte[total];
        body.GetBuffer().AsSpan(0, (int)body.Length).CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(12, 8), total);
        if (!BitConverter.IsLittleEndian)
        {
            bytes.AsSpan(12, 8).Reverse();
        }
        SHA256.HashData(bytes.AsSpan(0, (int)body.Length), bytes.AsSpan((int)body.Length));
        return bytes;
    }

    internal static void WriteFloats(BinaryWriter w, ReadOnlySpan<float> values)
    {
        w.Write(values.Length);
        foreach (float v in values)
        {
            w.Write(v);
        }
    }

    /// <summary>Reads and checks the file's framing (length, checksum) and decodes it; nothing is applied.</summary>
    internal static CheckpointData Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < PrefixBytes || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            if (bytes.Length < 8 && Magic.StartsWith(bytes))
            {
                throw new TruncatedWeightFileException(path, null, $"the file ends after {bytes.Length} bytes, inside the checkpoint's magic number.");
            }
            if (bytes.Length >= 8 && bytes.AsSpan(0, 8).SequenceEqual(Magic))
            {
                throw new TruncatedWeightFileException(path, null, $"the file ends after {bytes.Length} bytes, inside the checkpoint's header.");
            }
            throw new CorruptWeightFileException(path, null, "the file is not a NetGen checkpoint (it does not start with NGCKPT).");
        }
        int version = BitConverter.ToInt32(bytes, 8);
        if (version is < 1 or > FormatVersion)
        {
            throw new CorruptWeightFileException(path, null, $"the checkpoint has format version {version}; this NetGen reads versions 1 to {FormatVersion}.");
        }
        long declared = BitConverter.ToInt64(bytes, 12);
        if (declared > bytes.Length)
        {
            throw new TruncatedWeightFileException(path, null, $"the checkpoint should have {declared:N0} bytes but has only {bytes.Length:N0}: the write was cut off or the file was truncated.");
        }
        if (declared != bytes.Length || declared < PrefixBytes + HashBytes)
        {
            throw new CorruptWeightFileException(path, null, $"the checkpoint says it has {declared:N0} bytes but the file has {bytes.Length:N0}.");
        }
        Span<byte> hash = stackalloc byte[HashBytes];
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - HashBytes), hash);
        if (!hash.SequenceEqual(bytes.AsSpan(bytes.Length - HashBytes)))
        {
            throw new CorruptWeightFileException(path, null, "the checkpoint's SHA-256 does not match its contents: the file was damaged or changed after it was written.");
        }
        try
        {
            using var stream = new MemoryStream(bytes, PrefixBytes, bytes.Length - HashBytes - PrefixBytes, writable: false);
            using var r = new BinaryReader(stream, Encoding.UTF8);
            var data = CheckpointData.Decode(r, path, version);
            if (stream.Position != stream.Length)
            {
                throw new CorruptWeightFileException(path, null, $"{stream.Length - stream.Position:N0} bytes follow the checkpoint's content.");
            }
            return data;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or ArgumentException or OverflowException or DecoderFallbackException)
        {
            throw new CorruptWeightFileException(path, null, $"the checkpoint's content cannot be read: {e.Message}", e);
        }
    }

    internal static float[] ReadFloats(BinaryReader r, string path, string what)
    {
        int n = r.ReadInt32();
        if (n < 0 || (long)n * 4 > r.BaseStream.Length - r.BaseStream.Position)
        {
            throw new CorruptWeightFileException(path, what, $"'{what}' claims {n:N0} values, more than the file holds.");
        }
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = r.ReadSingle();
        }
        return values;
    }

    internal static void CheckFinite(float[] values, string path, string what)
    {
        int bad = NonFinite.IndexOf(values);
        if (bad >= 0)
        {
            throw new CorruptWeightFileException(path, what, $"value {bad} of '{what}' is {values[bad]}; a checkpoint holds only finite numbers.");
        }
    }
}

/// <summary>
/// A checkpoint that is well-formed but made for something else: another network layout, another kind of optimizer or
/// optimizer configuration, or (when resuming a <see cref="Trainer"/>) other training data or shuffling settings.
/// </summary>
public sealed class CheckpointMismatchException : WeightFileException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointMismatchException(string filePath, string message)
        : base(filePath, null, message)
    {
    }
}

/// <summary>A decoded checkpoint, checked for structure and finiteness but not yet against a network.</summary>
internal sealed class CheckpointData
{
    private CheckpointData(string path) => Path = path;

    public string Path { get; }
    public string NetworkName { get; private set; } = "";
    public LayerInfo[] Layers { get; private set; } = [];
    public float[] Parameters { get; private set; } = [];
    public float[] Statistics { get; private set; } = [];
    public string OptimizerName { get; private set; } = "";
    public long StepCount { get; private set; }
    public float LearningRate { get; private set; }
    public int StateLength { get; private set; }
    public string[] StateNames { get; private set; } = [];
    public float[][] State { get; private set; } = [];
    public RunState? Run { get; private set; }
    public ulong? RandomState { get; private set; }

    public static CheckpointData Decode(BinaryReader r, string path, int version)
    {
        var d = new CheckpointData(path) { NetworkName = r.ReadString() };
        int layers = r.ReadInt32();
        if (layers < 0 || layers > 100_000)
        {
            throw new CorruptWeightFileException(path, null, $"the checkpoint claims {layers} layers.");
        }
        d.Layers = new LayerInfo[layers];
        for (int i = 0; i < layers; i++)
        {
            d.Layers[i] = new LayerInfo(i + 1, (LayerKind)r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), (Activation)r.ReadInt32(),
                r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
        }
        d.Parameters = Checkpoint.ReadFloats(r, path, "parameters");
        Checkpoint.CheckFinite(d.Parameters, path, "parameters");
        d.Statistics = Checkpoint.ReadFloats(r, path, "running statistics");
        Checkpoint.CheckFinite(d.Statistics, path, "running statistics");
        d.OptimizerName = r.ReadString();
        d.StepCount = r.ReadInt64();
        d.LearningRate = r.ReadSingle();
        d.StateLength = r.ReadInt32();
        if (d.StepCount < 0 || !(d.LearningRate >= 0f) || !float.IsFinite(d.LearningRate) || d.StateLength < -1)
        {
            throw new CorruptWeightFileException(path, null,
                $"the optimizer's step count {d.StepCount}, learning rate {d.LearningRate} or state length {d.StateLength} is impossible.");
        }
        int buffers = r.ReadInt32();
        if (buffers is < 0 or > 16)
        {
            throw new CorruptWeightFileException(path, null, $"the checkpoint claims {buffers} optimizer buffers.");
        }
        d.StateNames = new string[buffers];
        d.State = new float[buffers][];
        for (int i = 0; i < buffers; i++)
        {
            d.StateNames[i] = r.ReadString();
            d.State[i] = Checkpoint.ReadFloats(r, path, d.StateNames[i]);
            Checkpoint.CheckFinite(d.State[i], path, d.StateNames[i]);
            if (d.State[i].Length != Math.Max(d.StateLength, 0))
            {
                throw new CorruptWeightFileException(path, d.StateNames[i],
                    $"optimizer buffer '{d.StateNames[i]}' has {d.State[i].Length} values but the state is for {d.StateLength} parameters.");
            }
        }
        if (r.ReadBoolean())
        {
            d.Run = RunState.Read(r, path, d.Parameters.Length, d.Statistics.Length);
        }
        if (version >= 2 && r.ReadBoolean())
        {
            d.RandomState = r.ReadUInt64();
        }
        return d;
    }

    /// <summary>Throws <see cref="CheckpointMismatchException"/> unless the file was made for this network's layout and this kind of optimizer.</summary>
    public void CheckFits(ITrainableNetwork network, IOptimizer optimizer)
    {
        string name = network.GetType().Name;
        IReadOnlyList<LayerInfo> layers = network.Layers;
        bool sameLayers = layers.Count == Layers.Length;
        for (int i = 0; sameLayers && i < Layers.Length; i++)
        {
            sameLayers = layers[i] == Layers[i];
        }
        if (!sameLayers || network.ParameterCount != Parameters.Length || network.RunningStatistics.Length != Statistics.Length)
        {
            throw new CheckpointMismatchException(Path,
                $"the checkpoint was made for {NetworkName} ({Describe(Layers)}, {Parameters.Length} parameters), not for {name} ({Describe(layers)}, {network.ParameterCount} parameters).");
        }
        if (optimizer is not Optimizer o)
        {
            throw new ArgumentException($"Checkpoints hold the state of NetGen's optimizers (Sgd, RmsProp, Adam, AdamW); {optimizer.GetType().Name} is not one.", nameof(optimizer));
        }
        if (o.GetType().Name != OptimizerName)
        {
            throw new CheckpointMismatchException(Path, $"the checkpoint holds the state of {OptimizerName}, but the optimizer is {o.GetType().Name}.");
        }
        string[] expected = o.StateNames;
        if (string.Join(", ", expected) != string.Join(", ", StateNames))
        {
            throw new CheckpointMismatchException(Path,
                $"the checkpoint's {OptimizerName} keeps [{string.Join(", ", StateNames)}] but this {o.GetType().Name}'s configuration keeps [{string.Join(", ", expected)}] " +
                "(momentum, centered or AMSGrad differ).");
        }
        if (StateLength > 0 && StateLength != network.ParameterCount)
        {
            throw new CheckpointMismatchException(Path, $"the optimizer state is for {StateLength} parameters but {name} has {network.ParameterCount}.");
        }
    }

    /// <summary>Writes the checked values into the network and the optimizer.</summary>
    public void Apply(ITrainableNetwork network, Optimizer optimizer)
    {
        Parameters.CopyTo(network.Parameters);
        Statistics.CopyTo(network.RunningStatistics);
        if (network is IAdaptableNetwork adaptable)
        {
            adaptable.IsAdapted = true; // issue 13: the normalisation's mean and variance came from the checkpoint
        }
        if (RandomState is { } state && network is IRandomStateNetwork random)
        {
            random.RandomState = state;
        }
        network.ZeroGradients();
        optimizer.Restore(StepCount, LearningRate, StateLength, State);
    }

    private static string Describe(IReadOnlyList<LayerInfo> layers)
    {
        var text = new StringBuilder();
        foreach (LayerInfo l in layers)
        {
            text.Append(text.Length == 0 ? "" : ", ").Append(l.Kind).Append(' ').Append(l.Inputs).Append('→').Append(l.Outputs);
            if (l.Activation != Activation.Identity)
            {
                text.Append(' ').Append(l.Activation);
            }
        }
        return text.ToString();
    }
}
