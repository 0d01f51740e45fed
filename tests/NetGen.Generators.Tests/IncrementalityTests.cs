using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Parsing;

namespace NetGen.Generators.Tests;

/// <summary>
/// The incremental pipeline caches: its model holds no Roslyn object, edits that do not change a network leave every
/// tracked step Cached/Unchanged, and a change to a network regenerates it.
/// </summary>
public class IncrementalityTests
{
    private const string Network = """
        using NetGen;
        namespace Demo;

        [Network(Loss = Loss.BinaryCrossEntropy)]
        [Input(2)]
        [Dense(4, Activation.Tanh)]
        [Dense(1, Activation.Sigmoid)]
        public sealed partial class XorNet;

        [Network][Input(3)][Dense(-1)]
        public partial class Broken;
        """;

    private const string Unrelated = "namespace Demo;\npublic static class Helpers { public static int Twice(int x) => 2 * x; }\n";

    private static readonly string[] s_steps = [TrackingNames.Parse, TrackingNames.Specs, TrackingNames.Diagnostics];

    private static readonly Type[] s_banned = [typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxTree), typeof(AttributeData), typeof(SyntaxReference)];

    /// <summary>Runs the driver on <paramref name="before"/>, then on <paramref name="after"/>; returns the second run.</summary>
    private static GeneratorRunResult RunTwice(Compilation before, Compilation after)
    {
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(before);
        return driver.RunGenerators(after).GetRunResult().Results.Single();
    }

    private static void AssertAllCached(GeneratorRunResult result)
    {
        foreach (string step in s_steps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            foreach (IncrementalGeneratorRunStep run in result.TrackedSteps[step])
            {
                Assert.All(run.Outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {o.Reason}"));
            }
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void SecondRunOnAClone_IsCachedAndHoldsNoRoslynObjects()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Network, Unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        Assert.Single(first.GeneratedSources);
        Assert.NotEmpty(first.Diagnostics);
        foreach (string step in s_steps)
        {
            foreach (object value in first.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Value))
            {
                AssertNoBannedObject(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
            }
        }
        AssertAllCached(driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single());
    }

    [Fact]
    public void AddingComment_DoesNotRegenerate()
    {
        CSharpCompilation before = GeneratorHarness.Compile(Network, Unrelated);
        SyntaxTree tree = before.SyntaxTrees.First();
        // The comment goes after both classes: diagnostics keep their locations, so even Broken's result is unchanged.
        CSharpCompilation after = before.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().WithChanges(
            new Microsoft.CodeAnalysis.Text.TextChange(new Microsoft.CodeAnalysis.Text.TextSpan(tree.Length, 0), "\n// A comment about XorNet.\n"))));
        AssertAllCached(RunTwice(before, after));
    }

    [Fact]
    public void EditingUnrelatedFile_DoesNotRegenerate()
    {
        CSharpCompilation before = GeneratorHarness.Compile(Network, Unrelated);
        SyntaxTree unrelated = before.SyntaxTrees.Last();
        CSharpCompilation after = before.ReplaceSyntaxTree(unrelated, CSharpSyntaxTree.ParseText(
            Unrelated.Replace("2 * x", "x + x") + "public class More { public void M() { } }\n", GeneratorHarness.ParseOptions, unrelated.FilePath));
        AssertAllCached(RunTwice(before, after));
    }

    [Fact]
    public void ChangingLayerWidth_Regenerates()
    {
        CSharpCompilation before = GeneratorHarness.Compile(Network, Unrelated);
        SyntaxTree tree = before.SyntaxTrees.First();
        CSharpCompilation after = before.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Network.Replace("[Dense(4, Activation.Tanh)]", "[Dense(5, Activation.Tanh)]"), GeneratorHarness.ParseOptions, tree.FilePath));
        GeneratorRunResult result = RunTwice(before, after);

        Assert.Contains(result.TrackedSteps[TrackingNames.Specs].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        // Broken's diagnostics did not change, so that output is not redone.
        Assert.DoesNotContain(result.TrackedSteps[TrackingNames.Diagnostics].SelectMany(s => s.Outputs), o => o.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New);
        string generated = result.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains(" ParameterCount = 21;", generated);
    }

    /// <summary>
    /// The System.Text.Json generator's check: walk every type reachable from the pipeline's model by reflection (fields,
    /// generic arguments, array elements) and fail on any Roslyn symbol, syntax, location or compilation type.
    /// </summary>
    [Fact]
    public void ModelTypes_HoldNoRoslynObjects()
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>([typeof(ParseResult)]);
        while (queue.Count > 0)
        {
            Type type = queue.Dequeue();
            if (!seen.Add(type) || type.IsPrimitive || type.IsEnum || type == typeof(string))
            {
                continue;
            }
            Assert.False(s_banned.Any(b => b.IsAssignableFrom(type)), $"the pipeline model reaches {type}");
            if (type.IsArray)
            {
                queue.Enqueue(type.GetElementType()!);
            }
            foreach (Type argument in type.IsGenericType ? type.GetGenericArguments() : [])
            {
                queue.Enqueue(argument);
            }
            if (type.Namespace?.StartsWith("NetGen.Generators", StringComparison.Ordinal) == true)
            {
                foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                {
                    queue.Enqueue(field.FieldType);
                }
                // A field of an abstract type (LayerModel) may hold any of its records: walk every one.
                foreach (Type derived in type.IsAbstract ? type.Assembly.GetTypes().Where(t => t.IsSubclassOf(type)) : [])
                {
                    queue.Enqueue(derived);
                }
            }
        }
        Assert.Contains(typeof(Model.DenseLayer), seen);
        Assert.Contains(typeof(Model.DropoutLayer), seen);
        Assert.Contains(typeof(Model.BatchNormLayer), seen);
        Assert.Contains(typeof(Model.LocationInfo), seen);
    }

    private static void AssertNoBannedObject(object? value, string step, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || !visited.Add(value))
        {
            return;
        }
        Assert.False(s_banned.Any(b => b.IsInstanceOfType(value)), $"step {step} outputs a {value.GetType()}");
        if (value is IEnumerable items)
        {
            foreach (object? item in items)
            {
                AssertNoBannedObject(item, step, visited);
            }
        }
        if (value.GetType().Namespace?.StartsWith("NetGen.Generators", StringComparison.Ordinal) == true)
        {
            foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                AssertNoBannedObject(field.GetValue(value), step, visited);
            }
        }
    }

    /// <summary>The parser's list of generated members (used for NG1005–NG1007) must match what the emitter writes.</summary>
    [Theory]
    [InlineData("[Network][Input(3)][Dense(2, Activation.Step)]", false, "Dense")]
    [InlineData("[Network][Input(3)][BatchNorm][Dense(4)][Dropout(0.5)][Dense(2)]", false, "BatchNorm,Dense,Dropout,Dense")]
    [InlineData("[Network(Loss = Loss.CrossEntropy)][Input(3)][Dense(5, Activation.ReLU)][Dense(4)][Dense(2, Activation.Softmax)]", true, "Dense,Dense,Dense")]
    [InlineData("[Network(Loss = Loss.MeanSquaredError)][Input(3)][Dense(5)][BatchNorm(Activation.ReLU)][Dropout(0.2)][Dense(2)]", true, "Dense,BatchNorm,Dropout,Dense")]
    [InlineData("[Network(Loss = Loss.CrossEntropy)][Input(1, 8, 8)][Conv2D(2, 3, Activation.ReLU)][MaxPool2D(2)][AvgPool2D(1)][Flatten][Dense(2, Activation.Softmax)]", true, "Conv2D,MaxPool2D,AvgPool2D,Flatten,Dense")]
    [InlineData("[Network(Loss = Loss.MeanSquaredError)][Input(2, 16)][Conv1D(3, 3, Activation.Tanh, Dilation = 2)][MaxPool1D(2)][AvgPool1D(2)][GlobalAvgPool][Flatten][Dense(2)]", true, "Conv1D,MaxPool1D,AvgPool1D,GlobalAvgPool,Flatten,Dense")]
    [InlineData("[Network(Loss = Loss.MeanSquaredError)][Input(2, 6, 6)][Conv2D(3, 3)][BatchNorm(Activation.ReLU)][Dropout(0.5)][Flatten][Dense(2)]", true, "Conv2D,BatchNorm,Dropout,Flatten,Dense")]
    // issue 10: streaming networks
    [InlineData("[Network(Loss = Loss.MeanSquaredError)][Input(1)][GRU(8, Layers = 2)][Dense(4, Activation.Tanh)][Dense(1)]", true, "GRU,Dense,Dense")]
    [InlineData("[Network][Input(2)][Dense(3)][LSTM(4)]", false, "Dense,LSTM")]
    // issue 13: [Normalization] (IsAdapted, Adapt)
    [InlineData("[Network(Loss = Loss.CrossEntropy)][Input(4)][Normalization][Dense(8, Activation.Tanh)][Dense(3, Activation.Softmax)]", true, "Normalization,Dense,Dense")]
    [InlineData("[Network][Input(2)][Normalization]", false, "Normalization")]
    public void GeneratedMembers_MatchWhatTheEmitterWrites(string attributes, bool trainable, string layers)
    {
        FullRun run = GeneratorHarness.RunAll($"using NetGen;\n{attributes}\npublic partial class Net;\n");
        SyntaxTree generated = run.Run.Results.Single().GeneratedSources.Single().SyntaxTree;
        ClassDeclarationSyntax type = generated.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Single();
        SemanticModel model = run.Output.GetSemanticModel(run.Output.SyntaxTrees.Single(t => t.FilePath == generated.FilePath));
        // Parameter types as the compiler binds them (the generated file names them through using aliases).
        // A type nested in the network (InputBuffer) by its own name, as GeneratedMembers cannot know the network's.
        string Parameters(BaseMethodDeclarationSyntax method) =>
            string.Join(", ", method.ParameterList.Parameters.Select(x => model.GetTypeInfo(x.Type!).Type!)
                .Select(t => t.ContainingType?.Name == "Net" ? t.Name : t.ToDisplayString()));
        var written = new List<string>();
        foreach (MemberDeclarationSyntax member in type.Members)
        {
            written.AddRange(member switch
            {
                FieldDeclarationSyntax f => f.Declaration.Variables.Select(v => "Value " + v.Identifier.ValueText),
                PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: { } } p => ["ExplicitINetwork " + p.Identifier.ValueText],
                PropertyDeclarationSyntax p => ["Value " + p.Identifier.ValueText],
                ConstructorDeclarationSyntax c => ["Constructor .ctor(" + Parameters(c) + ")"],
                // issue 10: the State value type, and the overloads that take it (their parameter types name it), by name only.
                StructDeclarationSyntax st => ["Value " + st.Identifier.ValueText],
                MethodDeclarationSyntax m when m.ParameterList.Parameters.Any(x => x.Modifiers.Any(SyntaxKind.RefKeyword)) => ["Value " + m.Identifier.ValueText],
                // Private helpers (the recorded forward passes) have layer-dependent parameters: listed by name only.
                MethodDeclarationSyntax m when m.Modifiers.Any(SyntaxKind.PrivateKeyword) => ["Value " + m.Identifier.ValueText],
                MethodDeclarationSyntax m => ["Method " + m.Identifier.ValueText + "(" + Parameters(m) + ")"],
                _ => ["unexpected " + member.Kind()],
            });
        }
        IEnumerable<string> listed = GeneratedMembers.For(trainable, layers.Split(',').Select(Enum.Parse<Model.LayerKindSpec>).ToList()).Select(m => m.Kind switch
        {
            GeneratedMemberKind.Constructor or GeneratedMemberKind.Method => $"{m.Kind} {m.Name}({string.Join(", ", m.ParameterTypes)})",
            _ => $"{m.Kind} {m.Name}",
        });
        Assert.Equal(listed.Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));
    }
}
