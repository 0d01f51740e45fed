using NetGen;
using NetGen.Training;
using nietras.SeparatedValues;

// 1. Read iris.csv with Sep: a header "150,4,setosa,versicolor,virginica", then four measurements in cm and the species.
var measurements = new List<float>();
var species = new List<int>();
string[] names;
using (SepReader reader = Sep.Reader().FromFile(args.Length > 0 ? args[0] : "iris.csv"))
{
    names = reader.Header.ColNames.Skip(2).ToArray();
    foreach (SepReader.Row row in reader)
    {
        for (int j = 0; j < 4; j++)
        {
            measurements.Add(row[j].Parse<float>());
        }
        species.Add(row[4].Parse<int>());
    }
}

// 2. A stratified split (every species keeps its share). The network scales its own input: its [Normalization] layer
//    standardises each measurement with a mean and variance that Adapt measures on the training split only.
Dataset all = Dataset.FromLabels(measurements.ToArray(), inputSize: 4, species, classes: 3);
var (train, test) = all.StratifiedSplit(testFraction: 0.2, seed: 7);

Console.WriteLine(new IrisNet().Summary());

// 3. Train with a checkpoint. The first run stops after 50 of 100 epochs, as if the process had been killed; the second,
//    started with the full plan, finds iris.ckpt and continues with epoch 51.
File.Delete("iris.ckpt");
var options = new TrainerOptions { Epochs = 100, BatchSize = 16, Seed = 7, L2 = 1e-3f, Checkpoint = new CheckpointOptions("iris.ckpt") };
var first = new IrisNet(seed: 1);
first.Adapt(train);                                    // μ and σ² of the training split; Fit refuses an unadapted network
new Trainer(first, new Adam(0.01f), options with { Epochs = 50 }).Fit(train);

var net = new IrisNet(seed: 1);                        // no Adapt: the checkpoint brings μ and σ² back with the weights
TrainingHistory history = new Trainer(net, new Adam(0.01f), options).Fit(train, test, progress =>
{
    if (progress.Completed is { } epoch && epoch.Epoch % 20 == 0)
    {
        Console.WriteLine(epoch);                          // reports arrive here, in order, before Fit returns
    }
});
Console.WriteLine($"resumed at epoch 51, trained to epoch {history.Epochs.Count}");

var straight = new IrisNet(seed: 1);
straight.Adapt(train);
new Trainer(straight, new Adam(0.01f), options with { Checkpoint = null }).Fit(train);
Console.WriteLine($"bit-identical to an uninterrupted run: {net.Parameters.SequenceEqual(straight.Parameters)}");

// 4. Evaluate on the test split and classify a new flower, in centimetres: the network scales it as it scaled the training data.
Evaluation result = Metrics.Evaluate(net, test);
Console.WriteLine($"test: {result}");
Console.WriteLine(result.Confusion);
Console.WriteLine($"a flower of 6.3, 2.9, 5.6, 1.8 cm is {names[net.PredictClass([6.3f, 2.9f, 5.6f, 1.8f])]}");

// 5. Regression: predict the petal width from the other three measurements with a squared-error model.
float[] x = new float[all.Count * 3], y = new float[all.Count];
for (int i = 0; i < all.Count; i++)
{
    measurements.CopyTo(i * 4, x, i * 3, 3);
    y[i] = measurements[i * 4 + 3];
}
var (fitSet, holdOut) = new Dataset(x, y, inputSize: 3, targetSize: 1).Split(testFraction: 0.2, seed: 42);
var regressor = new PetalWidthNet(seed: 1);
regressor.Adapt(fitSet);
new Trainer(regressor, new Adam(0.01f), new TrainerOptions { Epochs = 150, BatchSize = 16, Seed = 7 }).Fit(fitSet);
Console.WriteLine($"petal width: {Metrics.Evaluate(regressor, holdOut)}");

// 6. A hand-written loop meets a NaN: the optimizer refuses the step and the parameters stay as they were.
var sgd = new Sgd(learningRate: 0.1f);
float[] before = net.Parameters.ToArray();
net.Backward([float.NaN, 0f, 0f, 0f], [1f, 0f, 0f]);
try
{
    sgd.Step(net, batchSize: 1);
}
catch (NonFiniteException e)
{
    Console.WriteLine($"stopped: {e.Message}");
}
Console.WriteLine($"parameters unchanged: {net.Parameters.SequenceEqual(before)}");

[Network(Loss = Loss.CrossEntropy)]
[Input(4)]
[Normalization]
[Dense(8, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public sealed partial class IrisNet;

[Network(Loss = Loss.MeanSquaredError)]
[Input(3)]
[Normalization]
[Dense(8, Activation.Tanh)]
[Dense(1)]
public sealed partial class PetalWidthNet;
