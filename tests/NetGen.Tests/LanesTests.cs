using System.Runtime.Intrinsics;
using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>Lanes.RowSums against plain sums (the pairwise order is exact for these small integers), in every width.</summary>
public class LanesTests
{
    private static float[] Row(int o, int width) => Enumerable.Range(0, width).Select(i => (float)(o * 10 + i * i - 7)).ToArray();

    private static float Sum(int o, int width) => Row(o, width).Sum();

    [Fact]
    public void EightRowsOfEight()
    {
        Vector256<float> P(int o) => Vector256.Create(Row(o, 8));
        Vector256<float> sums = Lanes.RowSums(P(0), P(1), P(2), P(3), P(4), P(5), P(6), P(7));
        Assert.Equal(Enumerable.Range(0, 8).Select(o => Sum(o, 8)).ToArray(), Enumerable.Range(0, 8).Select(i => sums[i]).ToArray());
    }

    [Fact]
    public void FourRowsOfEight()
    {
        Vector256<float> P(int o) => Vector256.Create(Row(o, 8));
        Vector128<float> sums = Lanes.RowSums(P(0), P(1), P(2), P(3));
        Assert.Equal(Enumerable.Range(0, 4).Select(o => Sum(o, 8)).ToArray(), Enumerable.Range(0, 4).Select(i => sums[i]).ToArray());
    }

    [Fact]
    public void EightRowsOfFour()
    {
        Vector128<float> P(int o) => Vector128.Create(Row(o, 4));
        Vector256<float> sums = Lanes.RowSums(P(0), P(1), P(2), P(3), P(4), P(5), P(6), P(7));
        Assert.Equal(Enumerable.Range(0, 8).Select(o => Sum(o, 4)).ToArray(), Enumerable.Range(0, 8).Select(i => sums[i]).ToArray());
    }

    [Fact]
    public void FourRowsOfFour_PairsLanesLikeTheDocumentedOrder()
    {
        Vector128<float> P(int o) => Vector128.Create(Row(o, 4));
        Vector128<float> sums = Lanes.RowSums(P(0), P(1), P(2), P(3));
        Assert.Equal(Enumerable.Range(0, 4).Select(o => Sum(o, 4)).ToArray(), Enumerable.Range(0, 4).Select(i => sums[i]).ToArray());
        // Pairwise in float, (1e8 + 1) + (−1e8 + 1) = 1e8 − 1e8 = 0; left to right it would be ((1e8 + 1) − 1e8) + 1 = 1.
        Vector128<float> p = Vector128.Create(1e8f, 1f, -1e8f, 1f);
        Assert.Equal((1e8f + 1f) + (-1e8f + 1f), Lanes.RowSums(p, p, p, p)[0]);
    }
}
