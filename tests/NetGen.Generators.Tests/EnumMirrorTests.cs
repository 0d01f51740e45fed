namespace NetGen.Generators.Tests;

/// <summary>The generator reads enum arguments as integers; its mirrors must match the runtime enums exactly.</summary>
public class EnumMirrorTests
{
    [Fact]
    public void ActivationMirrorMatchesRuntime() => AssertSame<NetGen.Activation, Model.ActivationKind>();

    [Fact]
    public void LossMirrorMatchesRuntime() => AssertSame<NetGen.Loss, Model.LossKind>();

    [Fact]
    public void ReductionMirrorMatchesRuntime() => AssertSame<NetGen.Reduction, Model.ReductionKind>();

    [Fact]
    public void LayerKindMirrorMatchesRuntime() => AssertSame<NetGen.LayerKind, Model.LayerKindSpec>();

    [Fact]
    public void WeightInitMirrorMatchesRuntime() => AssertSame<NetGen.WeightInit, Model.WeightInitKind>();

    private static void AssertSame<TRuntime, TMirror>() where TRuntime : struct, Enum where TMirror : struct, Enum
    {
        Assert.Equal(
            Enum.GetValues<TRuntime>().Select(v => (v.ToString(), Convert.ToInt32(v))),
            Enum.GetValues<TMirror>().Select(v => (v.ToString(), Convert.ToInt32(v))));
    }
}
