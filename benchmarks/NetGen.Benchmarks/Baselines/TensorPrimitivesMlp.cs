using System;
using System.Numerics.Tensors;

namespace NetGen.Benchmarks.Baselines;

/// <summary>
/// The TensorPrimitives-per-row baseline: the naive structure with every row-sized loop replaced by a
/// <see cref="TensorPrimitives"/> call (Dot per output row, vectorised activations, MultiplyAdd for the gradient rows
/// and the SGD update). It shows what a developer gets from the BCL's SIMD library without a generator.
/// </summary>
public sealed class TensorPrimitivesMlp
{
    private readonly Workload _workload;
    private readonly int[] _in, _out;
    private readonly Act[] _act;
    private readonly float[][] _w, _b, _gw, _gb, _z, _a, _delta, _tmp;

    public TensorPrimitivesMlp(Workload workload)
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
        _tmp = new float[n][];
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
            _tmp[l] = new float[units];
            inputs = units;
        }
    }

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

    public void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        Run(x);
        _a[^1].CopyTo(y);
    }

    private void Run(ReadOnlySpan<float> x)
    {
        ReadOnlySpan<float> input = x;
        for (int l = 0; l < _w.Length; l++)
        {
            ReadOnlySpan<float> w = _w[l];
            Span<float> z = _z[l], a = _a[l];
            int nIn = _in[l], nOut = _out[l];
            for (int o = 0; o < nOut; o++)
            {
                z[o] = TensorPrimitives.Dot(w.Slice(o * nIn, nIn), input);
            }
            TensorPrimitives.Add(z, _b[l], z);
            switch (_act[l])
            {
                case Act.Identity: z.CopyTo(a); break;
                case Act.Tanh: TensorPrimitives.Tanh(z, a); break;
                case Act.Sigmoid: TensorPrimitives.Sigmoid(z, a); break;
                case Act.ReLU: TensorPrimitives.Max(z, 0f, a); break;
                case Act.Softmax: TensorPrimitives.SoftMax(z, a); break;
            }
            input = a;
        }
    }

    public float Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Run(x);
        int last = _w.Length - 1;
        Span<float> zL = _z[last], aL = _a[last], dL = _delta[last], tmp = _tmp[last];
        int n = aL.Length;
        float loss;
        TensorPrimitives.Subtract(aL, y, dL);
        switch (_workload.Loss)
        {
            case LossKind.BinaryCrossEntropy:
                // ℓ = max(z, 0) − z·y + log(1 + e^(−|z|)), δ = (ŷ − y)/n
                TensorPrimitives.Abs(zL, tmp);
                TensorPrimitives.Negate(tmp, tmp);
                TensorPrimitives.Exp(tmp, tmp);
                TensorPrimitives.Add(tmp, 1f, tmp);
                TensorPrimitives.Log(tmp, tmp);
                loss = TensorPrimitives.Sum(tmp) - TensorPrimitives.Dot(zL, y);
                TensorPrimitives.Max(zL, 0f, tmp);
                loss = (loss + TensorPrimitives.Sum(tmp)) / n;
                TensorPrimitives.Divide(dL, n, dL);
                break;
            case LossKind.CrossEntropy:
                // −Σ y·(z − lse) = lse·Σy − y·z, δ = ŷ − y
                float max = TensorPrimitives.Max(zL);
                TensorPrimitives.Subtract(zL, max, tmp);
                TensorPrimitives.Exp(tmp, tmp);
                float lse = max + MathF.Log(TensorPrimitives.Sum(tmp));
                loss = lse * TensorPrimitives.Sum(y) - TensorPrimitives.Dot(y, zL);
                break;
            default:
                loss = TensorPrimitives.SumOfSquares(dL) / n;
                TensorPrimitives.Multiply(dL, 2f / n, dL);
                break;
        }

        for (int l = last; l >= 0; l--)
        {
            ReadOnlySpan<float> input = l == 0 ? x : _a[l - 1];
            ReadOnlySpan<float> w = _w[l];
            Span<float> gw = _gw[l], d = _delta[l];
            int nIn = _in[l], nOut = _out[l];
            TensorPrimitives.Add(_gb[l], d, _gb[l]);
            for (int o = 0; o < nOut; o++)
            {
                Span<float> row = gw.Slice(o * nIn, nIn);
                TensorPrimitives.MultiplyAdd(input, d[o], row, row);
            }
            if (l == 0)
            {
                break;
            }
            Span<float> dPrev = _delta[l - 1], aPrev = _a[l - 1], t = _tmp[l - 1];
            dPrev.Clear();
            for (int o = 0; o < nOut; o++)
            {
                TensorPrimitives.MultiplyAdd(w.Slice(o * nIn, nIn), d[o], dPrev, dPrev);
            }
            switch (_act[l - 1])
            {
                case Act.Tanh:
                    TensorPrimitives.Multiply(aPrev, aPrev, t);
                    TensorPrimitives.Subtract(1f, t, t);
                    TensorPrimitives.Multiply(dPrev, t, dPrev);
                    break;
                case Act.Sigmoid:
                    TensorPrimitives.Subtract(1f, aPrev, t);
                    TensorPrimitives.Multiply(t, aPrev, t);
                    TensorPrimitives.Multiply(dPrev, t, dPrev);
                    break;
                case Act.ReLU:
                    // ReLU′ has no TensorPrimitives form; a = max(z, 0), so min(a·∞, 1) would misbehave at 0 — loop it.
                    for (int i = 0; i < dPrev.Length; i++)
                    {
                        if (!(aPrev[i] > 0f)) dPrev[i] = 0f;
                    }
                    break;
            }
        }
        return loss;
    }

    public void Step(float learningRate, float gradientScale = 1f)
    {
        float eta = -learningRate * gradientScale;
        for (int l = 0; l < _w.Length; l++)
        {
            TensorPrimitives.MultiplyAdd(_gw[l], eta, _w[l], _w[l]);
            TensorPrimitives.MultiplyAdd(_gb[l], eta, _b[l], _b[l]);
            Array.Clear(_gw[l]);
            Array.Clear(_gb[l]);
        }
    }

    public float TrainStep(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float learningRate)
    {
        float loss = Backward(x, y);
        Step(learningRate);
        return loss;
    }

    public float TrainBatch(ReadOnlySpan<float> xs, ReadOnlySpan<float> ys, int count, float learningRate)
    {
        int nIn = _workload.InputSize, nOut = _workload.OutputSize;
        float loss = 0f;
        for (int s = 0; s < count; s++)
        {
            loss += Backward(xs.Slice(s * nIn, nIn), ys.Slice(s * nOut, nOut));
        }
        Step(learningRate, 1f / count);
        return loss / count;
    }
}
