using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>The result of parsing one [Network] class: the spec (null when it cannot be generated) and the diagnostics.</summary>
/// <remarks><paramref name="Weights"/> is the <c>Weights = "…"</c> argument, resolved against the additional files in a later stage.</remarks>
internal sealed record ParseResult(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, WeightsReference? Weights = null);

/// <summary>
/// Turns a [Network] class into a <see cref="NetworkSpec"/>. The only generator stage that touches symbols and syntax;
/// it never throws on malformed input. It reports exactly what stops generation (NG1xxx declaration, NG2xxx shape);
/// checks that do not stop generation (loss/activation fit, call sites) live in the analyzers.
/// </summary>
internal static class NetworkParser
{
    public const string NetworkAttributeName = NetworkDeclaration.NetworkAttributeName;

    private static readonly ParseResult s_nothing = new(null, default);

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration
            || !SpeaksForTheClass(type, declaration, cancellationToken))
        {
            return s_nothing;
        }

        var diagnostics = new List<DiagnosticInfo>();
        LocationInfo? nameLocation = LocationInfo.From(declaration.Identifier.GetLocation());
        if (type.IsRecord || declaration is RecordDeclarationSyntax)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.UnsupportedClassKind, nameLocation, type.Name, "a record"));
            return Result(null, diagnostics);
        }
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NotPartial, nameLocation, type.Name));
            return Result(null, diagnostics);
        }
        if (type.IsStatic)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.UnsupportedClassKind, nameLocation, type.Name, "static"));
        }
        if (type.IsFileLocal)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.UnsupportedClassKind, nameLocation, type.Name, "file-local"));
        }
        if (type.ContainingType is not null)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NestedNotSupported, nameLocation, type.Name, type.ContainingType.Name));
        }
        if (type.TypeParameters.Length > 0)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.GenericNotSupported, nameLocation, type.Name));
        }

        NetworkDeclaration network = NetworkDeclaration.Read(type, context.SemanticModel.Compilation, cancellationToken);
        diagnostics.AddRange(network.Problems);
        foreach (AttributeData repeated in network.RepeatedNetworkAttributes)
        {
            string first = network.NetworkAttribute?.ApplicationSyntaxReference is { } reference
                ? "line " + (reference.SyntaxTree.GetLineSpan(reference.Span).StartLinePosition.Line + 1).ToString(CultureInfo.InvariantCulture) + " of " + System.IO.Path.GetFileName(reference.SyntaxTree.FilePath)
                : "another declaration";
            diagnostics.Add(Info(DiagnosticDescriptors.NetworkRepeated, AttributeLocations.Attribute(repeated, cancellationToken), type.Name, first));
        }
        CheckOnOneDeclaration(network, declaration, cancellationToken, diagnostics);
        List<LayerModel>? layers = BuildLayers(network, nameLocation, cancellationToken, diagnostics, out Shape inputShape);
        CheckMembers(context.SemanticModel.Compilation, type, declaration, network, nameLocation, cancellationToken, diagnostics);
        // NG2106 (a warning) is the analyzer's to report, where #pragma and .editorconfig can suppress it.
        diagnostics.RemoveAll(d => d.Id == DiagnosticDescriptors.PositionsDropped.Id);
        if (diagnostics.Count > 0 || layers is null || network.HasCompilerError)
        {
            return Result(null, diagnostics);
        }

        string fullName = FullName(type.ContainingNamespace, type.Name);
        var spec = new NetworkSpec(EscapedNamespace(type.ContainingNamespace), Escape(type.Name), fullName, inputShape,
            new EquatableArray<LayerModel>(layers.ToArray()), network.Loss, network.Reduction, HintName(fullName),
            AliasChooser.Choose(type, context.SemanticModel.Compilation, cancellationToken))
        {
            HuberDelta = network.HuberDelta ?? 1f,
            IsAbstract = type.IsAbstract, // issue 9: an abstract class cannot make data-parallel workers
        };
        WeightsReference? weights = network.WeightsPath is { } path ? new WeightsReference(path, network.WeightsLocation) : null;
        return new ParseResult(spec, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()), weights);
    }

    /// <summary>
    /// The pipeline visits every declaration that carries [Network]; a second one is already an error (CS0579), so
    /// only the first speaks for the class and the generated file is added once.
    /// </summary>
    private static bool SpeaksForTheClass(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (NetworkDeclaration.IsNetworkAttribute(attribute) && attribute.ApplicationSyntaxReference is { } reference)
            {
                SyntaxNode? owner = reference.GetSyntax(cancellationToken).Parent?.Parent;
                return owner is not null && owner.SyntaxTree == declaration.SyntaxTree && owner.Span == declaration.Span;
            }
        }
        return true;
    }

    /// <summary>NG1008: attribute order is layer order only within one declaration.</summary>
    private static void CheckOnOneDeclaration(NetworkDeclaration network, TypeDeclarationSyntax networkDeclaration, CancellationToken cancellationToken, List<DiagnosticInfo> diagnostics)
    {
        if (network.Items.Count < 2)
        {
            return;
        }
        // The layers belong on the declaration with [Network] if it has any, else on the one with the first layer attribute.
        SyntaxNode? home = null;
        foreach (LayerDeclaration item in network.Items)
        {
            SyntaxNode? owner = item.Declaration(cancellationToken);
            if (owner is not null && owner.SyntaxTree == networkDeclaration.SyntaxTree && owner.Span == networkDeclaration.Span)
            {
                home = owner;
                break;
            }
        }
        home ??= network.Items[0].Declaration(cancellationToken);
        LayerDeclaration? first = null;
        foreach (LayerDeclaration item in network.Items)
        {
            if (SameNode(item.Declaration(cancellationToken), home))
            {
                first = item;
                break;
            }
        }
        foreach (LayerDeclaration item in network.Items)
        {
            if (!SameNode(item.Declaration(cancellationToken), home))
            {
                diagnostics.Add(Info(DiagnosticDescriptors.LayersSpread, AttributeLocations.Attribute(item.Attribute, cancellationToken),
                    item.Text(cancellationToken), network.Type.Name, first?.Text(cancellationToken) ?? "the other layers"));
            }
        }
    }

    private static bool SameNode(SyntaxNode? a, SyntaxNode? b) =>
        a is not null && b is not null && a.SyntaxTree == b.SyntaxTree && a.Span == b.Span;

    /// <summary>
    /// The shape rules (NG2001–NG2006): one [Input] first, at least one layer, positive sizes, sensible totals. Returns the
    /// layers with offsets resolved, or null when they cannot be built.
    /// </summary>
    internal static List<LayerModel>? BuildLayers(NetworkDeclaration network, LocationInfo? nameLocation, CancellationToken cancellationToken, List<DiagnosticInfo> diagnostics, out Shape inputShape)
    {
        inputShape = Shape.Vector(0);
        int before = diagnostics.Count;
        InputDeclaration? input = null;
        LayerDeclaration? firstLayer = null;
        bool readable = network.Problems.Count == 0 && !network.HasCompilerError;
        var names = new Dictionary<string, LayerDeclaration>(System.StringComparer.Ordinal);
        foreach (LayerDeclaration item in network.Items)
        {
            switch (item)
            {
                case InputDeclaration i when input is not null:
                    diagnostics.Add(Info(DiagnosticDescriptors.InputRepeated, AttributeLocations.Attribute(i.Attribute, cancellationToken), network.Type.Name, input.Text(cancellationToken)));
                    break;
                case InputDeclaration i:
                    input = i;
                    if (firstLayer is not null)
                    {
                        diagnostics.Add(Info(DiagnosticDescriptors.InputNotFirst, AttributeLocations.Attribute(i.Attribute, cancellationToken), i.Text(cancellationToken), firstLayer.Text(cancellationToken)));
                    }
                    for (int d = 0; d < i.Dimensions.Length; d++)
                    {
                        if (i.Dimensions[d] is int dimension and <= 0)
                        {
                            diagnostics.Add(Info(DiagnosticDescriptors.SizeNotPositive, AttributeLocations.Argument(i.Attribute, d, cancellationToken), "[Input]", Int(dimension)));
                            break;
                        }
                    }
                    if (i.Size is null && System.Array.TrueForAll(i.Dimensions, d => d is > 0))
                    {
                        diagnostics.Add(Info(DiagnosticDescriptors.NetworkTooLarge, AttributeLocations.Attribute(i.Attribute, cancellationToken), "[Input]", "its dimensions multiply to more than 100,000,000 values"));
                    }
                    break;
                default:
                    firstLayer ??= item;
                    item.Rule!.Check(item, diagnostics, cancellationToken);
                    CheckName(item, names, diagnostics, cancellationToken);
                    break;
            }
        }
        if (input is null)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.MissingInput, nameLocation, network.Type.Name));
        }
        else if (firstLayer is null)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.NoLayers, nameLocation, network.Type.Name));
        }
        SequenceRules.Check(network.Layers, input?.Dimensions.Length == 1, diagnostics, cancellationToken);   // issue 10: NG2204
        if (diagnostics.Count > before || !readable || input?.Size is null)
        {
            return null;
        }

        // Every size is known and positive: each rule builds its layer at the offsets so far and checks the totals.
        inputShape = input.Shape;
        var builder = new LayerBuilder(input.Shape);
        var layers = new List<LayerModel>();
        foreach (LayerDeclaration item in network.Layers)
        {
            if (item.Rule!.Build(item, builder, diagnostics, cancellationToken) is not { } layer)
            {
                return null;
            }
            layers.Add(item.Name is null ? layer : layer with { Name = item.Name });
        }
        return layers;
    }

    /// <summary>
    /// NG1101/NG1102: a layer's Name must be a state-dict key PyTorch could have written — Python identifiers, or for a module
    /// inside another identifiers and indices joined by dots, the first part an identifier (so it never collides with the
    /// nn.Sequential index of an unnamed layer) — and no two layers may share one.
    /// </summary>
    private static void CheckName(LayerDeclaration item, Dictionary<string, LayerDeclaration> names, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        if (item.Name is not { } name)
        {
            return;
        }
        LocationInfo? where = AttributeLocations.Named(item.Attribute, "Name", cancellationToken);
        if (NameProblem(name) is { } problem)
        {
            diagnostics.Add(Info(DiagnosticDescriptors.LayerNameInvalid, where, item.Describe(), name, problem));
        }
        else if (names.TryGetValue(name, out LayerDeclaration? first))
        {
            diagnostics.Add(Info(DiagnosticDescriptors.LayerNameRepeated, where, item.Describe(), name, first.Describe()));
        }
        else
        {
            names.Add(name, item);
            // A PReLU layer's slope belongs to the nn.PReLU module beside it, {Name}_prelu: that name is taken too.
            if (item is ActivationLayerDeclaration { Activation: ActivationKind.PReLU })
            {
                string prelu = name + "_prelu";
                if (names.TryGetValue(prelu, out LayerDeclaration? other))
                {
                    diagnostics.Add(Info(DiagnosticDescriptors.LayerNameRepeated, where, item.Describe() + "'s nn.PReLU module", prelu, other.Describe()));
                }
                else
                {
                    names.Add(prelu, item);
                }
            }
        }
    }

    /// <summary>Why <paramref name="name"/> is not a valid module name, or null when it is.</summary>
    internal static string? NameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }
        string[] parts = name.Split('.');
        for (int p = 0; p < parts.Length; p++)
        {
            string part = parts[p];
            if (part.Length == 0)
            {
                return "it has an empty part between dots";
            }
            foreach (char c in part)
            {
                if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_'))
                {
                    return $"'{c}' is not a letter, digit or underscore";
                }
            }
            if (p == 0 && part[0] is >= '0' and <= '9')
            {
                return "it starts with a digit, which is how the nn.Sequential indices of unnamed layers look";
            }
        }
        return null;
    }

    /// <summary>NG1005–NG1007: members of the class (or inherited ones, or the class name) that a generated member would collide with.</summary>
    private static void CheckMembers(Compilation compilation, INamedTypeSymbol type, TypeDeclarationSyntax declaration, NetworkDeclaration network,
        LocationInfo? nameLocation, CancellationToken cancellationToken, List<DiagnosticInfo> diagnostics)
    {
        var kinds = network.Layers.Select(l => l.Rule!.Kind).ToList();
        bool frames = network.Items.OfType<InputDeclaration>().FirstOrDefault()?.Dimensions.Length == 1;
        var generated = GeneratedMembers.For(network.Loss is not null, kinds, frames).ToList();
        if (type.Name == "var")
        {
            diagnostics.Add(Info(DiagnosticDescriptors.ClassNameConflict, nameLocation, type.Name, "implicitly typed locals ('var x = …')"));
        }
        foreach (GeneratedMember member in generated)
        {
            if (member.Kind is GeneratedMemberKind.Value or GeneratedMemberKind.Method && member.Name == type.Name)
            {
                diagnostics.Add(Info(DiagnosticDescriptors.ClassNameConflict, nameLocation, type.Name, member.Purpose + ", a member of every network (a member cannot have its class's name)"));
                break;
            }
        }

        foreach (ISymbol declared in type.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (declared.IsImplicitlyDeclared)
            {
                continue;
            }
            foreach (GeneratedMember member in generated)
            {
                if (Collides(declared, member))
                {
                    Location? where = declared.Locations.FirstOrDefault(l => l.IsInSource);
                    string name = member.Kind == GeneratedMemberKind.ExplicitINetwork ? "INetwork." + member.Name : declared.Name == ".ctor" ? type.Name + "(int)" : declared.Name;
                    diagnostics.Add(Info(DiagnosticDescriptors.MemberConflict, LocationInfo.From(where) ?? nameLocation, type.Name, name, member.Purpose));
                    break;
                }
            }
        }

        var reported = new HashSet<string>();
        for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
        {
            foreach (ISymbol inherited in baseType.GetMembers())
            {
                if (inherited.IsImplicitlyDeclared || inherited.DeclaredAccessibility == Accessibility.Private
                    || inherited is IMethodSymbol { MethodKind: not MethodKind.Ordinary }
                    || !compilation.IsSymbolAccessibleWithin(inherited, type))
                {
                    continue;
                }
                foreach (GeneratedMember member in generated)
                {
                    if (member.Kind is GeneratedMemberKind.Value or GeneratedMemberKind.Method && Collides(inherited, member) && reported.Add(member.Name))
                    {
                        diagnostics.Add(Info(DiagnosticDescriptors.InheritedMemberConflict, BaseListLocation(declaration, baseType) ?? nameLocation,
                            type.Name, inherited.Name, baseType.Name, member.Purpose));
                        break;
                    }
                }
            }
        }
    }

    private static bool Collides(ISymbol declared, GeneratedMember member) => member.Kind switch
    {
        GeneratedMemberKind.Value => declared.Name == member.Name,
        GeneratedMemberKind.Method => declared.Name == member.Name && (declared is not IMethodSymbol method || SameParameters(method, member.ParameterTypes)),
        GeneratedMemberKind.Constructor => declared is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false } ctor && SameParameters(ctor, member.ParameterTypes),
        GeneratedMemberKind.ExplicitINetwork => declared is IPropertySymbol property
            && property.ExplicitInterfaceImplementations.Any(p => p.Name == member.Name && p.ContainingType.ToDisplayString() == "NetGen.INetwork"),
        _ => false,
    };

    private static bool SameParameters(IMethodSymbol method, string[] types)
    {
        if (method.Parameters.Length != types.Length)
        {
            return false;
        }
        for (int i = 0; i < types.Length; i++)
        {
            if (method.Parameters[i].RefKind != RefKind.None || method.Parameters[i].Type.ToDisplayString() != types[i])
            {
                return false;
            }
        }
        return true;
    }

    private static LocationInfo? BaseListLocation(TypeDeclarationSyntax declaration, INamedTypeSymbol baseType)
    {
        if (declaration.BaseList is { Types.Count: > 0 } list)
        {
            foreach (BaseTypeSyntax entry in list.Types)
            {
                string text = entry.Type is QualifiedNameSyntax q ? q.Right.Identifier.ValueText
                    : entry.Type is AliasQualifiedNameSyntax a ? a.Name.Identifier.ValueText
                    : entry.Type is SimpleNameSyntax s ? s.Identifier.ValueText : "";
                if (text == baseType.Name)
                {
                    return LocationInfo.From(entry.GetLocation());
                }
            }
        }
        return null;
    }

    /// <summary>Prefixes '@' to names that are C# keywords, so that the generated <c>partial class @float</c> parses.</summary>
    private static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static string? EscapedNamespace(INamespaceSymbol? ns)
    {
        if (ns is null || ns.IsGlobalNamespace)
        {
            return null;
        }
        string? outer = EscapedNamespace(ns.ContainingNamespace);
        return outer is null ? Escape(ns.Name) : outer + "." + Escape(ns.Name);
    }

    private static string FullName(INamespaceSymbol? ns, string name) =>
        ns is null || ns.IsGlobalNamespace ? name : FullName(ns.ContainingNamespace, ns.Name) + "." + name;

    /// <summary>The full name as a file name: letters, digits, '_' and '.' stay, anything else becomes -HHHH ('-' never occurs in a C# name, so hint names stay unique).</summary>
    private static string HintName(string fullName)
    {
        var hint = new System.Text.StringBuilder(fullName.Length + 5);
        foreach (char c in fullName)
        {
            if (c is '.' or '_' || c is >= 'a' and <= 'z' || c is >= 'A' and <= 'Z' || c is >= '0' and <= '9')
            {
                hint.Append(c);
            }
            else
            {
                hint.Append('-').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }
        return hint.Append(".g.cs").ToString();
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static ParseResult Result(NetworkSpec? spec, List<DiagnosticInfo> diagnostics) =>
        new(spec, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));

    private static DiagnosticInfo Info(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, new EquatableArray<string>(arguments));
}
