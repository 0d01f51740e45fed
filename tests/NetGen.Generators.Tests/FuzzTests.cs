using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace NetGen.Generators.Tests;

/// <summary>
/// Seeded fuzzing of [Network] declarations: random attribute sequences, wrong argument types and counts, missing
/// arguments, huge and negative sizes, odd names, odd kinds of class, colliding members, extra partial parts. For every
/// declaration: the generator and the analyzers never throw (no CS8785, no AD0001); a declaration the generator accepts
/// (emits source for) compiles without errors; one it rejects carries at least one NG diagnostic in its own file.
/// Outside the NetGen attributes and the class declaration, the generated C# is valid (no circular base lists or
/// conflicting accessibility between parts), so that every compile error is one NetGen must account for.
/// </summary>
/// <remarks>
/// The normal test run fuzzes <see cref="DefaultCount"/> declarations. The full run (10,000 or more):
/// <c>NETGEN_FUZZ_COUNT=10000 dotnet test tests/NetGen.Generators.Tests --filter FullyQualifiedName~FuzzTests</c>;
/// <c>NETGEN_FUZZ_SEED</c> changes the seed (default <see cref="DefaultSeed"/>).
/// </remarks>
public class FuzzTests(ITestOutputHelper output)
{
    public const int DefaultCount = 600;
    public const int DefaultSeed = 3;

    /// <summary>Declarations per compilation: batching many keeps the fixed cost of a compilation low.</summary>
    private const int BatchSize = 200;

    [Fact]
    public void RandomDeclarations_NeverCrash_AcceptedCompile_RejectedAreDiagnosed()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("NETGEN_FUZZ_COUNT"), out int c) && c > 0 ? c : DefaultCount;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("NETGEN_FUZZ_SEED"), out int s) ? s : DefaultSeed;
        var random = new Random(seed);
        var stopwatch = Stopwatch.StartNew();
        int accepted = 0, rejected = 0;
        var failures = new List<string>();
        for (int first = 0; first < count; first += BatchSize)
        {
            int n = Math.Min(BatchSize, count - first);
            string[] sources = Enumerable.Range(first, n).Select(i => Declaration(random, i)).ToArray();
            (int a, int r) = Check(sources, first, failures);
            accepted += a;
            rejected += r;
            if (failures.Count >= 10)
            {
                break;
            }
        }
        output.WriteLine($"fuzz: seed {seed}, {accepted + rejected} declarations, {accepted} accepted, {rejected} rejected, {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.Equal(count, accepted + rejected);
        // The generator must be exercised on both sides of the line.
        Assert.InRange(accepted, count / 10, count - count / 10);
    }

    private static (int Accepted, int Rejected) Check(string[] sources, int first, List<string> failures)
    {
        // Each declaration sits in its own file and namespace, so diagnostics and generated files map back to it.
        FullRun run = GeneratorHarness.RunAll(GeneratorHarness.Compile(sources));
        foreach (Diagnostic crash in run.Generator.Where(d => d.Id == "CS8785").Concat(run.Analyzer.Where(d => d.Id == "AD0001")))
        {
            failures.Add($"{crash.Id}: {crash.GetMessage(CultureInfo.InvariantCulture)}");
        }
        failures.AddRange(run.AnalyzerExceptions.Select(e => "analyzer threw: " + e));

        var generatedFor = run.Run.Results.Single().GeneratedSources
            .ToLookup(g => g.HintName.Substring(0, g.HintName.IndexOf('.', StringComparison.Ordinal)), StringComparer.Ordinal);
        List<Diagnostic> compilerErrors = run.Compiler.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        List<Diagnostic> netgen = run.NetGen.ToList();
        int accepted = 0, rejected = 0;
        for (int k = 0; k < sources.Length; k++)
        {
            int i = first + k;
            string file = $"Source{k}.cs";
            string ns = Namespace(i);
            if (generatedFor.Contains(ns))
            {
                accepted++;
                var trees = generatedFor[ns].Select(g => g.SyntaxTree.FilePath).Append(file).ToHashSet();
                var errors = compilerErrors.Where(d => trees.Contains(d.Location.SourceTree?.FilePath ?? "")).ToList();
                if (errors.Count > 0 || netgen.Any(d => InFile(d, file) && d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("NG1", StringComparison.Ordinal) | d.Id.StartsWith("NG2", StringComparison.Ordinal)))
                {
                    failures.Add($"accepted but does not compile cleanly:\n{sources[k]}\n{string.Join("\n", errors.Select(e => e.ToString()))}");
                }
            }
            else
            {
                rejected++;
                // A declaration the compiler itself rejects (an argument it cannot bind, e.g. Activation.Swish) is diagnosed
                // by the compiler's error alone: NetGen stays silent rather than blame another argument (issue 13).
                if (!netgen.Any(d => InFile(d, file)) && !compilerErrors.Any(d => InFile(d, file)))
                {
                    failures.Add($"rejected without an NG diagnostic:\n{sources[k]}\n{string.Join("\n", compilerErrors.Where(d => InFile(d, file)).Select(e => e.ToString()))}");
                }
            }
        }
        return (accepted, rejected);
    }

    private static bool InFile(Diagnostic d, string file) => d.Location.GetLineSpan().Path == file;

    private static string Namespace(int i) => "Fuzz" + i.ToString(CultureInfo.InvariantCulture);

    // ── The declaration generator ─────────────────────────────────────────────────────────────────────

    private static readonly string[] s_activations = ["Identity", "Step", "Sign", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "GELU", "Softmax"];
    private static readonly string[] s_losses = ["MeanSquaredError", "MeanAbsoluteError", "BinaryCrossEntropy", "CrossEntropy", "Hinge", "KLDivergence"];
    private static readonly string[] s_oddNames = ["@class", "@float", "@event", "Ünïcödé", "__x", "Net_\\u0041", "Forward", "InputSize", "Parameters",
        "Gradients", "_parameters", "INetwork", "Activation", "Kernels", "N", "VeryLongNetworkNameThatGoesOnAndOnForQuiteSomeTimeWithoutEnding", "var", "@partial", "record"];
    private static readonly string[] s_garbageAttributes = ["[Dense]", "[Input]", "[Dense(1, 2, 3)]", "[Dense(\"4\")]", "[Input(2.5)]", "[Input(2, 3)]",
        "[Obsolete]", "[Dense(4, Activation.ReLU, NegativeSlope = float.NaN)]", "[Dense(4, NegativeSlope = float.PositiveInfinity)]", "[Dense(NegativeSlope = 1f)]",
        "[Input(null)]", "[Dense(4, null)]", "[Dense(4, 3)]", "[Network]", "[Dense(4, Activation.Nope)]", "[Dense(int.MaxValue)]", "[Input(-0)]",
        "[System.Serializable]", "[Dense(4, (Activation)(-3))]", "[Dense(4, (Activation)9)]", "[Input(sizeof(int))]"];
    private static readonly string[] s_members = ["public int InputSize => 1;", "public int Other;", "public void Forward(float[] x) { }",
        "public void Forward(System.ReadOnlySpan<float> input, System.Span<float> output) { }", "public NAME(int x) { }", "public NAME() : this(1) { }",
        "private float[] _gradients = [];", "public static int Parameters;", "public class Backward { }", "public float Backward(int x) => x;", "int ZeroGradients;"];

    internal static string Declaration(Random r, int i)
    {
        string name = r.Next(100) < 12 ? s_oddNames[r.Next(s_oddNames.Length)] : "Net" + i.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("using System;\nusing NetGen;\n");
        bool nested = r.Next(100) < 3;
        bool fileScoped = r.Next(2) == 0;
        sb.Append(fileScoped ? $"namespace {Namespace(i)};\n" : $"namespace {Namespace(i)}\n{{\n");
        if (nested)
        {
            sb.Append("public partial class Outer\n{\n");
        }

        sb.Append(NetworkAttribute(r));
        sb.Append(r.Next(3) == 0 ? "\n" : "");
        foreach (string attribute in Layers(r))
        {
            sb.Append(attribute).Append(r.Next(3) == 0 ? "\n" : "");
        }
        sb.Append('\n');

        int kind = r.Next(100);
        string modifiers = kind switch
        {
            < 3 => "public class",
            < 5 => "public static partial class",
            < 6 => "public partial record",
            < 7 => "file partial class",
            < 12 => "internal sealed partial class",
            < 15 => "public abstract partial class",
            _ => "public partial class",
        };
        string generic = r.Next(100) < 3 ? "<T>" : "";
        string baseList = r.Next(100) switch
        {
            < 3 => " : Base",
            < 5 => " : global::NetGen.INetwork",
            _ => "",
        };
        var members = new List<string>();
        if (r.Next(100) < 10)
        {
            members.Add(s_members[r.Next(s_members.Length)].Replace("NAME", name));
        }
        sb.Append($"{modifiers} {name}{generic}{baseList}");
        sb.Append(members.Count == 0 && r.Next(2) == 0 ? ";\n" : "\n{\n    " + string.Join("\n    ", members) + "\n}\n");

        if (r.Next(100) < 4)
        {
            // A second part: empty, with a stray layer, or with a second [Network].
            string part = r.Next(3) switch
            {
                0 => "",
                1 => $"[Dense({r.Next(1, 5)})]\n",
                _ => "[Network]\n",
            };
            sb.Append($"{part}partial class {name}{generic} {{ }}\n");
        }
        if (nested)
        {
            sb.Append("}\n");
        }
        if (baseList == " : Base")
        {
            sb.Append(r.Next(2) == 0 ? "public class Base { public int Parameters => 0; }\n" : "public class Base { public int Something => 0; }\n");
        }
        if (!fileScoped)
        {
            sb.Append("}\n");
        }
        return sb.ToString();
    }

    private static string NetworkAttribute(Random r)
    {
        int roll = r.Next(100);
        string loss = $"Loss = Loss.{s_losses[r.Next(s_losses.Length)]}";
        return roll switch
        {
            < 30 => "[Network]",
            < 80 => $"[Network({loss})]",
            < 90 => $"[Network({loss}, Reduction = Reduction.{(r.Next(2) == 0 ? "Sum" : "Mean")})]",
            < 93 => $"[Network(Loss = (Loss){r.Next(-2, 9)})]",
            < 95 => "[Network(Loss = 3)]",
            < 97 => $"[Network(Reduction = (Reduction){r.Next(-1, 4)})]",
            < 98 => "[Network(Loss = \"x\")]",
            _ => "[Network()]",
        };
    }

    private static IEnumerable<string> Layers(Random r)
    {
        var items = new List<string>();
        int roll = r.Next(100);
        if (roll < 85)
        {
            items.Add($"[Input({Size(r)})]");
        }
        int layers = r.Next(100) < 5 ? 0 : r.Next(1, 5);
        if (r.Next(100) < 15)
        {
            // Convolutional layers (issue 9): on an image, a signal or a vector; sizes that fit or not.
            int input = r.Next(3);
            if (items.Count > 0 && input < 2)
            {
                items[0] = input == 0 ? $"[Input({r.Next(-1, 4)}, {r.Next(1, 12)}, {r.Next(1, 12)})]" : $"[Input({r.Next(1, 4)}, {r.Next(1, 20)})]";
            }
            for (int c = r.Next(1, 4); c > 0; c--)
            {
                items.Add(ConvLayer(r));
            }
        }
        if (r.Next(100) < 12)
        {
            // Recurrent layers (issue 10): GRU/LSTM with sizes that fit or not, after a vector, an image or other kinds.
            for (int c = r.Next(1, 3); c > 0; c--)
            {
                items.Insert(r.Next(items.Count + 1), RecurrentLayer(r));
            }
        }
        if (r.Next(100) < 8)
        {
            // [Normalization] (issue 13): mostly right after [Input] (valid on a vector), sometimes anywhere (NG1201/NG1202).
            string[] normalizations = ["[Normalization]", "[Normalization(Name = \"norm\")]", "[Normalization(3)]", "[Normalization(Name = \"1x\")]"];
            items.Insert(items.Count > 0 && r.Next(4) > 0 ? 1 : r.Next(items.Count + 1), normalizations[r.Next(normalizations.Length)]);
        }
        for (int l = 0; l < layers; l++)
        {
            items.Add(Dense(r));
            if (r.Next(100) < 12)
            {
                items.Add(TrainingLayer(r));
            }
        }
        if (roll >= 85 && roll < 92 && items.Count > 0)
        {
            items.Insert(r.Next(items.Count + 1), $"[Input({Size(r)})]");
        }
        if (r.Next(100) < 4)
        {
            items.Insert(r.Next(items.Count + 1), $"[Input({Size(r)})]");
        }
        if (r.Next(100) < 10)
        {
            items.Insert(r.Next(items.Count + 1), s_garbageAttributes[r.Next(s_garbageAttributes.Length)]);
        }
        if (r.Next(100) < 15 && items.Count > 1)
        {
            // Several attributes in one list: [Input(2), Dense(3)].
            int at = r.Next(items.Count - 1);
            items[at] = items[at].TrimEnd(']') + ", " + items[at + 1].TrimStart('[');
            items.RemoveAt(at + 1);
        }
        return items;
    }

    private static string ConvLayer(Random r) => r.Next(15) switch
    {
        9 => $"[Conv1D({r.Next(-1, 5)}, {r.Next(0, 5)}, Activation.{s_activations[r.Next(s_activations.Length)]}, Stride = {r.Next(0, 4)}, Padding = {r.Next(-1, 3)}, Dilation = {r.Next(0, 3)})]",
        10 => $"[MaxPool1D({r.Next(0, 4)}, Stride = {r.Next(0, 3)})]",
        11 => $"[AvgPool1D({r.Next(1, 4)})]",
        12 => "[GlobalAvgPool]",
        13 => $"[Input({r.Next(0, 4)}, {r.Next(0, 30)})]",
        0 => $"[Conv2D({r.Next(-1, 5)}, {r.Next(0, 6)})]",
        1 => $"[Conv2D({r.Next(1, 5)}, {r.Next(1, 4)}, Activation.{s_activations[r.Next(s_activations.Length)]}, Stride = {r.Next(0, 4)}, Padding = {r.Next(-1, 3)})]",
        2 => $"[MaxPool2D({r.Next(0, 4)})]",
        3 => $"[AvgPool2D({r.Next(1, 4)}, Stride = {r.Next(0, 3)})]",
        4 => "[Flatten]",
        5 => "[Conv2D(2, 3, Activation.Softmax)]",
        6 => "[Conv2D(2)]",
        7 => "[MaxPool2D(2, Stride = -1)]",
        _ => "[Flatten]",
    };

    private static string RecurrentLayer(Random r) => r.Next(8) switch
    {
        0 => $"[GRU({r.Next(-1, 6)})]",
        1 => $"[LSTM({r.Next(-1, 6)}, Layers = {r.Next(-1, 4)})]",
        2 => $"[GRU({r.Next(1, 9)}, Layers = {r.Next(1, 4)})]",
        3 => "[LSTM(3)]",
        4 => "[GRU]",
        5 => "[LSTM(\"4\")]",
        6 => "[GRU(2, Layers = int.MaxValue)]",
        _ => "[LSTM(int.MaxValue)]",
    };

    private static string TrainingLayer(Random r) => r.Next(12) switch
    {
        0 => $"[Dropout({r.Next(-1, 11) / 10.0:0.0})]",
        1 => "[Dropout]",
        2 => "[Dropout(0.5f)]",
        3 => "[BatchNorm]",
        4 => $"[BatchNorm(Activation.{s_activations[r.Next(s_activations.Length)]})]",
        5 => $"[BatchNorm(Momentum = {r.Next(-1, 3) * 0.6:0.0})]",
        6 => "[BatchNorm(Epsilon = 0)]",
        7 => "[BatchNorm((Activation)12)]",
        8 => "[Dense(4, Init = WeightInit.HeNormal)]",
        9 => "[Dense(3, Init = WeightInit.Uniform, InitScale = -1f)]",
        10 => "[Dense(2, Init = (WeightInit)9)]",
        _ => "[Dropout(0.25)]",
    };

    private static string Dense(Random r)
    {
        string units = Size(r);
        int form = r.Next(100);
        string activation = r.Next(100) < 92 ? "Activation." + s_activations[r.Next(s_activations.Length)] : $"(Activation){r.Next(-1, 11)}";
        string slope = r.Next(100) < 10 ? $", NegativeSlope = {r.Next(-5, 50) / 100.0:0.00}f".Replace(",00", ".00") : "";
        return form switch
        {
            < 15 => $"[Dense({units}{slope})]",
            < 25 => $"[Dense(activation: {activation}, units: {units}{slope})]",
            _ => $"[Dense({units}, {activation}{slope})]",
        };
    }

    /// <summary>Mostly small widths: compiling the generated code is most of the cost, and the shape rules do not care.</summary>
    private static string Size(Random r) => r.Next(100) switch
    {
        < 3 => r.Next(-3, 1).ToString(CultureInfo.InvariantCulture),
        < 5 => new[] { "int.MaxValue", "100000", "1 << 20", "40000", "-2147483648" }[r.Next(5)],
        < 7 => $"{r.Next(1, 4)} * {r.Next(1, 4)}",
        < 80 => r.Next(1, 5).ToString(CultureInfo.InvariantCulture),
        < 92 => r.Next(5, 10).ToString(CultureInfo.InvariantCulture),
        _ => r.Next(10, 70).ToString(CultureInfo.InvariantCulture),
    };
}
