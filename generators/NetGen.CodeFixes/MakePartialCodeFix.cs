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

/// <summary>NG1001: adds the <c>partial</c> modifier to a [Network] class (last among the modifiers, where C# requires it).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFix)), Shared]
public sealed class MakePartialCodeFix : CodeFixProvider
{
    /// <summary>The title shown in the light-bulb menu.</summary>
    public const string Title = "Make the class partial";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.NotPartial.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<ClassDeclarationSyntax>().FirstOrDefault() is not { } declaration
            || declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return;
        }
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => AddPartialAsync(context.Document, root, declaration, ct), equivalenceKey: nameof(MakePartialCodeFix)),
                diagnostic);
        }
    }

    private static Task<Document> AddPartialAsync(Document document, SyntaxNode root, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ClassDeclarationSyntax fixedDeclaration;
        if (declaration.Modifiers.Count == 0)
        {
            // "class X" → "partial class X": the keyword's leading trivia (attributes' newline, indentation) moves to 'partial'.
            SyntaxToken keyword = declaration.Keyword;
            SyntaxToken partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            fixedDeclaration = declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(partial));
        }
        else
        {
            SyntaxToken partial = SyntaxFactory.Token(SyntaxFactory.TriviaList(), SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            fixedDeclaration = declaration.WithModifiers(declaration.Modifiers.Add(partial));
        }
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, fixedDeclaration)));
    }
}
