using Microsoft.CodeAnalysis;

namespace NetGen.Generators.Tests;

/// <summary>
/// The generated file names vector types and kernel classes through file-local using aliases (<c>V128</c>, <c>Activations</c>,
/// <c>Span</c>, …). A user's type, member or global using of the same name must neither break the build nor capture the
/// alias: the alias then takes another name.
/// </summary>
public class AliasTests
{
    private const string Networks = """
        namespace Demo
        {
            [NetGen.Network(Loss = NetGen.Loss.MeanSquaredError)]
            [NetGen.Input(1)]
            [NetGen.Dense(8, NetGen.Activation.Tanh)]
            [NetGen.Dense(8, NetGen.Activation.Tanh)]
            [NetGen.Dense(1)]
            public sealed partial class AudioNet
            {
                // A member named like the kernel class alias, and one like the bounds alias.
                public int Activations => 1;
                public static string Guard() => "user";
            }

            [NetGen.Network(Loss = NetGen.Loss.CrossEntropy)]
            [NetGen.Input(12)]
            [NetGen.Dense(16, NetGen.Activation.ReLU)]
            [NetGen.Dropout(0.25)]
            [NetGen.Dense(3, NetGen.Activation.Softmax)]
            public sealed partial class Classifier;

            // Types in the network's namespace named like aliases.
            public sealed class V256 { }
            public sealed class Losses { }
        }
        """;

    private const string Elsewhere = """
        global using Span = System.Collections.Generic.List<int>;
        global using System;

        // A type in the global namespace named like an alias.
        public sealed class ReadOnlySpan { }
        public sealed class Vector128 { }
        """;

    [Fact]
    public void UserNamesLikeTheAliases_CompileAndKeepTheirMeaning()
    {
        FullRun run = GeneratorHarness.RunAll(Networks, Elsewhere);
        Assert.Empty(run.Generator);
        Assert.Empty(run.Analyzer);
        // No errors or warnings, and no alias the generated files declare without using it.
        Assert.Empty(run.Compiler.Where(d => d.Severity >= DiagnosticSeverity.Warning
            || d.Id == "CS8019" && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true));
        string audio = run.Run.Results.Single().GeneratedSources.Single(s => s.HintName == "Demo.AudioNet.g.cs").SourceText.ToString();
        // Each clashing name gets an underscore; the others keep theirs.
        Assert.Contains("using Span_ = global::System.Span<float>;", audio);
        Assert.Contains("using ReadOnlySpan_ = global::System.ReadOnlySpan<float>;", audio);
        Assert.Contains("using V256_ = global::System.Runtime.Intrinsics.Vector256<float>;", audio);
        Assert.Contains("using Vector256 = global::System.Runtime.Intrinsics.Vector256;", audio);
        Assert.Contains("using Activations_ = global::NetGen.Kernels.Activations;", audio);
        Assert.Contains("using Losses_ = global::NetGen.Kernels.Losses;", audio);
        Assert.Contains("using Guard_ = global::NetGen.Guard;", audio);
        Assert.Contains("V256_ a1 = Activations_.Tanh(", audio);
    }

    [Fact]
    public void UserNamesLikeTheAliases_TheNetworksStillCompute()
    {
        // The same declarations with the names taken compute the same network as without: compare the generated code
        // with the aliases mapped back.
        string taken = Generated(GeneratorHarness.RunAll(Networks, Elsewhere), "Demo.Classifier.g.cs");
        string free = Generated(GeneratorHarness.RunAll(Networks.Replace("V256", "UserVector").Replace("class Losses", "class UserLosses")
            .Replace("public int Activations => 1;", "").Replace("public static string Guard() => \"user\";", "")), "Demo.Classifier.g.cs");
        foreach (string alias in new[] { "Span", "ReadOnlySpan", "V256", "Vector128", "Activations", "Losses", "Guard" })
        {
            taken = System.Text.RegularExpressions.Regex.Replace(taken, $@"\b{alias}_(?!\w)", alias);
        }
        Assert.Equal(free, taken);
    }

    private static string Generated(FullRun run, string hintName)
    {
        Assert.Empty(run.Compiler.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        return run.Run.Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
    }
}
