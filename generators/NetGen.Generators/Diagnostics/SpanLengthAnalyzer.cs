using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using NetGen.Generators.Parsing;

namespace NetGen.Generators.Diagnostics;

/// <summary>
/// NG4001: a call of a network's <c>Forward</c>, <c>Backward</c> or any other entry point with a span parameter named
/// <c>input</c> (length <c>InputSize</c>), <c>output</c> or <c>target</c> (length <c>OutputSize</c>), whose argument has a
/// length known at compile time that differs; and the batched entry points' <c>inputs</c>, <c>outputs</c>, <c>targets</c> and
/// <c>losses</c>: with a constant <c>batchSize</c> their lengths must be batchSize samples, otherwise at least a whole number
/// of samples. (Calls through the <c>INetwork</c> interface are not checked: its sizes are not known at compile time.) Known lengths: array creation with a constant size or an initializer,
/// <c>stackalloc</c>, collection expressions without spreads, and a local initialised with one of those and never
/// assigned again. Reported on the argument.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SpanLengthAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.SpanLengthMismatch);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Only compilations that can see NetGen's [Network] attribute can call a network.
            if (start.Compilation.GetTypeByMetadataName(NetworkDeclaration.NetworkAttributeName) is null)
            {
                return;
            }
            start.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        INamedTypeSymbol type = method.ContainingType;
        if (type is null || method.IsStatic || !type.GetAttributes().Any(NetworkDeclaration.IsNetworkAttribute))
        {
            return;
        }
        // Batched entry points (ForwardBatch, BackwardBatch, TrainStepBatch) take a batchSize and row-major spans of whole samples.
        IArgumentOperation? batchArgument = invocation.Arguments.FirstOrDefault(a => a.Parameter is { Name: "batchSize", Type.SpecialType: SpecialType.System_Int32 });
        int? batch = batchArgument?.Value.ConstantValue is { HasValue: true, Value: int b } && b >= 0 ? b : null;
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } parameter || !IsFloatSpan(parameter.Type)
                || argument.Syntax is not ArgumentSyntax syntax || KnownLength(argument.Value, 0) is not int actual)
            {
                continue;
            }
            string? sizeName = parameter.Name switch
            {
                "input" or "inputs" => "InputSize",
                "output" or "target" or "outputs" or "targets" => "OutputSize",
                "losses" when batchArgument is not null => "",
                _ => null,
            };
            int? perSample = sizeName is null ? null : sizeName.Length == 0 ? 1 : Constant(type, sizeName);
            if (perSample is not int size)
            {
                continue;
            }
            string needs;
            int expected;
            if (parameter.Name.EndsWith("s", System.StringComparison.Ordinal) && batchArgument is not null)
            {
                if (sizeName!.Length == 0)
                {
                    // losses: optional (empty), else one value per sample.
                    if (actual == 0 || batch is not int samples || actual == samples)
                    {
                        continue;
                    }
                    (needs, expected) = ("batchSize", samples);
                }
                else if (batch is int samples)
                {
                    (needs, expected) = ($"{sizeName} × batchSize ({Text(size)} × {Text(samples)})", size * samples);
                    if (actual == expected)
                    {
                        continue;
                    }
                }
                else
                {
                    // The batch size is not known here, but a length that is not a whole number of samples never fits.
                    if (actual % size == 0)
                    {
                        continue;
                    }
                    (needs, expected) = ($"a multiple of {sizeName}", size);
                }
            }
            else if (parameter.Name is "input" or "output" or "target" && actual != size)
            {
                (needs, expected) = (sizeName!, size);
            }
            else
            {
                continue;
            }
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SpanLengthMismatch, syntax.Expression.GetLocation(),
                parameter.Name, type.Name, method.Name, needs, Text(expected), Text(actual)));
        }
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsFloatSpan(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", TypeArguments.Length: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } span
        && span.TypeArguments[0].SpecialType == SpecialType.System_Single;

    private static int? Constant(INamedTypeSymbol type, string name)
    {
        foreach (ISymbol member in type.GetMembers(name))
        {
            if (member is IFieldSymbol { HasConstantValue: true, ConstantValue: int value })
            {
                return value;
            }
        }
        return null;
    }

    /// <summary>The number of elements <paramref name="operation"/> evaluates to, when the compiler can know it.</summary>
    private static int? KnownLength(IOperation operation, int depth)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }
        switch (operation)
        {
            case IArrayCreationOperation { DimensionSizes.Length: 1 } array:
                if (array.DimensionSizes[0].ConstantValue is { HasValue: true, Value: int size })
                {
                    return size;
                }
                return array.Initializer?.ElementValues.Length;
            case ICollectionExpressionOperation collection:
                return collection.Elements.Any(e => e is ISpreadOperation) ? null : collection.Elements.Length;
            case ILocalReferenceOperation local when depth == 0:
                return LocalLength(local, depth);
        }
        return StackAllocLength(operation);
    }

    /// <summary>stackalloc has no IOperation of its own: read its syntax.</summary>
    private static int? StackAllocLength(IOperation operation)
    {
        SyntaxNode syntax = operation.Syntax;
        while (syntax is ParenthesizedExpressionSyntax or CastExpressionSyntax)
        {
            syntax = syntax is ParenthesizedExpressionSyntax p ? p.Expression : ((CastExpressionSyntax)syntax).Expression;
        }
        switch (syntax)
        {
            case StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax { RankSpecifiers.Count: 1 } arrayType } explicitSize:
                ExpressionSyntax? size = arrayType.RankSpecifiers[0].Sizes.Count == 1 ? arrayType.RankSpecifiers[0].Sizes[0] : null;
                if (size is not null and not OmittedArraySizeExpressionSyntax && operation.SemanticModel?.GetConstantValue(size) is { HasValue: true, Value: int n })
                {
                    return n;
                }
                return explicitSize.Initializer?.Expressions.Count;
            case ImplicitStackAllocArrayCreationExpressionSyntax implicitSize:
                return implicitSize.Initializer.Expressions.Count;
        }
        return null;
    }

    /// <summary>A local whose initializer has a known length and that is never assigned, passed by ref or ref-aliased afterwards.</summary>
    private static int? LocalLength(ILocalReferenceOperation reference, int depth)
    {
        ILocalSymbol local = reference.Local;
        if (local.IsRef || local.DeclaringSyntaxReferences.Length != 1 || reference.SemanticModel is not { } model
            || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } initializer } declarator
            || declarator.SyntaxTree != model.SyntaxTree)
        {
            return null;
        }
        // The local's scope: the enclosing block (or the file, for top-level statements).
        SyntaxNode? scope = declarator.Ancestors().FirstOrDefault(a => a is BlockSyntax or SwitchSectionSyntax or CompilationUnitSyntax);
        if (scope is null)
        {
            return null;
        }
        foreach (IdentifierNameSyntax name in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (name.Identifier.ValueText == local.Name && IsWrite(name) && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, local))
            {
                return null;
            }
        }
        return model.GetOperation(initializer) is { } value ? KnownLength(value, depth + 1) : null;
    }

    private static bool IsWrite(IdentifierNameSyntax name)
    {
        SyntaxNode? parent = name.Parent;
        return parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == name,
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword),
            RefExpressionSyntax => true,
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression } => true,
            _ => false,
        };
    }
}
