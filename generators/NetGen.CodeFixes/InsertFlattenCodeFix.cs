using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;

namespace NetGen.CodeFixes;

/// <summary>
/// NG2103: inserts <c>[Flatten]</c> just before a [Dense] attribute that follows an image. A Dense attribute alone in its
/// brackets gets a new <c>[Flatten]</c> list before it; one inside a list (<c>[Conv2D(6, 3), Dense(10)]</c>) gets
/// <c>Flatten</c> inserted before it in the same list. The name is qualified the way the Dense attribute's is.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenCodeFix)), Shared]
public sealed class InsertFlattenCodeFix : CodeFixProvider
{
    /// <summary>The title shown in the light-bulb menu.</summary>
    public const string Title = "Insert [Flatten]";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.DenseNeedsFlatten.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span).AncestorsAndSelf().OfType<AttributeSyntax>().FirstOrDefault() is not { Parent: AttributeListSyntax list } attribute)
        {
            return;
        }
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => InsertAsync(context.Document, root, list, attribute, ct), equivalenceKey: nameof(InsertFlattenCodeFix)),
                diagnostic);
        }
    }

    private static Task<Document> InsertAsync(Document document, SyntaxNode root, AttributeListSyntax list, AttributeSyntax dense, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AttributeSyntax flatten = SyntaxFactory.Attribute(FlattenName(dense.Name));
        SyntaxNode fixedRoot = list.Attributes.Count == 1
            ? root.InsertNodesBefore(list, new[] { NewList(list, flatten) })
            : root.InsertNodesBefore(dense, new[] { flatten });
        return Task.FromResult(document.WithSyntaxRoot(fixedRoot));
    }

    /// <summary><c>[Flatten]</c> with no trivia (elastic trivia would let the formatter put it on a line of its own).</summary>
    private static AttributeListSyntax NewList(AttributeListSyntax dense, AttributeSyntax flatten) =>
        SyntaxFactory.AttributeList(
            SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.OpenBracketToken, SyntaxFactory.TriviaList()),
            dense.Target,
            SyntaxFactory.SingletonSeparatedList(flatten),
            SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.CloseBracketToken, SyntaxFactory.TriviaList()));

    /// <summary><c>Flatten</c>, or <c>X.Flatten</c> / <c>X::Flatten</c> when the Dense attribute is written <c>X.Dense</c> / <c>X::Dense</c>.</summary>
    private static NameSyntax FlattenName(NameSyntax dense)
    {
        // Parsed, not built, so the tokens carry no elastic trivia.
        string prefix = dense switch
        {
            QualifiedNameSyntax qualified => qualified.Left.WithoutTrivia().ToString() + ".",
            AliasQualifiedNameSyntax alias => alias.Alias.WithoutTrivia().ToString() + "::",
            _ => "",
        };
        return SyntaxFactory.ParseName(prefix + "Flatten");
    }
}
