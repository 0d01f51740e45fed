using System.Reflection;

namespace NetGen.Tests;

/// <summary>
/// A plain, scalar, double-precision re-implementation of a dense network, read from the same attributes the generator
/// reads (by reflection on the class). It is the independent reference for the generated float32 code: no kernels, no
/// fusion, the textbook's formulas written out.
/// </summary>
internal sealed class ReferenceNetwork
{
    public sealed record Layer(int Inputs, int Units, Activation Activation, float Slope);

    public int InputSize { get; }
    public IReadOnlyList<Layer> Layers { get; }
    public Loss? Loss { get; }
    public Reduction Reduction { get; }
    public double HuberDelta { get; private init; } = 1;
    public int ParameterCount => Layers.Sum(l => l.Inputs * l.Units + l.Units);

    private ReferenceNetwork(int inputSize, List<Layer> layers, Loss? loss, Reduction reduction)
    {
        InputSize = inputSize;
        Layers = layers;
        Loss = loss;
        Reduction = reduction;
    }

    public static ReferenceNetwork For(Type type)
    {
        Loss? loss = null;
        Reduction reduction = Reduction.Mean;
        double huberDelta = 1;
        int input = 0;
        var layers = new List<Layer>();
        foreach (CustomAttributeData data in type.GetCustomAttributesData())
        {
            if (data.AttributeType == typeof(NetworkAttribute))
            {
                foreach (CustomAttributeNamedArgument named in data.NamedArguments)
                {
                    if (named.MemberName == nameof(NetworkAttribute.Loss)) loss = (Loss)(int)named.TypedValue.Value!;
                    if (named.MemberName == nameof(NetworkAttribute.Reduction)) reduction = (Reduction)(int)named.TypedValue.Value!;
                    if (named.MemberName == nameof(NetworkAttribute.HuberDelta)) huberDelta = (float)named.TypedValue.Value!;
                }
            }
            else if (data.AttributeType == typeof(InputAttribute))
            {
                input = (int)data.ConstructorArguments[0].Value!;
            }
            else if (data.AttributeType == typeof(DenseAttribute))
            {
                int units = (int)data.ConstructorArguments[0].Value!;
                var activation = (Activation)(int)data.ConstructorArguments[1].Value!;
                float slope = data.NamedArguments.Where(n => n.MemberName == nameof(DenseAttribute.NegativeSlope)).Select(n => (float)n.TypedValue.Value!).DefaultIfEmpty(0.01f).First();
                layers.Add(new Layer(layers.Count == 0 ? input : layers[^1].Units, units, activation, slope));
            }
        }
        return new ReferenceNetwork(input, layers, loss, reduction) { HuberDelta = huberDelta };
    }

    /// <summary>z⁽ˡ⁾ and a⁽ˡ⁾ for every layer (index 0 = layer 1).</summary>
    public (double[][] Z, double[][] A) Forward(ReadOnlySpan<double> theta, ReadOnlySpan<double> x)
    {
        var zs = new double[Layers.Count][];
        var As = new double[Layers.Count][];
        double[] previous = x.ToArray();
        int offset = 0;
        for (int l = 0; l < Layers.Count; l++)
        {
            Layer layer = Layers[l];
            var z = new double[layer.Units];
            int bias = offset + layer.Units * layer.Inputs;
            for (int o = 0; o < layer.Units; o++)
            {
                double sum = theta[bias + o];
                for (int i = 0; i < layer.Inputs; i++)
                {
                    sum += theta[offset + o * layer.Inputs + i] * previous[i];
                }
                z[o] = sum;
            }
            zs[l] = z;
            As[l] = Activate(layer, z);
            previous = As[l];
            offset = bias + layer.Units;
        }
        return (zs, As);
    }

    public double LossOf(ReadOnlySpan<double> theta, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var (zs, As) = Forward(theta, x);
        return LossValue(zs[^1], As[^1], y);
    }

    public double LossValue(double[] z, double[] yHat, ReadOnlySpan<double> y)
    {
        int n = yHat.Length;
        Layer output = Layers[^1];
        double scale = Reduction == Reduction.Mean ? 1.0 / n : 1.0;
        double sum = 0;
        switch (Loss)
        {
            case NetGen.Loss.MeanSquaredError:
                for (int i = 0; i < n; i++) sum += (yHat[i] - y[i]) * (yHat[i] - y[i]);
                return scale * sum;
            case NetGen.Loss.MeanAbsoluteError:
                for (int i = 0; i < n; i++) sum += Math.Abs(yHat[i] - y[i]);
                return scale * sum;
            case NetGen.Loss.Hinge:
                for (int i = 0; i < n; i++) sum += Math.Max(0, 1 - y[i] * yHat[i]);
                return scale * sum;
            case NetGen.Loss.BinaryCrossEntropy:
                for (int i = 0; i < n; i++)
                {
                    // log σ(z) and log(1 − σ(z)) from the logit when the output is a sigmoid (exact), else from ŷ.
                    double logP = output.Activation == Activation.Sigmoid ? -Softplus(-z[i]) : Math.Log(yHat[i]);
                    double log1mP = output.Activation == Activation.Sigmoid ? -Softplus(z[i]) : Math.Log(1 - yHat[i]);
                    sum -= y[i] * logP + (1 - y[i]) * log1mP;
                }
                return scale * sum;
            case NetGen.Loss.CrossEntropy:
            case NetGen.Loss.KLDivergence:
                double[] logP2 = output.Activation == Activation.Softmax ? LogSoftmax(z) : yHat.Select(v => Math.Log(v)).ToArray();
                for (int k = 0; k < n; k++)
                {
                    if (Loss == NetGen.Loss.CrossEntropy) sum -= y[k] * logP2[k];
                    else if (y[k] > 0) sum += y[k] * (Math.Log(y[k]) - logP2[k]);
                }
                return sum;
            case NetGen.Loss.Huber:
                for (int i = 0; i < n; i++)
                {
                    double r = Math.Abs(yHat[i] - y[i]);
                    sum += r < HuberDelta ? 0.5 * r * r : HuberDelta * (r - 0.5 * HuberDelta);
                }
                return scale * sum;
            case NetGen.Loss.NegativeLogLikelihood:
                // On log-probabilities: from the logits when the output is a LogSoftmax (exact), else ŷ as given.
                double[] logP3 = output.Activation == Activation.LogSoftmax ? LogSoftmax(z) : yHat;
                for (int k = 0; k < n; k++) sum -= y[k] * logP3[k];
                return sum;
            default:
                throw new InvalidOperationException("inference-only network has no loss");
        }
    }

    private static double Softplus(double v) => Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v)));

    private static double[] LogSoftmax(double[] z)
    {
        double max = z.Max();
        double lse = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
        return z.Select(v => v - lse).ToArray();
    }

    private static double[] Activate(Layer layer, double[] z) => layer.Activation switch
    {
        Activation.Identity => (double[])z.Clone(),
        Activation.Step => z.Select(v => v > 0 ? 1.0 : 0.0).ToArray(),
        Activation.Sign => z.Select(v => (double)Math.Sign(v)).ToArray(),
        Activation.Sigmoid => z.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(),
        Activation.Tanh => z.Select(v => Math.Tanh(v)).ToArray(),
        Activation.ReLU => z.Select(v => Math.Max(0, v)).ToArray(),
        Activation.LeakyReLU => z.Select(v => v > 0 ? v : layer.Slope * v).ToArray(),
        Activation.GELU => z.Select(v => v * 0.5 * (1 + Erf(v / Math.Sqrt(2)))).ToArray(),
        Activation.Softmax => LogSoftmax(z).Select(v => Math.Exp(v)).ToArray(),
        // issue 12: PyTorch's definitions in double precision (ExtendedActivationReference)
        Activation.ELU => z.Select(v => v > 0 ? v : ExtendedActivationReference.Expm1(v)).ToArray(),
        Activation.SELU => z.Select(v => v > 0 ? ExtendedActivationReference.SeluScale * v : ExtendedActivationReference.SeluScale * ExtendedActivationReference.SeluAlpha * ExtendedActivationReference.Expm1(v)).ToArray(),
        Activation.Softplus => z.Select(ExtendedActivationReference.Softplus).ToArray(),
        Activation.SiLU => z.Select(v => v * ExtendedActivationReference.Sigmoid(v)).ToArray(),
        Activation.Mish => z.Select(v => v * ExtendedActivationReference.MishT(v, out _)).ToArray(),
        Activation.HardTanh => z.Select(v => Math.Clamp(v, -1, 1)).ToArray(),
        Activation.HardSigmoid => z.Select(v => Math.Clamp(v + 3, 0, 6) / 6).ToArray(),
        Activation.HardSwish => z.Select(v => v * Math.Clamp(v + 3, 0, 6) / 6).ToArray(),
        Activation.LogSoftmax => LogSoftmax(z),
        _ => throw new ArgumentOutOfRangeException(nameof(layer)),
    };

    /// <summary>erf by its Maclaurin series (|x| ≤ 3) or continued fraction of erfc, to double precision — independent of the runtime's.</summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax < 3)
        {
            double term = ax, sum = ax;
            for (int n = 1; n < 200; n++)
            {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
            }
            return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc(x) = e^(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))) (Lentz-free backward evaluation).
        double f = ax;
        for (int k = 60; k >= 1; k--)
        {
            f = ax + k / 2.0 / f;
        }
        double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f;
        return Math.Sign(x) * (1 - erfc);
    }
}
