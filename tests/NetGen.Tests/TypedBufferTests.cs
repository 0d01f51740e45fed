using System.Runtime.CompilerServices;

namespace NetGen.Tests;

/// <summary>The generated InputBuffer/OutputBuffer and Forward(in, out): exact sizes, the span overload's values, 0 bytes.</summary>
public class TypedBufferTests
{
    [Fact]
    public void Buffers_HoldExactlyTheNetworksSizes()
    {
        Assert.Equal(OptimizerNet.InputSize * sizeof(float), Unsafe.SizeOf<OptimizerNet.InputBuffer>());
        Assert.Equal(OptimizerNet.OutputSize * sizeof(float), Unsafe.SizeOf<OptimizerNet.OutputBuffer>());
        Assert.Equal(784 * sizeof(float), Unsafe.SizeOf<LeNet5.InputBuffer>());
        Assert.Equal(10 * sizeof(float), Unsafe.SizeOf<LeNet5.OutputBuffer>());
    }

    [Fact]
    public void Forward_OnTypedBuffers_EqualsTheSpanOverload()
    {
        var net = new OptimizerNet(seed: 3);
        OptimizerNet.InputBuffer x = default;
        float[] input = [0.25f, -1f, 0.5f, 2f];
        input.CopyTo(x);
        net.Forward(in x, out OptimizerNet.OutputBuffer y);
        float[] expected = new float[OptimizerNet.OutputSize];
        net.Forward(input, expected);
        Assert.Equal(expected, ((ReadOnlySpan<float>)y).ToArray());

        var cnn = new StridedCnn(seed: 2);
        StridedCnn.InputBuffer image = default;
        for (int i = 0; i < StridedCnn.InputSize; i++)
        {
            image[i] = MathF.Sin(i);
        }
        cnn.Forward(in image, out StridedCnn.OutputBuffer classes);
        float[] reference = new float[StridedCnn.OutputSize];
        cnn.Forward(image, reference);
        Assert.Equal(reference, ((ReadOnlySpan<float>)classes).ToArray());
    }

    [Fact]
    public void Forward_OnTypedBuffers_AllocatesNothing()
    {
        var net = new OptimizerNet(seed: 3);
        OptimizerNet.InputBuffer x = default;
        x[1] = 1f;
        net.Forward(in x, out OptimizerNet.OutputBuffer _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        float sum = 0f;
        for (int i = 0; i < 1000; i++)
        {
            x[0] = i * 0.001f;
            net.Forward(in x, out OptimizerNet.OutputBuffer y);
            sum += y[0];
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(float.IsFinite(sum));
    }
}
