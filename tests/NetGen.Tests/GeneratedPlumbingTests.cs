using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NetGen.Kernels;

namespace NetGen.Tests;

/// <summary>The runtime types the generated classes use for their plumbing: Workspace, AddGradient, SgdStep, Guard.Batch.</summary>
public class GeneratedPlumbingTests
{
    [Fact]
    public void Workspace_FixedBuffersAreAlignedAndZero_RowsGrowOnlyWhenLarger()
    {
        var workspace = new Workspace([5, 64], [3, 1]);
        Span<float> buffer = workspace.Buffer(1, 64);
        Assert.Equal(64, buffer.Length);
        Assert.All(buffer.ToArray(), v => Assert.Equal(0f, v));
        long address = (long)Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref MemoryMarshal.GetReference(buffer));
        Assert.Equal(0, address % Aligned.Alignment);
        Assert.Equal(0, workspace.BatchCapacity);
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.Rows(0, 1));
        workspace.EnsureBatch(4);
        Span<float> rows = workspace.Rows(0, 4);
        Assert.Equal(12, rows.Length);
        rows[11] = 7f;
        workspace.EnsureBatch(2);
        Assert.Equal(4, workspace.BatchCapacity);
        Assert.Equal(7f, workspace.Rows(0, 4)[11]);
        Assert.Equal(2, workspace.Rows(1, 2).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.Rows(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => workspace.EnsureBatch(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Workspace([-1], []));
        Assert.Throws<ArgumentNullException>(() => new Workspace(null!, []));
    }

    [Fact]
    public void Steps_AreTheStatementsTheyStandFor()
    {
        float g = 0.5f, theta = 2f;
        new AddGradient().Apply(ref g, 0.25f);
        Assert.Equal(0.75f, g);
        var sgd = new SgdStep(0.1f, 4);
        Assert.True(sgd.IsSgd);
        Assert.Equal(0.1f, sgd.LearningRate);
        sgd.Apply(ref theta, 3f);
        Assert.Equal(2f - 0.1f / 4 * 3f, theta);
        Assert.False(new AddGradient().IsSgd);

        float[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 99];
        new AddGradient().Apply(values.AsSpan(0, 4), Vector128.Create(1f));
        new SgdStep(0.5f).Apply(values.AsSpan(4, 8), Vector256.Create(2f));
        new SgdStep(1f).Apply(values.AsSpan(0, 16), Vector512.Create(1f));
        Assert.Equal([1, 2, 3, 4, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 99], values);
    }

    [Fact]
    public void SgdStep_RejectsABadRateOrBatch()
    {
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new SgdStep(0f)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new SgdStep(float.NaN)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new SgdStep(float.PositiveInfinity)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new SgdStep(0.1f, 0)).ParamName);
    }

    [Fact]
    public void GuardBatch_NamesTheSpanAndTheExpectedLength()
    {
        Guard.Batch(6, 4, 0, 2, 3, 2, "Net");
        Guard.Batch(6, 4, 2, 2, 3, 2, "Net");
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => Guard.Batch(0, 0, 0, 0, 3, 2, "Net")).ParamName);
        ArgumentException e = Assert.Throws<ArgumentException>(() => Guard.Batch(5, 4, 0, 2, 3, 2, "Net"));
        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("needs exactly 6", e.Message);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => Guard.Batch(6, 3, 0, 2, 3, 2, "Net")).ParamName);
        Assert.Equal("losses", Assert.Throws<ArgumentException>(() => Guard.Batch(6, 4, 3, 2, 3, 2, "Net")).ParamName);
    }
}
