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

    [Fact]
    public void MatrixTimesVector8x8_HasTheBitsOfTheRowProductsRowSums()
    {
        // Random values, so any other summation tree would differ in the last bits somewhere over 200 trials.
        var random = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            float[] rows = Enumerable.Range(0, 64).Select(_ => (float)(random.NextDouble() * 2 - 1) * (trial % 7 == 0 ? 1e4f : 1f)).ToArray();
            Vector256<float> x = Vector256.Create(Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
            Vector256<float> R(int o) => Vector256.Create(rows, 8 * o) * x;
            Vector256<float> expected = Lanes.RowSums(R(0), R(1), R(2), R(3), R(4), R(5), R(6), R(7));
            Vector256<float> actual = Lanes.RowSums(rows, x);
            for (int o = 0; o < 8; o++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[o]), BitConverter.SingleToInt32Bits(actual[o]));
            }
        }
    }

    [Fact]
    public void Sum_HasTheBitsOfVectorSum()
    {
        var random = new Random(12);
        for (int trial = 0; trial < 500; trial++)
        {
            Vector256<float> v = Vector256.Create(Enumerable.Range(0, 8).Select(_ => (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-3, 8)))).ToArray());
            Assert.Equal(BitConverter.SingleToInt32Bits(Vector256.Sum(v)), BitConverter.SingleToInt32Bits(Lanes.Sum(v)));
            Vector128<float> w = v.GetLower();
            Assert.Equal(BitConverter.SingleToInt32Bits(Vector128.Sum(w)), BitConverter.SingleToInt32Bits(Lanes.Sum(w)));
        }
        // The documented tree: ((v₀+v₁)+(v₂+v₃)) + ((v₄+v₅)+(v₆+v₇)).
        Vector256<float> p = Vector256.Create(1e8f, 1f, -1e8f, 1f, 3f, 1e8f, 5f, -1e8f);
        Assert.Equal(((1e8f + 1f) + (-1e8f + 1f)) + ((3f + 1e8f) + (5f + -1e8f)), Lanes.Sum(p));
    }
}
