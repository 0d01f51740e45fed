using System.Text.Json;
using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>
/// ChannelBatchNormKernels (per-channel batch norm after a convolution) against PyTorch's BatchNorm2d / BatchNorm1d
/// (Fixtures/pytorch-conv/batchnorm*.json: training pass, running statistics, eval pass), against finite differences of a
/// double-precision reference, batch ≡ per-sample in inference, allocations and bad input.
/// </summary>
public class ChannelBatchNormTests
{
    public static TheoryData<string> Fixtures() => new(ConvFixture.Names("batchnorm"));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TrainingAndInferenceMatchPyTorch(string name)
    {
        using JsonDocument d = ConvFixture.Load(name);
        JsonElement r = d.RootElement;
        int batch = r.GetProperty("batch").GetInt32(), channels = r.GetProperty("channels").GetInt32(), plane = r.GetProperty("plane_size").GetInt32();
        float momentum = (float)r.GetProperty("momentum").GetDouble(), epsilon = (float)r.GetProperty("epsilon").GetDouble();
        float[] gamma = ConvFixture.Floats(r, "gamma"), beta = ConvFixture.Floats(r, "beta"), running = ConvFixture.Floats(r, "running_before");
        float[] mean = running[..channels], variance = running[channels..];
        float[] x = ConvFixture.Floats(r, "input"), g = ConvFixture.Floats(r, "grad_output");
        var xHat = new float[x.Length];
        var invStd = new float[channels];
        var y = new float[x.Length];
        ChannelBatchNormKernels.TrainingForward(x, gamma, beta, mean, variance, momentum, epsilon, xHat, invStd, y, batch, channels, plane);
        ConvFixture.AssertClose(r, "output", y);
        ConvFixture.AssertClose(r, "running_after", [.. mean, .. variance]);
        var gg = new float[channels];
        var gb = new float[channels];
        var gx = new float[x.Length];
        ChannelBatchNormKernels.TrainingBackward(g, xHat, invStd, gamma, gg, gb, gx, batch, channels, plane);
        ConvFixture.AssertClose(r, "grad_input", gx);
        ConvFixture.AssertClose(r, "grad_gamma", gg);
        ConvFixture.AssertClose(r, "grad_beta", gb);

        float[] xe = ConvFixture.Floats(r, "eval_input"), ge = ConvFixture.Floats(r, "eval_grad_output");
        var ye = new float[xe.Length];
        ChannelBatchNormKernels.Inference(xe, gamma, beta, mean, variance, epsilon, ye, batch, channels, plane);
        ConvFixture.AssertClose(r, "eval_output", ye);
        Array.Clear(gg);
        Array.Clear(gb);
        var gxe = new float[xe.Length];
        ChannelBatchNormKernels.InferenceBackward(ge, xe, gamma, mean, variance, epsilon, gg, gb, gxe, batch, channels, plane);
        ConvFixture.AssertClose(r, "eval_grad_input", gxe);
        ConvFixture.AssertClose(r, "eval_grad_gamma", gg);
        ConvFixture.AssertClose(r, "eval_grad_beta", gb);

        // Inference sample by sample gives the batch's bits.
        var y1 = new float[xe.Length];
        var gx1 = new float[xe.Length];
        int n = channels * plane;
        for (int s = 0; s < batch; s++)
        {
            ChannelBatchNormKernels.Inference(xe.AsSpan(s * n, n), gamma, beta, mean, variance, epsilon, y1.AsSpan(s * n, n), 1, channels, plane);
            ChannelBatchNormKernels.InferenceBackward(ge.AsSpan(s * n, n), xe.AsSpan(s * n, n), gamma, mean, variance, epsilon, new float[channels], new float[channels],
                gx1.AsSpan(s * n, n), 1, channels, plane);
        }
        ConvKernelTests.AssertBits(ye, y1, "inference output");
        ConvKernelTests.AssertBits(gxe, gx1, "inference ∂L/∂x");
    }

    [Fact]
    public void TrainingGradientsMatchFiniteDifferencesOfADoubleReference()
    {
        const int batch = 3, channels = 2, plane = 5;
        var random = new SeededRandom(8);
        float[] x = ConvKernelTests.Random(random, batch * channels * plane), g = ConvKernelTests.Random(random, x.Length);
        float[] gamma = [1.3f, 0.7f], beta = [0.2f, -0.4f];
        var xHat = new float[x.Length];
        var invStd = new float[channels];
        var y = new float[x.Length];
        ChannelBatchNormKernels.TrainingForward(x, gamma, beta, new float[channels], new float[channels], 0.1f, 1e-5f, xHat, invStd, y, batch, channels, plane);
        var gg = new float[channels];
        var gb = new float[channels];
        var gx = new float[x.Length];
        ChannelBatchNormKernels.TrainingBackward(g, xHat, invStd, gamma, gg, gb, gx, batch, channels, plane);

        double Loss(double[] xs, double[] gam, double[] bet)
        {
            double loss = 0;
            for (int c = 0; c < channels; c++)
            {
                var values = Enumerable.Range(0, batch).SelectMany(s => Enumerable.Range((s * channels + c) * plane, plane)).ToArray();
                double mu = values.Average(i => xs[i]);
                double variance = values.Average(i => (xs[i] - mu) * (xs[i] - mu));
                foreach (int i in values)
                {
                    loss += g[i] * (gam[c] * (xs[i] - mu) / Math.Sqrt(variance + 1e-5) + bet[c]);
                }
            }
            return loss;
        }
        double[] xd = x.Select(v => (double)v).ToArray(), gd = gamma.Select(v => (double)v).ToArray(), bd = beta.Select(v => (double)v).ToArray();
        ConvKernelTests.AssertNear(Differences(xd, v => Loss(v, gd, bd)), gx, "∂L/∂x");
        ConvKernelTests.AssertNear(Differences(gd, v => Loss(xd, v, bd)), gg, "∂L/∂γ");
        ConvKernelTests.AssertNear(Differences(bd, v => Loss(xd, gd, v)), gb, "∂L/∂β");
    }

    private static double[] Differences(double[] at, Func<double[], double> f)
    {
        var result = new double[at.Length];
        var probe = (double[])at.Clone();
        for (int i = 0; i < at.Length; i++)
        {
            const double h = 1e-5;
            probe[i] = at[i] + h;
            double plus = f(probe);
            probe[i] = at[i] - h;
            double minus = f(probe);
            probe[i] = at[i];
            result[i] = (plus - minus) / (2 * h);
        }
        return result;
    }

    [Fact]
    public void NoCallAllocatesAndBadInputThrowsNamingTheArgument()
    {
        const int batch = 4, channels = 6, plane = 196;
        var x = new float[batch * channels * plane];
        var y = new float[x.Length];
        var xHat = new float[x.Length];
        var gx = new float[x.Length];
        float[] gamma = new float[channels], beta = new float[channels], mean = new float[channels], variance = Enumerable.Repeat(1f, channels).ToArray();
        var invStd = new float[channels];
        var gg = new float[channels];
        var gb = new float[channels];
        Assert.Equal(0, Allocations.Minimum(() =>
        {
            ChannelBatchNormKernels.TrainingForward(x, gamma, beta, mean, variance, 0.1f, 1e-5f, xHat, invStd, y, batch, channels, plane);
            ChannelBatchNormKernels.TrainingBackward(y, xHat, invStd, gamma, gg, gb, gx, batch, channels, plane);
            ChannelBatchNormKernels.Inference(x, gamma, beta, mean, variance, 1e-5f, y, batch, channels, plane);
            ChannelBatchNormKernels.InferenceBackward(y, x, gamma, mean, variance, 1e-5f, gg, gb, gx, batch, channels, plane);
        }));

        float[] before = [.. mean, .. variance];
        var e = Assert.Throws<ArgumentException>(() => ChannelBatchNormKernels.TrainingForward(x.AsSpan(0, channels), gamma, beta, mean, variance, 0.1f, 1e-5f,
            xHat.AsSpan(0, channels), invStd, y.AsSpan(0, channels), 1, channels, 1));
        Assert.Equal("batch", e.ParamName);
        Assert.Contains("at least 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => ChannelBatchNormKernels.TrainingForward(x, gamma.AsSpan(1), beta, mean, variance, 0.1f, 1e-5f, xHat, invStd, y, batch, channels, plane));
        Assert.Equal("gamma", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ChannelBatchNormKernels.TrainingForward(x, gamma, beta, mean, variance, 0.1f, 1e-5f, xHat.AsSpan(1), invStd, y, batch, channels, plane));
        Assert.Equal("xHat", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ChannelBatchNormKernels.Inference(x.AsSpan(1), gamma, beta, mean, variance, 1e-5f, y, batch, channels, plane));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ChannelBatchNormKernels.TrainingBackward(y, xHat, invStd, gamma, gg, gb, gx.AsSpan(3), batch, channels, plane));
        Assert.Equal("gradInput", e.ParamName);
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => ChannelBatchNormKernels.Inference(x, gamma, beta, mean, variance, 1e-5f, y, batch, 0, plane));
        Assert.Equal("channels", range.ParamName);
        Assert.Equal(before, mean.Concat(variance).ToArray());
    }
}
