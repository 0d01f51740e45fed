namespace NetGen.Generators.Model;

/// <summary>
/// The types a generated file names through a file-local using alias (<c>using V128 = …Vector128&lt;float&gt;;</c>), so that
/// a math line shows the math instead of <c>global::System.Runtime.Intrinsics.</c> prefixes.
/// </summary>
internal enum Alias
{
    Span,
    ReadOnlySpan,
    V128,
    V256,
    V512,
    Vector128,
    Vector256,
    Vector512,
    Activations,
    Losses,
    DenseKernels,
    DropoutKernels,
    BatchNormKernels,
    Lanes,
    Aligned,
    Guard,
    Initializers,
    LayerInfo,
    LayerKind,
    Activation,
    // issue 13
    NormalizationKernels,
    // issue 11
    ForwardCopy,
}

/// <summary>
/// The name each <see cref="Alias"/> takes in one generated file: its default name, unless a name the generated class can
/// see (its own or inherited members, a type of its namespaces, a global using) is spelled the same, which would collide
/// with or shadow the alias; then the name gets underscores until it is free.
/// </summary>
internal sealed record AliasNames(EquatableArray<string> Names)
{
    /// <summary>What each alias stands for, in <see cref="Alias"/> order.</summary>
    public static readonly string[] Targets =
    {
        "global::System.Span<float>",
        "global::System.ReadOnlySpan<float>",
        "global::System.Runtime.Intrinsics.Vector128<float>",
        "global::System.Runtime.Intrinsics.Vector256<float>",
        "global::System.Runtime.Intrinsics.Vector512<float>",
        "global::System.Runtime.Intrinsics.Vector128",
        "global::System.Runtime.Intrinsics.Vector256",
        "global::System.Runtime.Intrinsics.Vector512",
        "global::NetGen.Kernels.Activations",
        "global::NetGen.Kernels.Losses",
        "global::NetGen.Kernels.DenseKernels",
        "global::NetGen.Kernels.DropoutKernels",
        "global::NetGen.Kernels.BatchNormKernels",
        "global::NetGen.Kernels.Lanes",
        "global::NetGen.Kernels.Aligned",
        "global::NetGen.Guard",
        "global::NetGen.Initializers",
        "global::NetGen.LayerInfo",
        "global::NetGen.LayerKind",
        "global::NetGen.Activation",
        // issue 13
        "global::NetGen.Kernels.NormalizationKernels",
        // issue 11
        "global::NetGen.Kernels.ForwardCopy",
    };

    /// <summary>Every alias under its default name.</summary>
    public static AliasNames Default { get; } = new(new EquatableArray<string>(System.Enum.GetNames(typeof(Alias))));

    public string this[Alias alias] => Names[(int)alias];
}
