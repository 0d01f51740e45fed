using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetGen.Kernels;

namespace NetGen.Tests;

public class AlignedTests
{
    private static long Address(Span<float> span) =>
        (long)Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref MemoryMarshal.GetReference(span));

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(1000)]
    public void Allocate_GivesAZeroedSpanOnA64ByteBoundary_ThatStaysPut(int length)
    {
        float[][] buffers = Enumerable.Range(0, 16).Select(_ => Aligned.Allocate(length)).ToArray();
        foreach (float[] buffer in buffers)
        {
            Span<float> span = Aligned.Span(buffer, length);
            Assert.Equal(length, span.Length);
            Assert.Equal(0, Address(span) % Aligned.Alignment);
            Assert.All(span.ToArray(), v => Assert.Equal(0f, v));
            span.Fill(1f);
        }
        long before = Address(Aligned.Span(buffers[0], length));
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Assert.Equal(before, Address(Aligned.Span(buffers[0], length)));
        Assert.All(Aligned.Span(buffers[0], length).ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void First_IsTheFirstElementOfTheSpan()
    {
        float[] buffer = Aligned.Allocate(33);
        Aligned.First(buffer) = 7f;
        Assert.Equal(7f, Aligned.Span(buffer, 33)[0]);
        Assert.True(Unsafe.AreSame(ref Aligned.First(buffer), ref MemoryMarshal.GetReference(Aligned.Span(buffer, 33))));
    }

    [Fact]
    public void Allocate_Zero_IsEmpty_AndNegativeThrows()
    {
        Assert.Empty(Aligned.Allocate(0));
        Assert.Equal(0, Aligned.Span(Aligned.Allocate(0), 0).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => Aligned.Allocate(-1));
    }

    [Fact]
    public void GeneratedNetworks_KeepParametersAndGradientsOnCacheLineBoundaries()
    {
        foreach (ITrainableNetwork network in new ITrainableNetwork[] { new TanhSigmoidBceMean(1), new DigitsReluSoftmaxCeMean(2), new DeepMixedMseMean(3), new StBatchNormDropout(4) })
        {
            Assert.Equal(0, Address(network.Parameters) % Aligned.Alignment);
            Assert.Equal(0, Address(network.Gradients) % Aligned.Alignment);
            Assert.Equal(network.ParameterCount, network.Parameters.Length);
            Assert.Equal(network.ParameterCount, network.Gradients.Length);
            network.Gradients.Fill(3f);
            network.ZeroGradients();
            Assert.All(network.Gradients.ToArray(), g => Assert.Equal(0f, g));
        }
    }
}
