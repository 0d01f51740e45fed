using System;

namespace NetGen.Benchmarks.Baselines;

/// <summary>
/// The naive baseline, written the way a developer would without a library: <c>float[]</c> weights (out × in,
/// row-major, the layout of NetGen and nn.Linear), nested <c>for</c> loops over outputs and inputs, <c>MathF</c>
/// activations, every buffer preallocated so that no call allocates. Release build, nothing else.
/// </summary>
public sealed class NaiveMlp
{
    private readonly Workload _workload;
    private readonly int[] _in, _out;
    private readonly Act[] _act;
    private readonly float[][] _w, _b, _gw, _gb, _z, _a, _delta;

    public NaiveMlp(Workload workload)
    {
        _workload = workload;
        int n = workload.Layers.Length;
        _in = new int[n];
        _out = new int[n];
        _act = new Act[n];
        _w = new float[n][];
        _b = new float[n][];
        _gw = new float[n][];
        _gb = new float[n][];
        _z = new float[n][];
        _a = new float[n][];
        _delta = new float[n][];
        int inputs = workload.InputSize;
        for (int l = 0; l < n; l++)
        {
            (int units, Act act) = workload.Layers[l];
            _in[l] = inputs;
            _out[l] = units;
            _act[l] = act;
            _w[l] = new float[units * inputs];
            _b[l] = new float[units];
            _gw[l] = new float[units * inputs];
            _gb[l] = new float[units];
            _z[l] = new float[units];
            _a[l] = new float[units];
            _delta[l] = new float[units];
            inputs = units;
        }
    }

    /// <summary>Copies NetGen's flat parameter buffer (per layer: W then b) into the per-layer arrays.</summary>
    public void LoadParameters(ReadOnlySpan<float> theta)
    {
        int k = 0;
        for (int l = 0; l < _w.Length; l++)
        {
            theta.Slice(k, _w[l].Length).CopyTo(_w[l]);
            k += _w[l].Length;
            theta.Slice(k, _b[l].Length).CopyTo(_b[l]);
            k += _b[l].Length;
        }
        if (k != theta.Length)
        {
            throw new ArgumentException("parameter count mismatch", nameof(theta));
        }
    }

    public void Forward(float[] x, float[] y)
    {
        Run(x);
        float[] a = _a[^1];
        for (int k = 0; k < a.Length; k++)
        {
            y[k] = a[k];
        }
    }

    private void Run(float[] x)
    {
        float[] input = x;
        for (int l = 0; l < _w.Length; l++)
        {
            float[] w = _w[l], b = _b[l], z = _z[l], a = _a[l];
            int nIn = _in[l], nOut = _out[l];
            for (int o = 0; o < nOut; o++)
            {
                float sum = b[o];
                for (int i = 0; i < nIn; i++)
                {
                    sum += w[o * nIn + i] * input[i];
                }
                z[o] = sum;
            }
            switch (_act[l])
            {
                case Act.Identity:
                    for (int o = 0; o < nOut; o++) a[o] = z[o];
                    break;
                case Act.Tanh:
                    for (int o = 0; o < nOut; o++) a[o] = MathF.Tanh(z[o]);
                    break;
                case Act.Sigmoid:
                    for (int o = 0; o < nOut; o++) a[o] = 1f / (1f + MathF.Exp(-z[o]));
                    break;
                case Act.ReLU:
                    for (int o = 0; o < nOut; o++) a[o] = MathF.Max(z[o], 0f);
                    break;
                case Act.Softmax:
                    float max = float.NegativeInfinity;
                    for (int o = 0; o < nOut; o++) max = MathF.Max(max, z[o]);
                    float total = 0f;
                    for (int o = 0; o < nOut; o++)
                    {
                        a[o] = MathF.Exp(z[o] - max);
                        total += a[o];
                    }
                    for (int o = 0; o < nOut; o++) a[o] /= total;
                    break;
            }
            input = a;
        }
    }

    /// <summary>Forward, loss, backprop: adds ∂L/∂θ to the gradient arrays and returns the loss.</summary>
    public float Backward(float[] x, float[] y)
    {
        Run(x);
        int last = _w.Length - 1;
        float[] zL = _z[last], aL = _a[last], dL = _delta[last];
        int n = aL.Length;
        float loss = 0f;
        switch (_workload.Loss)
        {
            case LossKind.BinaryCrossEntropy:
                for (int k = 0; k < n; k++)
                {
                    float z = zL[k];
                    loss += MathF.Max(z, 0f) - z * y[k] + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));
                    dL[k] = (aL[k] - y[k]) / n;
                }
                loss /= n;
                break;
            case LossKind.CrossEntropy:
                float max = float.NegativeInfinity;
                for (int k = 0; k < n; k++) max = MathF.Max(max, zL[k]);
                float total = 0f;
                for (int k = 0; k < n; k++) total += MathF.Exp(zL[k] - max);
                float lse = max + MathF.Log(total);
                for (int k = 0; k < n; k++)
                {
                    loss -= y[k] * (zL[k] - lse);
                    dL[k] = aL[k] - y[k];
                }
                break;
            case LossKind.MeanSquaredError:
                for (int k = 0; k < n; k++)
                {
                    float r = aL[k] - y[k];
                    loss += r * r;
                    dL[k] = 2f * r / n;
                }
                loss /= n;
                break;
        }

        for (int l = last; l >= 0; l--)
        {
            float[] input = l == 0 ? x : _a[l - 1];
            float[] w = _w[l], gw = _gw[l], gb = _gb[l], d = _delta[l];
            int nIn = _in[l], nOut = _out[l];
            for (int o = 0; o < nOut; o++)
            {
                gb[o] += d[o];
                for (int i = 0; i < nIn; i++)
                {
                    gw[o * nIn + i] += d[o] * input[i];
                }
            }
            if (l == 0)
            {
                break;
            }
            float[] dPrev = _delta[l - 1], zPrev = _z[l - 1], aPrev = _a[l - 1];
            for (int i = 0; i < nIn; i++)
            {
                float sum = 0f;
                for (int o = 0; o < nOut; o++)
                {
                    sum += w[o * nIn + i] * d[o];
                }
                dPrev[i] = _act[l - 1] switch
                {
                    Act.Tanh => sum * (1f - aPrev[i] * aPrev[i]),
                    Act.Sigmoid => sum * aPrev[i] * (1f - aPrev[i]),
                    Act.ReLU => zPrev[i] > 0f ? sum : 0f,
                    _ => sum,
                };
            }
        }
        return loss;
    }

    /// <summary>SGD: θ ← θ − η·s·g, then the gradients are zeroed for the next step.</summary>
    public void Step(float learningRate, float gradientScale = 1f)
    {
        float eta = learningRate * gradientScale;
        for (int l = 0; l < _w.Length; l++)
        {
            float[] w = _w[l], b = _b[l], gw = _gw[l], gb = _gb[l];
            for (int k = 0; k < w.Length; k++) w[k] -= eta * gw[k];
            for (int k = 0; k < b.Length; k++) b[k] -= eta * gb[k];
            Array.Clear(gw);
            Array.Clear(gb);
        }
    }

    /// <summary>One SGD training step on one sample.</summary>
    public float TrainStep(float[] x, float[] y, float learningRate)
    {
        float loss = Backward(x, y);
        Step(learningRate);
        return loss;
    }

    /// <summary>One SGD step on the mean gradient of a mini-batch (samples given as row arrays).</summary>
    public float TrainBatch(float[][] xs, float[][] ys, int start, int count, float learningRate)
    {
        float loss = 0f;
        for (int s = 0; s < count; s++)
        {
            loss += Backward(xs[start + s], ys[start + s]);
        }
        Step(learningRate, 1f / count);
        return loss / count;
    }
}
