using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

using NetGen.IO;

namespace NetGen.Training;

/// <summary>Where a <see cref="Trainer"/> run stands after an epoch: what a checkpoint needs to continue it bit-identically.</summary>
internal sealed class RunState
{
    public int Epoch { get; set; }
    public long Iterations { get; set; }
    public long Seed { get; init; }
    public int BatchSize { get; init; }
    public bool Shuffle { get; init; }
    public bool DropLast { get; init; }
    public int Samples { get; init; }
    public byte[] DataHash { get; set; } = new byte[32];
    public float BaseRate { get; init; }
    public float BestLoss { get; set; }
    public int BestEpoch { get; set; }
    public int Wait { get; set; }
    public StopReason Reason { get; set; }
    public float[]? BestParameters { get; init; }
    public float[]? BestStatistics { get; init; }
    public List<EpochResult> History { get; init; } = [];

    /// <summary>SHA-256 of the training data (inputs, then targets, as little-endian floats), to refuse resuming on other data.</summary>
    public static byte[] Hash(Dataset data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> sizes = stackalloc byte[8];
        BitConverter.TryWriteBytes(sizes, data.InputSize);
        BitConverter.TryWriteBytes(sizes.Slice(4), data.TargetSize);
        hash.AppendData(sizes);
        hash.AppendData(MemoryMarshal.AsBytes(data.Inputs));
        hash.AppendData(MemoryMarshal.AsBytes(data.Targets));
        return hash.GetHashAndReset();
    }

    /// <summary>Throws <see cref="CheckpointMismatchException"/> unless <paramref name="fresh"/> (this call's data and options) continues this run.</summary>
    public void CheckSameRun(RunState fresh, string path)
    {
        if (fresh.Samples != Samples || !fresh.DataHash.AsSpan().SequenceEqual(DataHash))
        {
            throw new CheckpointMismatchException(path, Samples != fresh.Samples
                ? $"the checkpoint's run trained on {Samples} samples, but this training set has {fresh.Samples}: resume with the same data, or delete the checkpoint to start afresh."
                : "the checkpoint's run trained on other data (its SHA-256 differs): resume with the same data, or delete the checkpoint to start afresh.");
        }
        if (fresh.Seed != Seed || fresh.BatchSize != BatchSize || fresh.Shuffle != Shuffle || fresh.DropLast != DropLast)
        {
            throw new CheckpointMismatchException(path,
                $"the checkpoint's run used Seed {Seed}, BatchSize {BatchSize}, Shuffle {Shuffle}, DropLast {DropLast}, but the options say Seed {fresh.Seed}, " +
                $"BatchSize {fresh.BatchSize}, Shuffle {fresh.Shuffle}, DropLast {fresh.DropLast}; a resumed run must shuffle and batch as the first one did.");
        }
        if ((fresh.BestParameters is null) != (BestParameters is null))
        {
            throw new CheckpointMismatchException(path, BestParameters is null
                ? "the options restore the best parameters on early stopping, but the checkpoint's run kept none."
                : "the checkpoint's run kept the best parameters for early stopping, but the options do not restore them.");
        }
    }

    public void Write(BinaryWriter w)
    {
        w.Write(Epoch);
        w.Write(Iterations);
        w.Write(Seed);
        w.Write(BatchSize);
        w.Write(Shuffle);
        w.Write(DropLast);
        w.Write(Samples);
        w.Write(DataHash);
        w.Write(BaseRate);
        w.Write(BestLoss);
        w.Write(BestEpoch);
        w.Write(Wait);
        w.Write((int)Reason);
        w.Write(BestParameters is not null);
        if (BestParameters is not null)
        {
            Checkpoint.WriteFloats(w, BestParameters);
            Checkpoint.WriteFloats(w, BestStatistics);
        }
        w.Write(History.Count);
        foreach (EpochResult e in History)
        {
            w.Write(e.Epoch);
            w.Write(e.TrainLoss);
            WriteOptional(w, e.TrainAccuracy);
            WriteOptional(w, e.ValidationLoss);
            WriteOptional(w, e.ValidationAccuracy);
            w.Write(e.Penalty);
            w.Write(e.LearningRate);
            w.Write(e.GradientNorm);
            w.Write(e.Iterations);
            w.Write(e.Elapsed.Ticks);
        }
    }

    public static RunState Read(BinaryReader r, string path, int parameters, int statistics)
    {
        int epoch = r.ReadInt32();
        long iterations = r.ReadInt64();
        long seed = r.ReadInt64();
        int batchSize = r.ReadInt32();
        bool shuffle = r.ReadBoolean();
        bool dropLast = r.ReadBoolean();
        int samples = r.ReadInt32();
        byte[] hash = r.ReadBytes(32);
        float baseRate = r.ReadSingle();
        float bestLoss = r.ReadSingle();
        int bestEpoch = r.ReadInt32();
        int wait = r.ReadInt32();
        var reason = (StopReason)r.ReadInt32();
        if (epoch < 0 || iterations < 0 || batchSize <= 0 || samples <= 0 || hash.Length != 32 || !(baseRate > 0f) || !float.IsFinite(baseRate)
            || float.IsNaN(bestLoss) || bestEpoch < 0 || bestEpoch > epoch || wait < 0 || !Enum.IsDefined(reason))
        {
            throw new CorruptWeightFileException(path, null, "the checkpoint's training run state is impossible (a negative count, a NaN or an unknown stop reason).");
        }
        float[]? bestParameters = null, bestStatistics = null;
        if (r.ReadBoolean())
        {
            bestParameters = Checkpoint.ReadFloats(r, path, "best parameters");
            bestStatistics = Checkpoint.ReadFloats(r, path, "best running statistics");
            Checkpoint.CheckFinite(bestParameters, path, "best parameters");
            Checkpoint.CheckFinite(bestStatistics, path, "best running statistics");
            if (bestParameters.Length != parameters || bestStatistics.Length != statistics)
            {
                throw new CorruptWeightFileException(path, "best parameters", "the checkpoint's best parameters do not have the network's size.");
            }
        }
        int count = r.ReadInt32();
        if (count != epoch)
        {
            throw new CorruptWeightFileException(path, null, $"the checkpoint's run has {epoch} epochs but a history of {count}.");
        }
        var history = new List<EpochResult>(count);
        for (int i = 0; i < count; i++)
        {
            var e = new EpochResult(r.ReadInt32(), r.ReadSingle(), ReadOptional(r), ReadOptional(r), ReadOptional(r), r.ReadSingle(), r.ReadSingle(),
                r.ReadSingle(), r.ReadInt64(), TimeSpan.FromTicks(r.ReadInt64()));
            if (e.Epoch != i + 1)
            {
                throw new CorruptWeightFileException(path, null, $"the checkpoint's history entry {i} is for epoch {e.Epoch}.");
            }
            history.Add(e);
        }
        return new RunState
        {
            Epoch = epoch, Iterations = iterations, Seed = seed, BatchSize = batchSize, Shuffle = shuffle, DropLast = dropLast, Samples = samples,
            DataHash = hash, BaseRate = baseRate, BestLoss = bestLoss, BestEpoch = bestEpoch, Wait = wait, Reason = reason,
            BestParameters = bestParameters, BestStatistics = bestStatistics, History = history,
        };
    }

    private static void WriteOptional(BinaryWriter w, float? value)
    {
        w.Write(value.HasValue);
        w.Write(value ?? 0f);
    }

    private static float? ReadOptional(BinaryReader r)
    {
        bool has = r.ReadBoolean();
        float value = r.ReadSingle();
        return has ? value : null;
    }
}
