using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace NetGen.Training;

/// <summary>
/// Classification and regression metrics. A prediction's class is the index of the largest output (several outputs, e.g. softmax) or
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
    /// Evaluates a trainable network on a dataset in inference mode, as a classifier or as a regression model according to its
    /// loss (<see cref="KindOf"/>): the mean loss, and for a classifier the accuracy, the 0/1 loss (misclassified count) and the
    /// confusion matrix, for a regression model MAE, RMSE and R² (<see cref="Evaluation.Regression"/>).
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="data">Samples with targets of <see cref="INetwork.OutputSize"/> values.</param>
    /// <param name="threshold">For a classifier with one output: the class is <c>ŷ &gt; threshold</c>.</param>
    /// <exception cref="ArgumentException">The dataset's sizes differ from the network's.</exception>
    public static Evaluation Evaluate(ITrainableNetwork network, Dataset data, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(network);
        return Evaluate(network, data, KindOf(network), threshold);
    }

    /// <summary>
    /// Evaluates as <see cref="Evaluate(ITrainableNetwork, Dataset, float)"/> but as the given kind of model, for example a
    /// classifier trained with squared error (the textbook's one-hot targets with MSE) as a classifier.
    /// </summary>
    public static Evaluation Evaluate(ITrainableNetwork network, Dataset data, ModelKind kind, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckShapes(network, data, nameof(data));
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind must be Classification or Regression.");
        }
        var output = new float[network.OutputSize];
        double loss = 0;
        if (kind == ModelKind.Regression)
        {
            var regression = new RegressionAccumulator(network.OutputSize);
            for (int i = 0; i < data.Count; i++)
            {
                loss += network.Evaluate(data.Input(i), data.Target(i), output);
                regression.Add(output, data.Target(i));
            }
            return new Evaluation(data.Count, (float)(loss / data.Count), network.GetType().Name, regression.Result());
        }
        var matrix = new ConfusionMatrix(Math.Max(2, network.OutputSize));
        for (int i = 0; i < data.Count; i++)
        {
            loss += network.Evaluate(data.Input(i), data.Target(i), output);
            matrix.Add(ClassOf(data.Target(i), threshold), ClassOf(output, threshold));
        }
        return new Evaluation(data.Count, (float)(loss / data.Count), network.GetType().Name, matrix);
    }

    /// <summary>
    /// Whether a network is a classifier or a regression model, from its <see cref="NetworkAttribute.Loss"/>:
    /// <see cref="Loss.BinaryCrossEntropy"/>, <see cref="Loss.CrossEntropy"/>, <see cref="Loss.Hinge"/> and
    /// <see cref="Loss.KLDivergence"/> and <see cref="Loss.NegativeLogLikelihood"/> train classifiers; <see cref="Loss.MeanSquaredError"/>, <see cref="Loss.MeanAbsoluteError"/>
    /// (and any other loss) regression models. A network without a loss is a classifier when its output layer is a softmax,
    /// log-softmax, sigmoid, step or sign, otherwise a regression model.
    /// </summary>
    public static ModelKind KindOf(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network is ITrainableNetwork && LossOf(network) is { } loss)
        {
            return loss is Loss.BinaryCrossEntropy or Loss.CrossEntropy or Loss.Hinge or Loss.KLDivergence or Loss.NegativeLogLikelihood
                ? ModelKind.Classification
                : ModelKind.Regression;
        }
        IReadOnlyList<LayerInfo> layers = network.Layers;
        Activation last = Activation.Identity;
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            if (layers[i].Kind != LayerKind.Dropout)
            {
                last = layers[i].Activation;
                break;
            }
        }
        return last is Activation.Softmax or Activation.LogSoftmax or Activation.Sigmoid or Activation.Step or Activation.Sign ? ModelKind.Classification : ModelKind.Regression;
    }

    /// <summary>The loss a trainable network was declared with (<see cref="ITrainableNetwork.Loss"/>), or null for an inference-only network.</summary>
    public static Loss? LossOf(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        // The generated constant through the interface: no reflection on [Network], so NativeAOT-safe and allocation-free.
        return network is ITrainableNetwork trainable ? trainable.Loss : null;
    }

    /// <summary>MAE, RMSE and R² of any network (no loss needed) on a dataset, from <see cref="INetwork.Forward"/>.</summary>
    public static RegressionMetrics Regression(INetwork network, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckShapes(network, data, nameof(data));
        var output = new float[network.OutputSize];
        var regression = new RegressionAccumulator(network.OutputSize);
        for (int i = 0; i < data.Count; i++)
        {
            network.Forward(data.Input(i), output);
            regression.Add(output, data.Target(i));
        }
        return regression.Result();
    }

    /// <summary>
    /// MAE, RMSE and R² of predictions against targets, both row-major with <paramref name="outputs"/> values per sample
    /// (scikit-learn's <c>mean_absolute_error</c>, <c>root_mean_squared_error</c> and <c>r2_score</c> with uniform averaging over
    /// the outputs). Sums are taken in double precision.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length, are empty or do not hold whole samples.</exception>
    public static RegressionMetrics Regression(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, int outputs = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        if (predictions.Length != targets.Length)
        {
            throw new ArgumentException($"predictions has {predictions.Length} values but targets has {targets.Length}; they must match.", nameof(targets));
        }
        if (targets.Length == 0 || targets.Length % outputs != 0)
        {
            throw new ArgumentException($"targets has {targets.Length} values, which is not a positive whole number of samples of {outputs}.", nameof(targets));
        }
        var regression = new RegressionAccumulator(outputs);
        for (int i = 0; i < targets.Length; i += outputs)
        {
            regression.Add(predictions.Slice(i, outputs), targets.Slice(i, outputs));
        }
        return regression.Result();
    }

    /// <summary>The mean absolute error <c>(1/n)·Σ|ŷᵢ − yᵢ|</c>.</summary>
    public static float MeanAbsoluteError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) =>
        Regression(predictions, targets).MeanAbsoluteError;

    /// <summary>The root mean squared error <c>√((1/n)·Σ(ŷᵢ − yᵢ)²)</c>.</summary>
    public static float RootMeanSquaredError(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) =>
        Regression(predictions, targets).RootMeanSquaredError;

    /// <summary>The coefficient of determination <c>R² = 1 − Σ(yᵢ − ŷᵢ)² / Σ(yᵢ − ȳ)²</c> of one output.</summary>
    public static float RSquared(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets) =>
        Regression(predictions, targets).RSquared;

    /// <summary>The confusion matrix of any network (no loss needed) on a dataset, from <see cref="INetwork.Forward"/>.</summary>
    public static ConfusionMatrix Confusion(INetwork network, Dataset data, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckShapes(network, data, nameof(data));
        var output = new float[network.OutputSize];
        var matrix = new ConfusionMatrix(Math.Max(2, network.OutputSize));
        for (int i = 0; i < data.Count; i++)
        {
            network.Forward(data.Input(i), output);
            matrix.Add(ClassOf(data.Target(i), threshold), ClassOf(output, threshold));
        }
        return matrix;
    }

    internal static void CheckShapes(INetwork network, Dataset data, string paramName)
    {
        ArgumentNullException.ThrowIfNull(data, paramName);
        string name = network.GetType().Name;
        if (data.InputSize != network.InputSize)
        {
            throw new ArgumentException(
                $"{paramName}'s inputs have {data.InputSize} values per sample but {name} needs {network.InputSize} ({name}.InputSize).", paramName);
        }
        if (data.TargetSize != network.OutputSize)
        {
            throw new ArgumentException(
                $"{paramName}'s targets have {data.TargetSize} values per sample but {name} outputs {network.OutputSize} ({name}.OutputSize).", paramName);
        }
    }

    /// <summary>Running sums for MAE, RMSE and R² (per output, then averaged), in double.</summary>
    private sealed class RegressionAccumulator(int outputs)
    {
        private readonly double[] _sum = new double[outputs], _sumSquares = new double[outputs], _residual = new double[outputs];
        private double _absolute;
        private long _count;

        public void Add(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target)
        {
            for (int k = 0; k < _sum.Length; k++)
            {
                double y = target[k], d = prediction[k] - y;
                _absolute += Math.Abs(d);
                _residual[k] += d * d;
                _sum[k] += y;
                _sumSquares[k] += y * y;
            }
            _count++;
        }

        public RegressionMetrics Result()
        {
            double n = _count, squared = 0, r2 = 0;
            for (int k = 0; k < _sum.Length; k++)
            {
                squared += _residual[k];
                double total = _sumSquares[k] - _sum[k] * _sum[k] / n;     // Σ(y − ȳ)²
                // scikit-learn's convention for a constant target: 1 when predicted exactly, else 0.
                r2 += total > 1e-12 * Math.Max(1, _sumSquares[k]) ? 1 - _residual[k] / total : _residual[k] == 0 ? 1 : 0;
            }
            double elements = n * _sum.Length;
            return new RegressionMetrics((float)(_absolute / elements), (float)(squared / elements), (float)Math.Sqrt(squared / elements), (float)(r2 / _sum.Length));
        }
    }
}

/// <summary>Whether a network predicts classes or values; chooses the metrics of <see cref="Metrics.Evaluate(ITrainableNetwork, Dataset, float)"/>.</summary>
public enum ModelKind
{
    /// <summary>Classes: accuracy, 0/1 loss, confusion matrix.</summary>
    Classification = 0,
    /// <summary>Values: MAE, RMSE, R².</summary>
    Regression = 1,
}

/// <summary>Regression metrics, as scikit-learn defines them (R² averaged uniformly over the outputs).</summary>
/// <param name="MeanAbsoluteError">MAE, <c>(1/n)·Σ|ŷ − y|</c> over all output values.</param>
/// <param name="MeanSquaredError">MSE, <c>(1/n)·Σ(ŷ − y)²</c> over all output values.</param>
/// <param name="RootMeanSquaredError">RMSE, <c>√MSE</c>.</param>
/// <param name="RSquared">R², <c>1 − Σ(y − ŷ)² / Σ(y − ȳ)²</c> per output, averaged; 1 is perfect, 0 is as good as predicting the mean.</param>
public sealed record RegressionMetrics(float MeanAbsoluteError, float MeanSquaredError, float RootMeanSquaredError, float RSquared)
{
    /// <summary>For example <c>MAE 0.312, RMSE 0.405, R² 0.874</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"MAE {MeanAbsoluteError:G4}, RMSE {RootMeanSquaredError:G4}, R² {RSquared:G4}");
}

/// <summary>
/// The result of <see cref="Metrics.Evaluate(ITrainableNetwork, Dataset, float)"/>: the mean loss, and the classification
/// metrics (<see cref="Confusion"/>, <see cref="Accuracy"/>, <see cref="Errors"/>) or the regression metrics
/// (<see cref="Regression"/>) according to <see cref="Kind"/>. Asking a regression result for its accuracy (or a classification
/// result for R²) throws <see cref="InvalidOperationException"/> rather than answering something meaningless.
/// </summary>
public sealed record Evaluation
{
    private readonly ConfusionMatrix? _confusion;
    private readonly RegressionMetrics? _regression;
    private readonly string _network;

    internal Evaluation(int count, float loss, string network, ConfusionMatrix confusion)
        : this(count, loss, network, ModelKind.Classification) => _confusion = confusion;

    internal Evaluation(int count, float loss, string network, RegressionMetrics regression)
        : this(count, loss, network, ModelKind.Regression) => _regression = regression;

    private Evaluation(int count, float loss, string network, ModelKind kind)
    {
        Count = count;
        Loss = loss;
        _network = network;
        Kind = kind;
    }

    /// <summary>Samples evaluated.</summary>
    public int Count { get; }

    /// <summary>The mean loss per sample.</summary>
    public float Loss { get; }

    /// <summary>Which metrics this result holds.</summary>
    public ModelKind Kind { get; }

    /// <summary>Counts of (true class, predicted class). Classification only.</summary>
    /// <exception cref="InvalidOperationException">The network was evaluated as a regression model.</exception>
    public ConfusionMatrix Confusion => _confusion ?? throw new InvalidOperationException(
        $"{_network} was evaluated as a regression model (its loss measures distances, not classes), so there is no confusion matrix or accuracy: " +
        "read Regression (MAE, RMSE, R²), or call Metrics.Evaluate(network, data, ModelKind.Classification) if it is a classifier.");

    /// <summary>MAE, RMSE and R². Regression only.</summary>
    /// <exception cref="InvalidOperationException">The network was evaluated as a classifier.</exception>
    public RegressionMetrics Regression => _regression ?? throw new InvalidOperationException(
        $"{_network} was evaluated as a classifier: read Accuracy and Confusion, or call Metrics.Evaluate(network, data, ModelKind.Regression).");

    /// <summary>The fraction classified correctly. Classification only.</summary>
    public float Accuracy => Confusion.Accuracy;

    /// <summary>The textbook's 0/1 loss summed over the samples: how many were misclassified. Classification only.</summary>
    public int Errors => Confusion.Total - Confusion.Correct;

    internal float? AccuracyOrNull => _confusion?.Accuracy;

    /// <summary>For example <c>loss 0.0712, accuracy 0.967 (1 of 30 wrong)</c> or <c>loss 0.164, MAE 0.312, RMSE 0.405, R² 0.874</c>.</summary>
    public override string ToString() => _confusion is { } c
        ? string.Create(CultureInfo.InvariantCulture, $"loss {Loss:G4}, accuracy {c.Accuracy:0.000} ({c.Total - c.Correct} of {c.Total} wrong)")
        : string.Create(CultureInfo.InvariantCulture, $"loss {Loss:G4}, {_regression}");
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
