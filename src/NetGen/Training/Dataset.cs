using System;
using System.Collections.Generic;

namespace NetGen.Training;

/// <summary>
/// Samples for training or evaluation: inputs and targets in two row-major buffers (sample after sample), the layout that
/// <see cref="ITrainableNetwork.BackwardBatch"/> reads. Lengths are checked when the dataset is made, so that a mismatch is
/// reported before any training starts.
/// </summary>
public sealed class Dataset
{
    private readonly float[] _inputs;
    private readonly float[] _targets;

    /// <summary>Wraps row-major buffers (not copied) of <paramref name="inputSize"/> and <paramref name="targetSize"/> values per sample.</summary>
    /// <exception cref="ArgumentException">The buffers do not hold whole samples, or hold different numbers of samples.</exception>
    public Dataset(float[] inputs, float[] targets, int inputSize, int targetSize)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetSize);
        if (inputs.Length % inputSize != 0)
        {
            throw new ArgumentException($"inputs has {inputs.Length} values, which is not a whole number of samples of {inputSize}.", nameof(inputs));
        }
        if (targets.Length % targetSize != 0)
        {
            throw new ArgumentException($"targets has {targets.Length} values, which is not a whole number of samples of {targetSize}.", nameof(targets));
        }
        int count = inputs.Length / inputSize;
        if (targets.Length / targetSize != count)
        {
            throw new ArgumentException(
                $"inputs hold {count} samples (of {inputSize} values) but targets hold {targets.Length / targetSize} (of {targetSize}); every sample needs one target.",
                nameof(targets));
        }
        _inputs = inputs;
        _targets = targets;
        InputSize = inputSize;
        TargetSize = targetSize;
        Count = count;
    }

    /// <summary>Copies jagged rows into a dataset; every row must have the length of the first.</summary>
    /// <exception cref="ArgumentException">The row counts differ, or a row has another length than the first (named by index).</exception>
    public static Dataset FromRows(IReadOnlyList<float[]> inputs, IReadOnlyList<float[]> targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Count != targets.Count)
        {
            throw new ArgumentException($"inputs has {inputs.Count} rows but targets has {targets.Count}; every sample needs one target.", nameof(targets));
        }
        if (inputs.Count == 0)
        {
            throw new ArgumentException("A dataset needs at least one sample.", nameof(inputs));
        }
        return new Dataset(Flatten(inputs, nameof(inputs)), Flatten(targets, nameof(targets)), inputs[0].Length, targets[0].Length);
    }

    /// <summary>Inputs with integer class labels, turned into one-hot targets of <paramref name="classes"/> values.</summary>
    /// <exception cref="ArgumentException">A label is outside [0, classes), or the label count differs from the sample count.</exception>
    public static Dataset FromLabels(float[] inputs, int inputSize, IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        var targets = new float[labels.Count * classes];
        for (int i = 0; i < labels.Count; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentException($"labels[{i}] is {labels[i]}, outside [0, {classes}).", nameof(labels));
            }
            targets[i * classes + labels[i]] = 1f;
        }
        return new Dataset(inputs, targets, inputSize, classes);
    }

    /// <summary>The number of samples.</summary>
    public int Count { get; }

    /// <summary>Values per input.</summary>
    public int InputSize { get; }

    /// <summary>Values per target.</summary>
    public int TargetSize { get; }

    /// <summary>All inputs, row-major.</summary>
    public ReadOnlySpan<float> Inputs => _inputs;

    /// <summary>The inputs as memory, for data-parallel training's worker threads (issue 9).</summary>
    internal ReadOnlyMemory<float> InputMemory => _inputs;

    /// <summary>The targets as memory, for data-parallel training's worker threads (issue 9).</summary>
    internal ReadOnlyMemory<float> TargetMemory => _targets;

    /// <summary>All targets, row-major.</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>Sample <paramref name="index"/>'s input.</summary>
    public ReadOnlySpan<float> Input(int index) => _inputs.AsSpan(index * InputSize, InputSize);

    /// <summary>Sample <paramref name="index"/>'s target.</summary>
    public ReadOnlySpan<float> Target(int index) => _targets.AsSpan(index * TargetSize, TargetSize);

    /// <summary>A new dataset holding copies of the given samples, in the given order.</summary>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        var inputs = new float[indices.Length * InputSize];
        var targets = new float[indices.Length * TargetSize];
        for (int k = 0; k < indices.Length; k++)
        {
            Input(indices[k]).CopyTo(inputs.AsSpan(k * InputSize));
            Target(indices[k]).CopyTo(targets.AsSpan(k * TargetSize));
        }
        return new Dataset(inputs, targets, InputSize, TargetSize);
    }

    /// <summary>
    /// A fixed random split: the samples are shuffled with <paramref name="seed"/> (Fisher–Yates on <see cref="SeededRandom"/>,
    /// the same on every machine), and the first <c>round(count·testFraction)</c> become the test set.
    /// </summary>
    public (Dataset Train, Dataset Test) Split(double testFraction, long seed)
    {
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be in (0, 1).");
        }
        int[] order = Permutation(Count, seed);
        int test = (int)Math.Round(Count * testFraction);
        return (Subset(order.AsSpan(test)), Subset(order.AsSpan(0, test)));
    }

    /// <summary>
    /// A fixed random split that keeps every class's share (scikit-learn's <c>train_test_split(…, stratify=y)</c>): the samples
    /// are grouped by the class of their target (<see cref="Metrics.ClassOf"/>: argmax of a one-hot target, <c>y &gt; 0.5</c> for a
    /// single value), each class gives its share of <c>round(count·testFraction)</c> test samples (largest remainders first), the
    /// choice within a class and the order of both sets are seeded shuffles (<see cref="SeededRandom"/>): the same on every machine.
    /// </summary>
    /// <param name="testFraction">The test set's share, in (0, 1).</param>
    /// <param name="seed">The shuffling seed.</param>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">The split would leave the training or the test set empty.</exception>
    public (Dataset Train, Dataset Test) StratifiedSplit(double testFraction, long seed)
    {
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be in (0, 1).");
        }
        int total = (int)Math.Round(Count * testFraction);
        if (total == 0 || total == Count)
        {
            throw new ArgumentException(
                $"A test fraction of {testFraction} of {Count} samples leaves {(total == 0 ? "the test set" : "the training set")} empty.", nameof(testFraction));
        }
        var classes = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < Count; i++)
        {
            int c = Metrics.ClassOf(Target(i));
            if (!classes.TryGetValue(c, out List<int>? members))
            {
                classes.Add(c, members = []);
            }
            members.Add(i);
        }
        // Each class's quota n_c·f, rounded down; the rest of the total goes to the largest remainders (then the lower class).
        var groups = new List<List<int>>(classes.Values);
        var quota = new int[groups.Count];
        var remainders = new List<(double Remainder, int Group)>();
        int given = 0;
        for (int g = 0; g < groups.Count; g++)
        {
            double exact = groups[g].Count * (double)total / Count;
            quota[g] = (int)Math.Floor(exact);
            given += quota[g];
            remainders.Add((exact - quota[g], g));
        }
        remainders.Sort(static (a, b) => a.Remainder != b.Remainder ? b.Remainder.CompareTo(a.Remainder) : a.Group.CompareTo(b.Group));
        for (int k = 0; given < total; k++)
        {
            quota[remainders[k].Group]++;
            given++;
        }
        var random = new SeededRandom(seed);
        var train = new List<int>(Count - total);
        var test = new List<int>(total);
        for (int g = 0; g < groups.Count; g++)
        {
            int[] members = groups[g].ToArray();
            Shuffle(members, ref random);
            test.AddRange(members.AsSpan(0, quota[g]).ToArray());
            train.AddRange(members.AsSpan(quota[g]).ToArray());
        }
        int[] trainOrder = train.ToArray(), testOrder = test.ToArray();
        Shuffle(trainOrder, ref random);
        Shuffle(testOrder, ref random);
        return (Subset(trainOrder), Subset(testOrder));
    }

    /// <summary>A new dataset with the same targets (copied) and inputs replaced by <paramref name="map"/> of each row.</summary>
    internal Dataset MapInputs(MapRow map)
    {
        var inputs = new float[_inputs.Length];
        for (int i = 0; i < Count; i++)
        {
            map(Input(i), inputs.AsSpan(i * InputSize, InputSize));
        }
        return new Dataset(inputs, (float[])_targets.Clone(), InputSize, TargetSize);
    }

    internal delegate void MapRow(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>The first sample and value that is NaN or ±∞, or null when all are finite.</summary>
    public (int Sample, int Value, bool InTarget, float Found)? FindNonFinite()
    {
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (!float.IsFinite(_inputs[i]))
            {
                return (i / InputSize, i % InputSize, false, _inputs[i]);
            }
        }
        for (int i = 0; i < _targets.Length; i++)
        {
            if (!float.IsFinite(_targets[i]))
            {
                return (i / TargetSize, i % TargetSize, true, _targets[i]);
            }
        }
        return null;
    }

    /// <summary>A seeded random permutation of 0 … count − 1 (Fisher–Yates).</summary>
    public static int[] Permutation(int count, long seed)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        var random = new SeededRandom(seed);
        Shuffle(order, ref random);
        return order;
    }

    /// <summary>Shuffles <paramref name="order"/> in place (Fisher–Yates), allocation-free.</summary>
    public static void Shuffle(Span<int> order, ref SeededRandom random)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private static float[] Flatten(IReadOnlyList<float[]> rows, string name)
    {
        int width = rows[0]?.Length ?? throw new ArgumentException($"{name}[0] is null.", name);
        if (width == 0)
        {
            throw new ArgumentException($"{name}[0] is empty.", name);
        }
        var flat = new float[rows.Count * width];
        for (int i = 0; i < rows.Count; i++)
        {
            float[] row = rows[i] ?? throw new ArgumentException($"{name}[{i}] is null.", name);
            if (row.Length != width)
            {
                throw new ArgumentException($"{name}[{i}] has {row.Length} values but {name}[0] has {width}; all rows must have the same length.", name);
            }
            row.CopyTo(flat, i * width);
        }
        return flat;
    }
}
