using NetGen.Training;

namespace NetGen.Tests;

/// <summary>
/// Trainer's L1/L2 penalties cover a recurrent layer's weights: every stacked layer's weight_ih_l{k} and weight_hh_l{k}
/// (PyTorch's weight_decay reaches them too), not its bias_ih_l{k}/bias_hh_l{k}, beside the dense layers' W.
/// </summary>
public class RecurrentRegularizationTests
{
    [Fact]
    public void PenaltyAndGradient_CoverDenseAndEveryRecurrentWeight_NotTheBiases()
    {
        // Dense 2→4, GRU 4→5, LSTM 5→4 with two stacked layers, Dense 4→1: the weights are listed independently of
        // Regularization, from LayerInfo's state-dict tensors (RecurrentTensors) and the dense W.
        var net = new MixedStream(seed: 3);
        float[] theta = net.Parameters.ToArray();
        bool[] penalised = new bool[theta.Length];
        foreach (LayerInfo layer in MixedStream.Layers)
        {
            if (layer.Kind == LayerKind.Dense)
            {
                Array.Fill(penalised, true, layer.WeightOffset, layer.WeightCount);
            }
            foreach ((string name, int offset, int rows, int columns) in layer.RecurrentTensors())
            {
                Array.Fill(penalised, name.StartsWith("weight_", StringComparison.Ordinal), offset, rows * Math.Max(columns, 1));
            }
        }
        Assert.Equal(4 * 2 + 3 * 5 * (4 + 5) + 4 * 4 * (5 + 4) + 4 * 4 * (4 + 4) + 4, penalised.Count(p => p));

        const float l1 = 0.01f, l2 = 0.003f;
        double abs = 0, squares = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            if (penalised[i])
            {
                abs += Math.Abs(theta[i]);
                squares += (double)theta[i] * theta[i];
            }
        }
        Assert.Equal(l1 * abs + l2 * squares, Regularization.Penalty(theta, MixedStream.Layers, l1, l2), 1e-5);

        float[] gradients = new float[theta.Length];
        Array.Fill(gradients, 0.5f);
        Regularization.AddGradient(theta, gradients, MixedStream.Layers, l1, l2);
        for (int i = 0; i < theta.Length; i++)
        {
            float expected = penalised[i] ? 0.5f + 2f * l2 * theta[i] + MathF.Sign(theta[i]) * l1 : 0.5f;
            Assert.Equal(expected, gradients[i], 1e-6f);
        }
    }

    [Fact]
    public void Trainer_WithL2_DecaysTheRecurrentWeights_NotTheBiases()
    {
        // One SGD step over the whole data set, with and without L2: the difference is −η·2λ₂·w on every weight (dense and
        // recurrent), exactly 0 on every bias.
        const int steps = 6;
        float[] inputs = new float[4 * steps * 3], targets = new float[4 * steps * 2];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = MathF.Sin(0.7f * i);
        }
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = 0.5f * MathF.Cos(0.3f * i);
        }
        var data = new Dataset(inputs, targets, steps * 3, steps * 2);
        var plain = new LstmDenseDense(seed: 11);
        var decayed = new LstmDenseDense(seed: 11);
        float[] start = plain.Parameters.ToArray();
        const float eta = 0.1f, lambda = 0.05f;
        new Trainer(new SequenceNetwork(plain, steps), new Sgd(eta), new TrainerOptions { Epochs = 1, BatchSize = 4, Seed = 2 }).Fit(data);
        new Trainer(new SequenceNetwork(decayed, steps), new Sgd(eta), new TrainerOptions { Epochs = 1, BatchSize = 4, Seed = 2, L2 = lambda }).Fit(data);

        float[] a = plain.Parameters.ToArray(), b = decayed.Parameters.ToArray();
        int weights = 0;
        foreach (LayerInfo layer in LstmDenseDense.Layers)
        {
            if (layer.Kind == LayerKind.Dense)
            {
                for (int i = layer.WeightOffset; i < layer.WeightOffset + layer.ParameterCount; i++)
                {
                    weights += Check(i, i < layer.WeightOffset + layer.WeightCount);
                }
            }
            foreach ((string name, int offset, int rows, int columns) in layer.RecurrentTensors())
            {
                for (int i = offset; i < offset + rows * Math.Max(columns, 1); i++)
                {
                    weights += Check(i, name.StartsWith("weight_", StringComparison.Ordinal));
                }
            }
        }
        Assert.Equal(4 * 6 * (3 + 6) + 4 * 6 * (6 + 6) + 6 * 3 + 3 * 2, weights);

        int Check(int i, bool weight)
        {
            if (!weight)
            {
                Assert.Equal(a[i], b[i]);
                return 0;
            }
            Assert.Equal(-eta * 2f * lambda * start[i], b[i] - a[i], 1e-6f);
            return 1;
        }
    }
}
