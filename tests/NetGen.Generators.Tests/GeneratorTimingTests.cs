using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit.Abstractions;

namespace NetGen.Generators.Tests;

/// <summary>
/// Measures (never asserts) how long the generator and the analyzers take: the MNIST-shaped 784-128-64-10 network and a
/// compilation with 50 networks. The numbers go to the test output:
/// <c>dotnet test tests/NetGen.Generators.Tests --filter FullyQualifiedName~GeneratorTimingTests --logger "console;verbosity=detailed"</c>.
/// </summary>
public class GeneratorTimingTests(ITestOutputHelper output)
{
    private const int Runs = 7;

    [Fact]
    public void Mnist_784_128_64_10()
    {
        const string source = """
            using NetGen;
            namespace Demo;
            [Network(Loss = Loss.CrossEntropy)]
            [Input(784)]
            [Dense(128, Activation.ReLU)]
            [Dense(64, Activation.ReLU)]
            [Dense(10, Activation.Softmax)]
            public sealed partial class MnistNet;
            """;
        Measure("784-128-64-10", GeneratorHarness.Compile(source), expectedNetworks: 1);
    }

    [Fact]
    public void FiftyNetworks()
    {
        var random = new Random(50);
        string[] activations = ["Tanh", "ReLU", "Sigmoid", "GELU", "LeakyReLU"];
        var sources = new List<string>();
        for (int i = 0; i < 50; i++)
        {
            var sb = new StringBuilder($"using NetGen;\nnamespace Demo.N{i};\n[Network(Loss = Loss.MeanSquaredError)]\n[Input({random.Next(2, 65)})]\n");
            int layers = random.Next(1, 4);
            for (int l = 0; l < layers; l++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"[Dense({random.Next(2, 65)}, Activation.{activations[random.Next(activations.Length)]})]\n");
            }
            sb.Append(CultureInfo.InvariantCulture, $"[Dense({random.Next(1, 11)})]\npublic sealed partial class Net{i};\n");
            sources.Add(sb.ToString());
        }
        Measure("50 networks", GeneratorHarness.Compile([.. sources]), expectedNetworks: 50);
    }

    private void Measure(string name, Compilation compilation, int expectedNetworks)
    {
        var generator = new List<double>();
        Compilation withGenerated = compilation;
        for (int run = 0; run < Runs; run++)
        {
            // A fresh driver each time: the first, uncached run is what a build pays.
            GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out withGenerated, out var diagnostics);
            Assert.Empty(diagnostics);
            Assert.Equal(expectedNetworks, driver.GetRunResult().Results.Single().GeneratedSources.Length);
            generator.Add(driver.GetTimingInfo().GeneratorTimes.Single().ElapsedTime.TotalMilliseconds);
        }

        // The analyzers once (each run binds the whole compilation, generated code included, which dominates).
        var withAnalyzers = withGenerated.WithAnalyzers(GeneratorHarness.Analyzers,
            new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true));
        AnalysisResult result = withAnalyzers.GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
        Assert.Empty(result.GetAllDiagnostics());
        double analyzers = result.AnalyzerTelemetryInfo.Values.Sum(t => t.ExecutionTime.TotalMilliseconds);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: generator median {Median(generator):F1} ms over {Runs} fresh runs (first {generator[0]:F1} ms, includes JIT), analyzers {analyzers:F1} ms"));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
