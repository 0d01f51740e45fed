using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using NetGen.CodeFixes;

namespace NetGen.Generators.Tests;

/// <summary>The NG1001 code fix, run the way an IDE runs it: in a workspace, on the diagnostic the generator reported.</summary>
public class CodeFixTests
{
    [Theory]
    [InlineData("public class Plain { }", "public partial class Plain { }")]
    [InlineData("public sealed class Plain;", "public sealed partial class Plain;")]
    [InlineData("class Plain { }", "partial class Plain { }")]
    [InlineData("/// <summary>Doc.</summary>\n    internal class Plain { }", "/// <summary>Doc.</summary>\n    internal partial class Plain { }")]
    public async Task NG1001_AddsPartial_AndTheNetworkThenGenerates(string before, string after)
    {
        string source = $"using NetGen;\nnamespace Demo\n{{\n    [Network][Input(2)][Dense(1)]\n    {before}\n}}\n";
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.RunAll(source).NetGen);
        Assert.Equal("NG1001", diagnostic.Id);

        string fixedSource = await ApplyFix(new MakePartialCodeFix(), MakePartialCodeFix.Title, source, diagnostic);

        Assert.Equal(source.Replace(before, after), fixedSource);
        FullRun run = GeneratorHarness.RunAll(fixedSource);
        Assert.Empty(run.All);
        Assert.Single(run.Run.Results.Single().GeneratedSources);
    }

    [Theory]
    [InlineData("[Network][Input(1, 8, 8)][Conv2D(2, 3)][MaxPool2D(2)][Dense(2)]", "[Network][Input(1, 8, 8)][Conv2D(2, 3)][MaxPool2D(2)][Flatten][Dense(2)]")]
    [InlineData("[Network, Input(1, 8, 8), Conv2D(2, 3), Dense(2)]", "[Network, Input(1, 8, 8), Conv2D(2, 3), Flatten, Dense(2)]")]
    [InlineData("[Network][Input(3, 4, 4)][NetGen.Dense(2)]", "[Network][Input(3, 4, 4)][NetGen.Flatten][NetGen.Dense(2)]")]
    public async Task NG2103_InsertsFlattenBeforeDense_AndTheNetworkThenGenerates(string before, string after)
    {
        string source = $"using NetGen;\nnamespace Demo\n{{\n    {before}\n    public partial class Net;\n}}\n";
        Diagnostic diagnostic = Assert.Single(GeneratorHarness.RunAll(source).NetGen);
        Assert.Equal("NG2103", diagnostic.Id);

        string fixedSource = await ApplyFix(new InsertFlattenCodeFix(), InsertFlattenCodeFix.Title, source, diagnostic);

        Assert.Equal(source.Replace(before, after), fixedSource);
        FullRun run = GeneratorHarness.RunAll(fixedSource);
        Assert.Empty(run.All.Select(d => d.ToString()));
        Assert.Single(run.Run.Results.Single().GeneratedSources);
    }

    [Fact]
    public void FixableIds_AreInTheCatalogue() =>
        Assert.All(new CodeFixProvider[] { new MakePartialCodeFix(), new InsertFlattenCodeFix() }.SelectMany(p => p.FixableDiagnosticIds),
            id => Assert.Equal(DiagnosticSeverity.Error, Diagnostics.DiagnosticDescriptors.ById(id).DefaultSeverity));

    private static async Task<string> ApplyFix(CodeFixProvider provider, string title, string source, Diagnostic diagnostic)
    {
        using var workspace = new AdhocWorkspace();
        Project project = workspace.AddProject("Consumer", LanguageNames.CSharp)
            .WithParseOptions(GeneratorHarness.ParseOptions)
            .WithMetadataReferences(GeneratorHarness.Compile().References);
        Document document = project.AddDocument("Source0.cs", SourceText.From(source));

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        CodeAction action = Assert.Single(actions);
        Assert.Equal(title, action.Title);

        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None);
        Solution changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        return (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }
}
