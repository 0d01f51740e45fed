using System;
using NetGen.Benchmarks.Baselines;

namespace NetGen.Benchmarks;

/// <summary>
/// A fixed, seeded data set for one workload: <see cref="Count"/> samples (a power of two), as row arrays (for the naive
/// baseline) and as one row-major buffer (for batched calls). W3 uses 64 samples (192 KB of inputs) so that inputs and
/// weights (437 KB) together stay in the 1 MB L2 cache, as they would for a model serving one request after another;
/// the small workloads use 256. Inputs are U(−1, 1); targets are a class (one-hot) for softmax outputs, a
/// 0/1 label for BCE and a smooth function of the input for MSE.
/// </summary>
public sealed class Data
{
    public Data(Workload workload, int seed = 42)
    {
        Count = workload.InputSize > 256 ? 64 : 256;
        var random = new Random(seed);
        int nIn = workload.InputSize, nOut = workload.OutputSize;
        Inputs = new float[Count][];
        Targets = new float[Count][];
        FlatInputs = new float[Count * nIn];
        FlatTargets = new float[Count * nOut];
        for (int s = 0; s < Count; s++)
        {
            float[] x = Inputs[s] = new float[nIn];
            float[] y = Targets[s] = new float[nOut];
            for (int i = 0; i < nIn; i++)
            {
                x[i] = (float)(2 * random.NextDouble() - 1);
            }
            switch (workload.Loss)
            {
                case LossKind.CrossEntropy:
                    y[random.Next(nOut)] = 1f;
                    break;
                case LossKind.BinaryCrossEntropy:
                    y[0] = random.Next(2);
                    break;
                default:
                    y[0] = MathF.Sin(3f * x[0]);
                    break;
            }
            x.CopyTo(FlatInputs, s * nIn);
            y.CopyTo(FlatTargets, s * nOut);
        }
    }

    /// <summary>Samples in the set.</summary>
    public int Count { get; }

    public float[][] Inputs { get; }
    public float[][] Targets { get; }
    public float[] FlatInputs { get; }
    public float[] FlatTargets { get; }
}
