using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generators.Diagnostics;
using NetGen.Generators.Model;

namespace NetGen.Generators.Parsing;

/// <summary>
/// What a [Network] class declares, read straight from its attributes: the loss, the reduction and the layer sequence
/// in attribute order. The one reader shared by the generator's <see cref="NetworkParser"/> (which turns it into a
/// <see cref="NetworkSpec"/>) and the analyzers (which check how the layers fit the loss). It holds symbols and syntax,
/// so it lives only for the duration of one parse or one analyzer callback and never enters the incremental pipeline.
/// </summary>
/// <remarks>
/// A layer kind is one <see cref="LayerRule"/> in <c>Parsing/Layers</c>, listed in <see cref="LayerRules"/>: it reads the
/// kind's attribute into a <see cref="LayerDeclaration"/> and builds its model record (docs/architecture.md, "Adding a
/// layer kind"). Argument problems found while reading are NG1004 diagnostics in <see cref="Problems"/>.
/// </remarks>
internal sealed class NetworkDeclaration
{
    public const string NetworkAttributeName = "NetGen.NetworkAttribute";
    public const string InputAttributeName = "NetGen.InputAttribute";

    /// <summary>The largest value of <c>NetGen.Activation</c> (from its mirror, <see cref="ActivationKind"/>).</summary>
    public static readonly int MaxActivation = System.Linq.Enumerable.Max((int[])System.Enum.GetValues(typeof(ActivationKind)));

    private readonly Compilation _compilation;

    private NetworkDeclaration(INamedTypeSymbol type, AttributeData? network, Compilation compilation)
    {
        Type = type;
        NetworkAttribute = network;
        _compilation = compilation;
    }

    public INamedTypeSymbol Type { get; }

    /// <summary>The first [Network] attribute on the class.</summary>
    public AttributeData? NetworkAttribute { get; }

    /// <summary>The loss, or null for an inference-only network (or when the value cannot be read).</summary>
    public LossKind? Loss { get; private set; }

    public ReductionKind Reduction { get; private set; } = ReductionKind.Mean;

    /// <summary>Huber's δ (<c>HuberDelta = …</c>, 1 unless set), or null when the value written is not a positive finite float.</summary>
    public float? HuberDelta { get; private set; } = 1f;

    /// <summary>Whether <c>HuberDelta</c> is written on [Network].</summary>
    public bool HuberDeltaGiven { get; private set; }

    /// <summary>The <c>Weights = "…"</c> file name (trimmed), or null.</summary>
    public string? WeightsPath { get; private set; }

    /// <summary>Where the Weights value is written.</summary>
    public LocationInfo? WeightsLocation { get; private set; }

    /// <summary>[Input] and the layers, in attribute order.</summary>
    public List<LayerDeclaration> Items { get; } = new();

    /// <summary>[Network] attributes after the first (NG1010).</summary>
    public List<AttributeData> RepeatedNetworkAttributes { get; } = new();

    /// <summary>Arguments that could not be read (NG1004).</summary>
    public List<DiagnosticInfo> Problems { get; } = new();

    /// <summary>The layers (everything but [Input]), in order.</summary>
    public IEnumerable<LayerDeclaration> Layers
    {
        get
        {
            foreach (LayerDeclaration item in Items)
            {
                if (item is not InputDeclaration)
                {
                    yield return item;
                }
            }
        }
    }

    public static bool IsNetworkAttribute(AttributeData attribute) => NameOf(attribute) == NetworkAttributeName;

    /// <summary>Reads the [Network] options and the layer attributes of <paramref name="type"/>; never throws on malformed input.</summary>
    public static NetworkDeclaration Read(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        ImmutableArray<AttributeData> attributes = type.GetAttributes();
        AttributeData? network = null;
        foreach (AttributeData attribute in attributes)
        {
            if (IsNetworkAttribute(attribute))
            {
                network = attribute;
                break;
            }
        }

        var declaration = new NetworkDeclaration(type, network, compilation);
        if (network is not null)
        {
            declaration.ReadOptions(network, cancellationToken);
        }
        foreach (AttributeData attribute in attributes)
        {
            if (attribute != network && IsNetworkAttribute(attribute))
            {
                declaration.RepeatedNetworkAttributes.Add(attribute);
            }
        }
        int layerNumber = 0;
        foreach (AttributeData attribute in attributes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LayerDeclaration? item = declaration.ReadLayer(attribute, layerNumber + 1, cancellationToken);
            if (item is not null)
            {
                declaration.Items.Add(item);
                if (item is not InputDeclaration)
                {
                    layerNumber++;
                }
            }
        }
        return declaration;
    }

    private static Location? NamedExpressionLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list })
        {
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return argument.Expression.GetLocation();
                }
            }
        }
        return AttributeLocations.AttributeLocation(attribute, cancellationToken);
    }

    private void ReadOptions(AttributeData network, CancellationToken cancellationToken)
    {
        HashSet<string> unbound = CheckNamedArgumentsBound(network, "Network", cancellationToken);
        foreach (KeyValuePair<string, TypedConstant> named in network.NamedArguments)
        {
            if (unbound.Contains(named.Key))
            {
                continue;
            }
            if (named.Key == "Loss")
            {
                if (TryEnum(named.Value, "Loss", (int)LossKind.NegativeLogLikelihood, out int loss))
                {
                    Loss = (LossKind)loss;
                }
                else
                {
                    Problem(AttributeLocations.Named(network, "Loss", cancellationToken), "Network", "Loss is not a known Loss value");
                }
            }
            else if (named.Key == "Weights")
            {
                if (named.Value.Value is string path && path.Trim().Length > 0)
                {
                    WeightsPath = path.Trim();
                    WeightsLocation = LocationInfo.From(NamedExpressionLocation(network, "Weights", cancellationToken));
                }
                else if (named.Value.Kind != TypedConstantKind.Error && named.Value.Value is not null)
                {
                    Problems.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidAttributeArgument.Id, LocationInfo.From(NamedExpressionLocation(network, "Weights", cancellationToken)),
                        new EquatableArray<string>(new[] { "Network", "Weights must name a weight file, as in Weights = \"digits.weights.json\"" })));
                }
            }
            else if (named.Key == "HuberDelta")
            {
                HuberDeltaGiven = true;
                if (TryFloat(named.Value, out float delta) && delta > 0f && !float.IsInfinity(delta))
                {
                    HuberDelta = delta;
                }
                else
                {
                    HuberDelta = null;
                    Problem(AttributeLocations.Named(network, "HuberDelta", cancellationToken), "Network", "HuberDelta must be a positive finite float, as in HuberDelta = 1f");
                }
            }
            else if (named.Key == "Reduction")
            {
                if (TryEnum(named.Value, "Reduction", (int)ReductionKind.Sum, out int reduction))
                {
                    Reduction = (ReductionKind)reduction;
                }
                else
                {
                    Problem(AttributeLocations.Named(network, "Reduction", cancellationToken), "Network", "Reduction is not a known Reduction value");
                }
            }
        }
    }

    /// <summary>[Input], or the layer whose rule (<see cref="LayerRules"/>) reads this attribute; other attributes return null.</summary>
    private LayerDeclaration? ReadLayer(AttributeData attribute, int number, CancellationToken cancellationToken)
    {
        string? name = NameOf(attribute);
        if (name == InputAttributeName)
        {
            int rank = attribute.ConstructorArguments.Length is 2 or 3 ? attribute.ConstructorArguments.Length : 1;
            var dimensions = new int?[rank];
            for (int d = 0; d < rank; d++)
            {
                dimensions[d] = ReadInt(attribute, d, "Input", rank == 1 ? "expected a constant int size, as in [Input(64)]"
                    : "expected constant int dimensions, as in [Input(1, 28, 28)] (channels, height, width) or [Input(3, 100)] (channels, length)", cancellationToken);
            }
            return new InputDeclaration(attribute, dimensions);
        }
        if (LayerRules.ForAttribute(name) is not { } rule)
        {
            return null;
        }
        int problems = Problems.Count;
        LayerDeclaration layer = rule.Read(this, attribute, number, cancellationToken);
        // Name belongs to every layer attribute (NetGen.LayerAttribute), so it is read here, for every kind; the checks are NG1101/NG1102.
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key == "Name" && named.Value.Kind == TypedConstantKind.Primitive && named.Value.Value is string text)
            {
                layer.Name = text;
            }
        }
        if (HasUnbindableArgument(attribute, cancellationToken))
        {
            // The compiler already reports the argument it cannot bind ([Dense(8, Activation.Swish)]: CS0117), and without a
            // bound constructor every argument reads as missing: an NG1004 here would blame another argument (the unit count).
            // Stay silent; the network is not generated until the compiler's error is fixed.
            Problems.RemoveRange(problems, Problems.Count - problems);
            HasCompilerError = true;
        }
        return layer;
    }

    /// <summary>
    /// True when a layer attribute has an argument the compiler could not bind (an unknown member such as
    /// <c>Activation.Swish</c>, an undefined name): the compiler reports it, so NetGen adds no NG1004 and generates nothing.
    /// </summary>
    public bool HasCompilerError { get; private set; }

    /// <summary>An argument whose expression does not bind (its type is an error type): the compiler's error is the right one.</summary>
    private bool HasUnbindableArgument(AttributeData attribute, CancellationToken cancellationToken)
    {
        if (attribute.AttributeConstructor is not null
            || attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax { ArgumentList: { } list } syntax)
        {
            return false;
        }
        SemanticModel model = _compilation.GetSemanticModel(syntax.SyntaxTree);
        foreach (AttributeArgumentSyntax argument in list.Arguments)
        {
            if (argument.NameEquals is null && model.GetTypeInfo(argument.Expression, cancellationToken).Type is null or { TypeKind: TypeKind.Error })
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A named argument the compiler could not bind is either missing from <see cref="AttributeData.NamedArguments"/>
    /// (an unknown property) or present with the value of a conversion C# does not allow implicitly (<c>Loss = 3</c>):
    /// compare with the syntax, or the attribute would silently read as something the user did not write.
    /// </summary>
    /// <returns>The names of the unbound arguments, which the caller must not read.</returns>
    internal HashSet<string> CheckNamedArgumentsBound(AttributeData attribute, string kind, CancellationToken cancellationToken)
    {
        var unbound = new HashSet<string>();
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax { ArgumentList: { } list } syntax)
        {
            return unbound;
        }
        SemanticModel? model = null;
        foreach (AttributeArgumentSyntax argument in list.Arguments)
        {
            if (argument.NameEquals is not { } nameEquals)
            {
                continue;
            }
            bool bound = attribute.NamedArguments.Any(n => n.Key == nameEquals.Name.Identifier.ValueText);
            if (bound)
            {
                model ??= _compilation.GetSemanticModel(syntax.SyntaxTree);
                Microsoft.CodeAnalysis.CSharp.Conversion conversion = Microsoft.CodeAnalysis.CSharp.CSharpExtensions.GetConversion(model, argument.Expression, cancellationToken);
                bound = conversion.Exists && conversion.IsImplicit;
            }
            if (!bound)
            {
                unbound.Add(nameEquals.Name.Identifier.ValueText);
                Problems.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidAttributeArgument.Id, LocationInfo.From(argument.GetLocation()),
                    new EquatableArray<string>(new[] { kind, nameEquals.Name.Identifier.ValueText + " must be a constant of its declared type" })));
            }
        }
        return unbound;
    }

    internal int? ReadInt(AttributeData attribute, int index, string kind, string expected, CancellationToken cancellationToken)
    {
        ImmutableArray<TypedConstant> args = attribute.ConstructorArguments;
        if (attribute.AttributeConstructor is null || index >= args.Length
            || args[index].Kind != TypedConstantKind.Primitive || args[index].Type?.SpecialType != SpecialType.System_Int32 || args[index].Value is not int value)
        {
            Problem(AttributeLocations.Argument(attribute, index, cancellationToken), kind, expected);
            return null;
        }
        return value;
    }

    internal void Problem(LocationInfo? location, string kind, string detail) =>
        Problems.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidAttributeArgument.Id, location, new EquatableArray<string>(new[] { kind, detail })));

    /// <summary>A constant of the NetGen enum <paramref name="enumName"/> within 0..max (a value of another type is a binding error).</summary>
    internal float? ReadSlope(AttributeData attribute, HashSet<string> unbound, string kind, CancellationToken cancellationToken)
    {
        float? slope = 0.01f;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Key != "NegativeSlope" || unbound.Contains(named.Key))
            {
                continue;
            }
            if (named.Value.Kind == TypedConstantKind.Primitive && named.Value.Type?.SpecialType == SpecialType.System_Single && named.Value.Value is float s && !float.IsNaN(s) && !float.IsInfinity(s))
            {
                slope = s;
            }
            else
            {
                slope = null;
                Problem(AttributeLocations.Named(attribute, "NegativeSlope", cancellationToken), kind, "NegativeSlope must be a finite float");
            }
        }
        return slope;
    }

    /// <summary>A float or double constant as float.</summary>
    internal static bool TryFloat(TypedConstant constant, out float value)
    {
        value = constant.Kind == TypedConstantKind.Primitive ? constant.Value switch
        {
            float f => f,
            double d => (float)d,
            _ => float.NaN,
        } : float.NaN;
        return !float.IsNaN(value);
    }

    internal static bool TryEnum(TypedConstant constant, string enumName, int max, out int value)
    {
        value = 0;
        if (constant.Kind != TypedConstantKind.Enum || constant.Type is not { Name: var name, ContainingNamespace.Name: "NetGen" } || name != enumName
            || constant.Value is not int v || v < 0 || v > max)
        {
            return false;
        }
        value = v;
        return true;
    }

    private static string? NameOf(AttributeData attribute)
    {
        INamedTypeSymbol? type = attribute.AttributeClass;
        if (type is null || type.TypeKind == TypeKind.Error || type.ContainingNamespace is not { Name: "NetGen" } ns || !ns.ContainingNamespace.IsGlobalNamespace)
        {
            return null;
        }
        return "NetGen." + type.MetadataName;
    }
}

/// <summary>One layer attribute as written, with its position among the layers.</summary>
internal abstract class LayerDeclaration
{
    protected LayerDeclaration(AttributeData attribute, int number)
    {
        Attribute = attribute;
        Number = number;
    }

    public AttributeData Attribute { get; }

    /// <summary>1-based layer number l, as in a⁽ˡ⁾ ([Input] is 0).</summary>
    public int Number { get; }

    /// <summary>The <c>Name = "…"</c> written on the attribute (every layer attribute has it, from <c>NetGen.LayerAttribute</c>), or null.</summary>
    public string? Name { get; set; }

    /// <summary>The rule that read this layer and builds its model (null for [Input]).</summary>
    public virtual LayerRule? Rule => null;

    /// <summary>"2 (Dense 10)", for messages.</summary>
    public virtual string Describe() => Number.ToString(CultureInfo.InvariantCulture);

    /// <summary>The number of values this layer puts out given <paramref name="incoming"/> (null: unknown); the analyzers' view.</summary>
    public virtual int? Width(int? incoming) => incoming;

    /// <summary>Where the argument that sets the layer's width is written (the attribute, for layers that keep the width).</summary>
    public virtual Location? WidthLocation(CancellationToken cancellationToken) => AttributeLocations.AttributeLocation(Attribute, cancellationToken);

    /// <summary>The attribute as the user wrote it, for messages (<c>[Dense(4, Activation.Tanh)]</c>).</summary>
    public string Text(CancellationToken cancellationToken) =>
        Attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax ? "[" + syntax.ToString() + "]" : "[" + Attribute.AttributeClass?.Name + "]";

    /// <summary>The type declaration (partial part) the attribute is written on.</summary>
    public SyntaxNode? Declaration(CancellationToken cancellationToken) =>
        Attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).Parent?.Parent;
}

/// <summary>
/// <c>[Input(size)]</c>, <c>[Input(channels, length)]</c> or <c>[Input(channels, height, width)]</c>; <see cref="Size"/> (the
/// product) is null when an argument cannot be read or the product does not fit an int.
/// </summary>
internal sealed class InputDeclaration : LayerDeclaration
{
    public InputDeclaration(AttributeData attribute, int?[] dimensions) : base(attribute, 0)
    {
        Dimensions = dimensions;
        long product = 1;
        foreach (int? d in dimensions)
        {
            if (d is not int value)
            {
                return;
            }
            product *= value;
        }
        Size = product is >= int.MinValue and <= int.MaxValue && (dimensions.Length == 1 || product <= 100_000_000) ? (int)product : null;
    }

    /// <summary>The arguments as written (null: not readable): one size, channels and length, or channels, height, width.</summary>
    public int?[] Dimensions { get; }

    public int? Size { get; }

    /// <summary>The input's shape (only when every dimension was read and is positive).</summary>
    public Shape Shape => Dimensions.Length switch
    {
        2 => Shape.Signal(Dimensions[0]!.Value, Dimensions[1]!.Value),
        3 => Shape.Image(Dimensions[0]!.Value, Dimensions[1]!.Value, Dimensions[2]!.Value),
        _ => Shape.Vector(Size!.Value),
    };
}

/// <summary>A layer with an activation f (Dense, BatchNorm): what the loss/activation fit rules look at.</summary>
internal abstract class ActivationLayerDeclaration : LayerDeclaration
{
    protected ActivationLayerDeclaration(AttributeData attribute, int number, ActivationKind? activation, bool activationGiven, int activationParameter, float? negativeSlope)
        : base(attribute, number)
    {
        Activation = activation;
        ActivationGiven = activationGiven;
        ActivationParameter = activationParameter;
        NegativeSlope = negativeSlope;
    }

    /// <summary>f, or null when it cannot be read.</summary>
    public ActivationKind? Activation { get; }

    /// <summary>Whether the activation was written (false: the Identity default).</summary>
    public bool ActivationGiven { get; }

    /// <summary>The constructor parameter that holds the activation.</summary>
    public int ActivationParameter { get; }

    public float? NegativeSlope { get; }
}

/// <summary>
/// Locations inside attribute syntax: the whole attribute, a constructor argument, a named argument. The <c>…Location</c>
/// methods return real source locations (analyzers: #pragma works on them); the others plain <see cref="LocationInfo"/>
/// values for the generator's cached diagnostics.
/// </summary>
internal static class AttributeLocations
{
    public static LocationInfo? Attribute(AttributeData attribute, CancellationToken cancellationToken) =>
        LocationInfo.From(AttributeLocation(attribute, cancellationToken));

    public static LocationInfo? Argument(AttributeData attribute, int parameter, CancellationToken cancellationToken) =>
        LocationInfo.From(ArgumentLocation(attribute, parameter, cancellationToken));

    public static LocationInfo? Named(AttributeData attribute, string name, CancellationToken cancellationToken) =>
        LocationInfo.From(NamedLocation(attribute, name, cancellationToken));

    public static Location? AttributeLocation(AttributeData attribute, CancellationToken cancellationToken) =>
        attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();

    /// <summary>The expression of the constructor argument bound to parameter <paramref name="parameter"/> (positional or <c>name:</c>), else the attribute.</summary>
    public static Location? ArgumentLocation(AttributeData attribute, int parameter, CancellationToken cancellationToken) =>
        ArgumentSyntax(attribute, parameter, cancellationToken)?.Expression.GetLocation() ?? AttributeLocation(attribute, cancellationToken);

    /// <summary>The <c>Name = value</c> argument, else the attribute.</summary>
    public static Location? NamedLocation(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list })
        {
            foreach (AttributeArgumentSyntax argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return argument.GetLocation();
                }
            }
        }
        return AttributeLocation(attribute, cancellationToken);
    }

    public static bool HasArgument(AttributeData attribute, int parameter, CancellationToken cancellationToken) =>
        ArgumentSyntax(attribute, parameter, cancellationToken) is not null;

    private static AttributeArgumentSyntax? ArgumentSyntax(AttributeData attribute, int parameter, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax { ArgumentList: { } list })
        {
            return null;
        }
        ImmutableArray<IParameterSymbol> parameters = attribute.AttributeConstructor?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty;
        string? parameterName = parameter < parameters.Length ? parameters[parameter].Name : null;
        int position = 0;
        foreach (AttributeArgumentSyntax argument in list.Arguments)
        {
            if (argument.NameEquals is not null)
            {
                continue;
            }
            if (argument.NameColon is { } colon)
            {
                if (colon.Name.Identifier.ValueText == parameterName)
                {
                    return argument;
                }
            }
            else if (position == parameter)
            {
                return argument;
            }
            position++;
        }
        return null;
    }
}
