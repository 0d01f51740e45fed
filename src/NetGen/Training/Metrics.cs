using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Training;

/// <summary>
/// Classification metrics. A prediction's class is the index of the largest output (several outputs, e.g. softmax) or
/// <c>ŷ &gt; threshold</c> (one output, e.g. sigmoid: classes 0 and 1); a target's class likewise, so one-hot and {0, 1}
/// targets both work.
/// </summary>
public static class Metrics
{
    /// <summary>The class of an output or target vector: argmax for several values, <c>v &gt; threshold</c> for one.</summary>
    public static int ClassOf(ReadOnlySpan<float> values, float threshold = 0.5f)
    {
        if (values.Length == 1)
        {
            return values[0] > threshold ? 1 : 0;
        }
        int best = 0;
        for (int k = 1; k < values.Length; k++)
        {
            if (values[k] > values[best])
            {
                best = k;
            }
        }
        return best;
    }

    /// <summary>
    /// The textbook's 0/1 loss per sample: 0 where the predicted label equals the true one, else 1
    /// (for y = [1, 0, 1] and ŷ = [1, 1, 0] it is [0, 1, 1], total 2).
    /// </summary>
    public static int[] ZeroOneLoss(IReadOnlyList<int> labels, IReadOnlyList<int> predictions)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(predictions);
        if (labels.Count != predictions.Count)
        {
            throw new ArgumentException($"labels has {labels.Count} values but predictions has {predictions.Count}.", nameof(predictions));
        }
        var loss = new int[labels.Count];
        for (int i = 0; i < loss.Length; i++)
        {
            loss[i] = labels[i] == predictions[i] ? 0 : 1;
        }
        return loss;
    }

    /// <summary>
    /// Evaluates a trainable network on a dataset in inference mode: the mean loss, accuracy, the 0/1 loss (misclassified
    /// count) and the confusion matrix.
    /// </summary>
    public static Evaluation Evaluate(ITrainableNetwork network, Dataset data, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckShapes(network, data);
        var output = new float[network.OutputSize];
        var matrix = new ConfusionMatrix(Math.Max(2, network.OutputSize));
        double loss = 0;
        for (int i = 0; i < data.Count; i++)
        {
            loss += network.Evaluate(data.Input(i), data.Target(i), output);
            matrix.Add(ClassOf(data.Target(i), threshold), ClassOf(output, threshold));
        }
        return new Evaluation(data.Count, (float)(loss / data.Count), matrix);
    }

    /// <summary>The confusion matrix of any network (no loss needed) on a dataset, from <see cref="INetwork.Forward"/>.</summary>
    public static ConfusionMatrix Confusion(INetwork network, Dataset data, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckShapes(network, data);
        var output = new float[network.OutputSize];
        var matrix = new ConfusionMatrix(Math.Max(2, network.OutputSize));
        for (int i = 0; i < data.Count; i++)
        {
            network.Forward(data.Input(i), output);
            matrix.Add(ClassOf(data.Target(i), threshold), ClassOf(output, threshold));
        }
        return matrix;
    }

    internal static void CheckShapes(INetwork network, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.InputSize != network.InputSize)
        {
            throw new ArgumentException($"The dataset's inputs have {data.InputSize} values but the network needs {network.InputSize} (InputSize).", nameof(data));
        }
        if (data.TargetSize != network.OutputSize)
        {
            throw new ArgumentException($"The dataset's targets have {data.TargetSize} values but the network outputs {network.OutputSize} (OutputSize).", nameof(data));
        }
    }
}

/// <summary>The result of <see cref="Metrics.Evaluate"/>.</summary>
/// <param name="Count">Samples evaluated.</param>
/// <param name="Loss">The mean loss per sample.</param>
/// <param name="Confusion">Counts of (true class, predicted class).</param>
public sealed record Evaluation(int Count, float Loss, ConfusionMatrix Confusion)
{
    /// <summary>The fraction classified correctly.</summary>
    public float Accuracy => Confusion.Accuracy;

    /// <summary>The textbook's 0/1 loss summed over the samples: how many were misclassified.</summary>
    public int Errors => Confusion.Total - Confusion.Correct;
}

/// <summary>A confusion matrix: <c>this[actual, predicted]</c> counts the samples of true class <c>actual</c> predicted as <c>predicted</c>.</summary>
public sealed class ConfusionMatrix
{
    private readonly int[] _counts;

    /// <summary>An empty matrix for <paramref name="classes"/> classes.</summary>
    public ConfusionMatrix(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        Classes = classes;
        _counts = new int[classes * classes];
    }

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    /// <summary>Samples of true class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => _counts[actual * Classes + predicted];

    /// <summary>All samples counted.</summary>
    public int Total { get; private set; }

    /// <summary>Samples on the diagonal.</summary>
    public int Correct { get; private set; }

    /// <summary><see cref="Correct"/> / <see cref="Total"/> (0 when empty).</summary>
    public float Accuracy => Total == 0 ? 0f : (float)Correct / Total;

    /// <summary>Counts one sample.</summary>
    public void Add(int actual, int predicted)
    {
        if ((uint)actual >= (uint)Classes || (uint)predicted >= (uint)Classes)
        {
            throw new ArgumentOutOfRangeException(nameof(actual), $"Classes must be in [0, {Classes}); got actual {actual}, predicted {predicted}.");
        }
        _counts[actual * Classes + predicted]++;
        Total++;
        if (actual == predicted)
        {
            Correct++;
        }
    }

    /// <summary>A text table: rows are true classes, columns predicted classes.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("actual \\ predicted");
        for (int p = 0; p < Classes; p++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p,6}");
        }
        for (int a = 0; a < Classes; a++)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"{a,18}");
            for (int p = 0; p < Classes; p++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{this[a, p],6}");
            }
        }
        return text.ToString();
    }
}
