using NetGen.IO;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>A regression network with a hidden layer, for regression metrics and PredictClass's refusal.</summary>
[Network(Loss = Loss.MeanSquaredError)]
[Input(2)]
[Dense(8, Activation.Tanh)]
[Dense(1)]
public sealed partial class EverydayRegressor;

/// <summary>Issue 13's everyday faults, through the public surface: NaN guards, the overflowing sum, messages, metrics, data preparation, summary.</summary>
public class EverydayUseTests
{
    public static TheoryData<string> Optimizers => new() { "sgd", "sgd-momentum", "rmsprop", "adam", "adamw-amsgrad" };

    internal static Optimizer MakeOptimizer(string name) => name switch
    {
        "sgd" => new Sgd(0.1f),
        "sgd-momentum" => new Sgd(0.1f, momentum: 0.9f, nesterov: true, weightDecay: 1e-3f),
        "rmsprop" => new RmsProp(0.01f, momentum: 0.5f, centered: true),
        "adam" => new Adam(0.01f, weightDecay: 1e-3f),
        "adamw-amsgrad" => new AdamW(0.01f, amsGrad: true),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static float[][] StateOf(Optimizer optimizer) =>
        optimizer.StateNames.Select(n => optimizer.State(n).ToArray()).ToArray();

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void OptimizerStep_OnANaNGradient_ThrowsNamingLayerAndParameter_AndChangesNothing(string name)
    {
        // The README's hand-written loop: Backward, then Step. A NaN input makes every gradient of the first layer NaN.
        var net = new OptimizerNet(seed: 4);
        Optimizer optimizer = MakeOptimizer(name);
        net.Backward([1f, 0.5f, -0.5f, 2f], [0f, 1f, 0f]);
        optimizer.Step(net, batchSize: 1);                                       // state exists now
        net.Backward([1f, float.NaN, -0.5f, 2f], [0f, 1f, 0f]);
        float[] parameters = net.Parameters.ToArray(), gradients = net.Gradients.ToArray();
        float[][] state = StateOf(optimizer);
        long steps = optimizer.StepCount;

        var e = Assert.Throws<NonFiniteException>(() => optimizer.Step(net, batchSize: 1));

        // The NaN input makes every z⁽¹⁾, hence every δ and every gradient NaN: the first is W⁽¹⁾[0, 0].
        Assert.Equal(0, e.ParameterIndex);
        Assert.Equal(1, e.Layer!.Index);
        Assert.Contains("W⁽¹⁾[0, 0] (parameter 0) in layer 1 (Dense 4 → 6, Tanh)", e.Message);
        Assert.StartsWith("OptimizerNet's gradient of W⁽¹⁾[0, 0]", e.Message);
        Assert.Contains("is NaN", e.Message);
        Assert.Equal(steps + 1, e.Iteration);
        Assert.Equal(0, e.Epoch);
        Assert.Equal(parameters, net.Parameters.ToArray());
        Assert.Equal(gradients, net.Gradients.ToArray());
        Assert.Equal(steps, optimizer.StepCount);
        Assert.Equal(state, StateOf(optimizer));
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void OptimizerStep_OnSpans_FindsInfinityAnywhere_AndChangesNothing(string name)
    {
        // Lengths around every vector width and positions in the main loop, the overlapping last vector and the scalar tail.
        foreach (int n in new[] { 1, 3, 4, 7, 8, 15, 16, 17, 31, 63, 64, 65, 100 })
        {
            foreach (int bad in new[] { 0, n / 2, n - 1 }.Distinct())
            {
                Optimizer optimizer = MakeOptimizer(name);
                var parameters = Enumerable.Range(0, n).Select(i => 0.01f * i).ToArray();
                var gradients = Enumerable.Range(0, n).Select(i => 0.5f - 0.01f * i).ToArray();
                optimizer.Step(parameters, gradients);
                float[] before = (float[])parameters.Clone();
                gradients[bad] = bad % 2 == 0 ? float.PositiveInfinity : float.NegativeInfinity;
                var e = Assert.Throws<NonFiniteException>(() => optimizer.Step(parameters, gradients, 0.5f));
                Assert.Equal(bad, e.ParameterIndex);
                Assert.Null(e.Layer);
                Assert.StartsWith($"The gradient of parameter {bad} is {gradients[bad]};", e.Message);
                Assert.Equal(before, parameters);
                Assert.Equal(1, optimizer.StepCount);
            }
        }
    }

    [Fact]
    public void NonFiniteSearch_FindsTheFirstNaNOrInfinity_AtEveryPositionAndLength()
    {
        for (int n = 0; n <= 130; n++)
        {
            var values = Enumerable.Range(0, n).Select(i => i * 1e30f - 5e31f).ToArray();
            Assert.Equal(-1, NonFinite.IndexOf(values));
            for (int bad = 0; bad < n; bad++)
            {
                foreach (float v in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                {
                    values[bad] = v;
                    Assert.True(bad == NonFinite.IndexOf(values), $"n {n}, position {bad}, {v}: found {NonFinite.IndexOf(values)}");
                    values[bad] = 1f;
                }
            }
        }
        Assert.Equal(-1, NonFinite.IndexOf([float.MaxValue, -float.MaxValue, float.Epsilon]));
    }

    [Fact]
    public void Trainer_WhenOnlyTheFloatSumOfFiniteLossesOverflows_SaysSo_AndNamesTheLargestLoss()
    {
        // ŷ = 0 for x = 0; each (ŷ − y)² is about 1e38 (finite), but four of them sum beyond float.MaxValue (3.4e38).
        var net = new LinearRegressionMean(seed: 0);
        net.Parameters.Clear();
        var data = new Dataset([0f, 0f, 0f, 0f], [1.0e19f, 1.1e19f, 1.2e19f, 1.05e19f], 1, 1);
        var e = Assert.Throws<NonFiniteException>(() =>
            new Trainer(net, new Sgd(1e-3f), new TrainerOptions { Epochs = 1, BatchSize = 4, Shuffle = false }).Fit(data));
        Assert.Contains("Every loss in the batch of 4 is finite, but their float32 sum overflows", e.Message);
        Assert.Contains("of training sample 2", e.Message);
        Assert.Equal(2, e.Sample);
        Assert.DoesNotContain("The loss of training sample", e.Message);
        Assert.Equal([0f, 0f], net.Parameters.ToArray());
    }

    [Fact]
    public void Trainer_NamesTheSampleWhoseLossIsInfinite_NotTheLastOne()
    {
        // Sample 1's (ŷ − y)² overflows on its own; the others are small.
        var net = new LinearRegressionMean(seed: 0);
        net.Parameters.Clear();
        var data = new Dataset([0f, 0f, 0f, 0f], [1f, 3e19f, 2f, 1f], 1, 1);
        var e = Assert.Throws<NonFiniteException>(() =>
            new Trainer(net, new Sgd(1e-3f), new TrainerOptions { Epochs = 1, BatchSize = 4, Shuffle = false }).Fit(data));
        Assert.Equal(1, e.Sample);
        Assert.StartsWith($"The loss of training sample 1 is {float.PositiveInfinity}", e.Message);
    }

    [Fact]
    public void Fit_NamesTheParameterWhoseShapeIsWrong()
    {
        var net = new OptimizerNet(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => new Trainer(net, new Sgd(0.1f)).Fit(new Dataset(new float[10], new float[15], 2, 3)));
        Assert.Equal("training", e.ParamName);
        Assert.Contains("training's inputs have 2 values per sample but OptimizerNet needs 4 (OptimizerNet.InputSize)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Trainer(net, new Sgd(0.1f)).Fit(TrainerTests.Blobs(10, 1), new Dataset(new float[8], new float[4], 4, 2)));
        Assert.Equal("validation", e.ParamName);
        Assert.Contains("validation's targets have 2 values per sample but OptimizerNet outputs 3", e.Message);
    }

    [Fact]
    public void LengthMessages_SayValueForOne()
    {
        // Lengths from elsewhere (the NG4001 analyzer rejects wrong literal lengths at compile time).
        float[] Values(int n) => Enumerable.Repeat(1f, n).ToArray();
        var net = new LinearRegressionMean();
        var e = Assert.Throws<ArgumentException>(() => net.Forward(Values(2), Values(1)));
        Assert.Equal("input has length 2, but LinearRegressionMean needs exactly 1 value (LinearRegressionMean.InputSize = 1). (Parameter 'input')", e.Message);
        e = Assert.Throws<ArgumentException>(() => new OptimizerNet().Forward(Values(1), Values(3)));
        Assert.Contains("needs exactly 4 values (", e.Message);
    }

    [Fact]
    public void RegressionMetrics_AgreeWithScikitLearn()
    {
        // sklearn.metrics: mean_absolute_error 0.5, mean_squared_error 0.375, r2_score 0.9486081370449679.
        RegressionMetrics m = Metrics.Regression([2.5f, 0f, 2f, 8f], [3f, -0.5f, 2f, 7f]);
        Assert.Equal(0.5f, m.MeanAbsoluteError);
        Assert.Equal(0.375f, m.MeanSquaredError);
        Assert.Equal(MathF.Sqrt(0.375f), m.RootMeanSquaredError, 6);
        Assert.Equal(0.9486081f, m.RSquared, 1e-6f);
        Assert.Equal(0.5f, Metrics.MeanAbsoluteError([2.5f, 0f, 2f, 8f], [3f, -0.5f, 2f, 7f]));
        Assert.Equal(0.9486081f, Metrics.RSquared([2.5f, 0f, 2f, 8f], [3f, -0.5f, 2f, 7f]), 1e-6f);
        Assert.Equal(MathF.Sqrt(0.375f), Metrics.RootMeanSquaredError([2.5f, 0f, 2f, 8f], [3f, -0.5f, 2f, 7f]), 6);

        // Two outputs: r2_score(..., multioutput='raw_values') = [0.9654, 0.9082], uniform average 0.9368005; MAE 0.75.
        m = Metrics.Regression([0f, 2f, -1f, 2f, 8f, -5f], [0.5f, 1f, -1f, 1f, 7f, -6f], outputs: 2);
        Assert.Equal(0.75f, m.MeanAbsoluteError);
        Assert.Equal(0.7083333f, m.MeanSquaredError, 6);
        Assert.Equal(0.9368005f, m.RSquared, 1e-6f);

        // A constant target: 1 when predicted exactly, else 0 (scikit-learn's convention).
        Assert.Equal(1f, Metrics.RSquared([2f, 2f], [2f, 2f]));
        Assert.Equal(0f, Metrics.RSquared([2f, 3f], [2f, 2f]));
        Assert.Equal("MAE 0.75, RMSE 0.8416, R² 0.9368", m.ToString());
        Assert.Throws<ArgumentException>(() => Metrics.Regression([1f, 2f], [1f]));
        Assert.Throws<ArgumentException>(() => Metrics.Regression([1f, 2f, 3f], [1f, 2f, 3f], outputs: 2));
    }

    [Fact]
    public void Evaluate_PicksRegressionForMseAndClassificationForCrossEntropy()
    {
        var regressor = new EverydayRegressor(seed: 2);
        var random = new SeededRandom(5);
        var x = new float[40];
        var y = new float[20];
        for (int i = 0; i < 20; i++)
        {
            x[2 * i] = random.NextSingle();
            x[2 * i + 1] = random.NextSingle();
            y[i] = x[2 * i] - 2 * x[2 * i + 1];
        }
        var data = new Dataset(x, y, 2, 1);
        new Trainer(regressor, new Adam(0.02f), new TrainerOptions { Epochs = 200, BatchSize = 5, Seed = 1 }).Fit(data);

        Assert.Equal(ModelKind.Regression, Metrics.KindOf(regressor));
        Assert.Equal(Loss.MeanSquaredError, Metrics.LossOf(regressor));
        Evaluation r = Metrics.Evaluate(regressor, data);
        Assert.Equal(ModelKind.Regression, r.Kind);
        Assert.Equal(Metrics.Regression(regressor, data), r.Regression);
        Assert.True(r.Regression.RSquared > 0.95f, $"R² {r.Regression.RSquared}");
        Assert.Equal(r.Loss, r.Regression.MeanSquaredError, 5);                 // MSE with Reduction.Mean and one output is the loss
        var accuracy = Assert.Throws<InvalidOperationException>(() => r.Accuracy);
        Assert.Contains("EverydayRegressor was evaluated as a regression model", accuracy.Message);
        Assert.StartsWith("loss ", r.ToString());
        Assert.Contains("R² ", r.ToString());

        var classifier = new OptimizerNet(seed: 1);
        Dataset blobs = TrainerTests.Blobs(60, 3);
        Evaluation c = Metrics.Evaluate(classifier, blobs);
        Assert.Equal(ModelKind.Classification, Metrics.KindOf(classifier));
        Assert.Equal(ModelKind.Classification, c.Kind);
        Assert.Equal(60, c.Confusion.Total);
        Assert.Throws<InvalidOperationException>(() => c.Regression);
        Assert.Equal(ModelKind.Regression, Metrics.Evaluate(classifier, blobs, ModelKind.Regression).Kind);
    }

    [Fact]
    public void Trainer_RecordsNoAccuracyForARegressionModel()
    {
        var net = new EverydayRegressor(seed: 2);
        Dataset data = new([0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f], [0.1f, 0.2f, 0.3f, 0.4f], 2, 1);
        TrainingHistory h = new Trainer(net, new Adam(0.01f), new TrainerOptions { Epochs = 2, BatchSize = 2, EvaluateTrainingSet = true }).Fit(data, data);
        Assert.All(h.Epochs, e => Assert.Null(e.TrainAccuracy));
        Assert.All(h.Epochs, e => Assert.Null(e.ValidationAccuracy));
        Assert.All(h.Epochs, e => Assert.NotNull(e.ValidationLoss));
    }

    [Fact]
    public void StratifiedSplit_KeepsEveryClassShare_IsSeededAndDisjoint()
    {
        // 50, 30 and 20 samples of classes 0, 1, 2; 20 % for testing is 10, 6 and 4.
        int[] labels = [.. Enumerable.Repeat(0, 50), .. Enumerable.Repeat(1, 30), .. Enumerable.Repeat(2, 20)];
        float[] inputs = Enumerable.Range(0, labels.Length).Select(i => (float)i).ToArray();
        Dataset all = Dataset.FromLabels(inputs, 1, labels, 3);
        (Dataset train, Dataset test) = all.StratifiedSplit(0.2, seed: 7);
        Assert.Equal(80, train.Count);
        Assert.Equal(20, test.Count);
        int[] Counts(Dataset d) => Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, d.Count).Count(i => Metrics.ClassOf(d.Target(i)) == c)).ToArray();
        Assert.Equal([10, 6, 4], Counts(test));
        Assert.Equal([40, 24, 16], Counts(train));
        var ids = Enumerable.Range(0, train.Count).Select(i => train.Input(i)[0]).Concat(Enumerable.Range(0, test.Count).Select(i => test.Input(i)[0])).ToArray();
        Assert.Equal(inputs, ids.Order().ToArray());                                    // disjoint, nothing lost

        (Dataset train2, Dataset test2) = all.StratifiedSplit(0.2, seed: 7);
        Assert.Equal(test.Inputs.ToArray(), test2.Inputs.ToArray());
        Assert.Equal(train.Inputs.ToArray(), train2.Inputs.ToArray());
        Assert.NotEqual(test.Inputs.ToArray(), all.StratifiedSplit(0.2, seed: 8).Test.Inputs.ToArray());
        // The test set is mixed, not class after class.
        Assert.NotEqual(Enumerable.Range(0, test.Count).Select(i => Metrics.ClassOf(test.Target(i))).Order().ToArray(),
            Enumerable.Range(0, test.Count).Select(i => Metrics.ClassOf(test.Target(i))).ToArray());

        // Uneven shares: 7 % of 100 = 7, given by largest remainders (3.5, 2.1, 1.4 → 4, 2, 1).
        Assert.Equal([4, 2, 1], Counts(all.StratifiedSplit(0.07, seed: 1).Test));
        Assert.Throws<ArgumentOutOfRangeException>(() => all.StratifiedSplit(1.0, 1));
        Assert.Throws<ArgumentException>(() => all.StratifiedSplit(0.001, 1));
    }

    [Fact]
    public void StandardScaler_LearnsOnTrainingData_AndAppliesTheSameTransform()
    {
        var data = new Dataset([1f, 10f, 5f, 3f, 20f, 5f, 5f, 30f, 5f], [0f, 1f, 0f], 3, 1);
        StandardScaler scaler = StandardScaler.Fit(data);
        Assert.Equal([3f, 20f, 5f], scaler.Mean.ToArray());
        Assert.Equal(MathF.Sqrt(8f / 3f), scaler.Scale[0], 6);                   // population standard deviation
        Assert.Equal(MathF.Sqrt(200f / 3f), scaler.Scale[1], 5);
        Assert.Equal(1f, scaler.Scale[2]);                                      // a constant feature is only centred
        Dataset scaled = scaler.Transform(data);
        for (int j = 0; j < 2; j++)
        {
            float[] column = Enumerable.Range(0, 3).Select(i => scaled.Input(i)[j]).ToArray();
            Assert.Equal(0f, column.Average(), 6);
            Assert.Equal(1f, MathF.Sqrt(column.Select(v => v * v).Average()), 6);
        }
        Assert.Equal([0f, 0f, 0f], Enumerable.Range(0, 3).Select(i => scaled.Input(i)[2]).ToArray());
        Assert.Equal(data.Targets.ToArray(), scaled.Targets.ToArray());
        Assert.Equal(1f, data.Input(0)[0]);                                      // the original is unchanged

        Span<float> one = stackalloc float[3];
        scaler.Transform([5f, 30f, 6f], one);
        Assert.Equal(scaled.Input(2)[0], one[0]);
        Assert.Equal(1f, one[2]);
        float[] raw = [5f, 30f, 6f], result = new float[3];
        Assert.Equal(0, Allocations.Minimum(() => scaler.Transform(raw, result)));
        Assert.Throws<ArgumentException>(() => scaler.Transform(new Dataset([1f, 2f], [0f], 2, 1)));
        var e = Assert.Throws<ArgumentException>(() => scaler.Transform([1f, 2f], new float[3]));
        Assert.Equal("input", e.ParamName);
    }

    [Fact]
    public void Summary_IsAKerasLikeTable()
    {
        Assert.Equal("""
            OptimizerNet
            Layer (type)               Output shape   Param #
            ═════════════════════════════════════════════════
            input (Input)              (None, 4)            0
            dense_1 (Dense, Tanh)      (None, 6)           30
            dense_2 (Dense, Softmax)   (None, 3)           21
            ═════════════════════════════════════════════════
            Total params: 51
            Trainable params: 51
            Non-trainable params: 0
            """.ReplaceLineEndings(), new OptimizerNet().Summary().ReplaceLineEndings());
        Assert.Equal(Expected(new BatchNormReluSoftmax()), new BatchNormReluSoftmax().Summary());
    }

    /// <summary>The batch-norm table built from its parts: column widths follow the longest entry.</summary>
    private static string Expected(INetwork net)
    {
        string[] names = ["input (Input)", "dense_1 (Dense)", "batch_normalization_1 (BatchNorm, ReLU)", "dense_2 (Dense, Softmax)"];
        string[] shapes = ["(None, 4)", "(None, 5)", "(None, 5)", "(None, 3)"];
        string[] counts = ["0", "25", "20", "18"];
        int n = names.Max(s => s.Length), s = "Output shape".Length, c = "Param #".Length;
        var lines = new List<string> { net.GetType().Name, "Layer (type)".PadRight(n + 3) + "Output shape".PadRight(s + 3) + "Param #", new string('═', n + s + c + 6) };
        lines.AddRange(names.Select((name, i) => name.PadRight(n + 3) + shapes[i].PadRight(s + 3) + counts[i].PadLeft(c)));
        lines.AddRange([new string('═', n + s + c + 6), "Total params: 63", "Trainable params: 53", "Non-trainable params: 10"]);
        return string.Join(Environment.NewLine, lines);
    }

    [Fact]
    public void PredictClass_IsTheArgmaxOfForward_AllocatesNothing_AndRefusesRegressionModels()
    {
        var net = new OptimizerNet(seed: 3);
        Dataset blobs = TrainerTests.Blobs(30, 2);
        var output = new float[3];
        for (int i = 0; i < blobs.Count; i++)
        {
            net.Forward(blobs.Input(i), output);
            Assert.Equal(Array.IndexOf(output, output.Max()), net.PredictClass(blobs.Input(i)));
        }
        float[] input = blobs.Inputs[..4].ToArray();
        net.PredictClass(input);
        Assert.Equal(0, Allocations.Minimum(() => net.PredictClass(input)));

        var e = Assert.Throws<InvalidOperationException>(() => new EverydayRegressor().PredictClass([1f, 2f]));
        Assert.Contains("EverydayRegressor is a regression model (its loss is MeanSquaredError)", e.Message);
        Assert.Throws<ArgumentException>(() => net.PredictClass([1f]));
    }

    [Fact]
    public void Progress_IsDeliveredSynchronouslyInOrder_AndEpochResultsReadAsLines()
    {
        var reports = new List<(int Thread, TrainingProgress Report)>();
        int thread = Environment.CurrentManagedThreadId;
        TrainingHistory h = new Trainer(new OptimizerNet(seed: 1), new Sgd(0.1f), new TrainerOptions { Epochs = 30, BatchSize = 5, ProgressInterval = 3 })
            .Fit(TrainerTests.Blobs(20, 1), null, p => reports.Add((Environment.CurrentManagedThreadId, p)));
        // All reports have arrived when Fit returns, on this thread, in order: 1 within each epoch (after batch 3 of 4) and 1 at its end.
        Assert.Equal(60, reports.Count);
        Assert.All(reports, r => Assert.Equal(thread, r.Thread));
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (i / 2 + 1, i % 2 == 0 ? 3 : 4)), reports.Select(r => (r.Report.Epoch, r.Report.Batch)));
        Assert.Equal(h.Epochs, reports.Where(r => r.Report.Completed is not null).Select(r => r.Report.Completed!));

        string line = h.Epochs[0].ToString();
        Assert.Matches(@"^epoch 1: loss [0-9.]+, lr 0\.1, gradient norm [0-9.]+, 4 steps, [0-9]+ ms$", line);
        Assert.DoesNotContain("= ,", line);
        Assert.Equal(line, reports[1].Report.ToString());
        Assert.Matches(@"^epoch 1/30, batch 3/4: loss [0-9.]+$", reports[0].Report.ToString());

        TrainingHistory v = new Trainer(new OptimizerNet(seed: 1), new Sgd(0.1f), new TrainerOptions { Epochs = 1, BatchSize = 5, EvaluateTrainingSet = true })
            .Fit(TrainerTests.Blobs(20, 1), TrainerTests.Blobs(10, 2));
        Assert.Matches(@"^epoch 1: loss [0-9.]+, accuracy [01]\.[0-9]{3}, validation loss [0-9.]+, validation accuracy [01]\.[0-9]{3}, lr 0\.1, ", v.Epochs[0].ToString());
    }
}
