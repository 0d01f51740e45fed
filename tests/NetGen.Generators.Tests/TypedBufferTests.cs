using Microsoft.CodeAnalysis;

namespace NetGen.Generators.Tests;

/// <summary>Typed fixed-size buffers: a buffer of another network's shape does not compile; the right one compiles cleanly.</summary>
public class TypedBufferTests
{
    private const string Networks = """
        using NetGen;
        [Network][Input(2)][Dense(4, Activation.Tanh)][Dense(1)]
        public partial class Small;
        [Network][Input(3)][Dense(2)]
        public partial class Other;
        """;

    [Fact]
    public void TheNetworksOwnBuffers_Compile()
    {
        FullRun run = GeneratorHarness.RunAll(Networks, """
            public static class Use
            {
                public static float Run(Small net)
                {
                    Small.InputBuffer x = default;
                    x[0] = 1f;
                    x[1] = -0.5f;
                    net.Forward(in x, out Small.OutputBuffer y);
                    return y[0];
                }
            }
            """);
        Assert.Empty(run.NetGen);
        Assert.Empty(run.Compiler.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Theory]
    [InlineData("Other.InputBuffer x = default;", "Small.OutputBuffer")]     // another network's input
    [InlineData("Small.InputBuffer x = default;", "Other.OutputBuffer")]     // another network's output
    public void AnotherNetworksBuffer_DoesNotCompile(string input, string output)
    {
        FullRun run = GeneratorHarness.RunAll(Networks, $$"""
            public static class Use
            {
                public static void Run(Small net)
                {
                    {{input}}
                    net.Forward(in x, out {{output}} _);
                }
            }
            """);
        AssertRefusedAtTheCall(run);
    }

    /// <summary>The compiler's error is at the Forward call (line 6): no overload takes the other network's buffer.</summary>
    private static void AssertRefusedAtTheCall(FullRun run)
    {
        Assert.Empty(run.NetGen);
        Assert.Contains(run.Compiler, d => d.Severity == DiagnosticSeverity.Error && d.Location.GetLineSpan().StartLinePosition.Line == 5
            && d.Id is "CS1503" or "CS1615");
    }
}
