using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace NetGen.Generators.Diagnostics;

/// <summary>
/// The catalogue of NetGen diagnostics. IDs are stable and grouped by kind:
/// NG1xxx declaration, NG2xxx shapes, NG3xxx loss and activation fit, NG4xxx call sites, NG5xxx weight files.
/// Every ID has a page in <c>docs/diagnostics/</c> and a row in <c>AnalyzerReleases.*.md</c>.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string HelpLinkBase = "https://github.com/netgen-dev/netgen/blob/main/docs/diagnostics/";

    private const string Declaration = "NetGen.Declaration";
    private const string Shape = "NetGen.Shape";
    private const string WeightFile = "NetGen.WeightFile";

    public static readonly DiagnosticDescriptor NotPartial = Create(
        "NG1001", Declaration, DiagnosticSeverity.Error,
        "Network class must be partial",
        "'{0}' has [Network] but is not partial; declare it 'partial class {0}' so NetGen can generate the rest of it",
        "NetGen writes the forward pass, backprop and parameter storage into the other part of the class, which needs the class to be declared partial.");

    public static readonly DiagnosticDescriptor NestedNotSupported = Create(
        "NG1002", Declaration, DiagnosticSeverity.Error,
        "Network class cannot be nested",
        "'{0}' is nested inside '{1}'; declare the network as a top-level class in a namespace",
        "NetGen generates top-level network classes only.");

    public static readonly DiagnosticDescriptor GenericNotSupported = Create(
        "NG1003", Declaration, DiagnosticSeverity.Error,
        "Network class cannot be generic",
        "'{0}' has type parameters; a network's shape is fixed at compile time, so declare it without type parameters",
        "Network shapes are compile-time constants; a generic network class has nothing to vary.");

    public static readonly DiagnosticDescriptor InvalidAttributeArgument = Create(
        "NG1004", Declaration, DiagnosticSeverity.Error,
        "Layer attribute argument cannot be read",
        "The {0} attribute's argument is not valid: {1}",
        "Layer attributes need constant arguments of the documented types, such as [Dense(32, Activation.ReLU)].");

    public static readonly DiagnosticDescriptor MissingInput = Create(
        "NG2001", Shape, DiagnosticSeverity.Error,
        "Network has no [Input]",
        "'{0}' has no [Input(n)] attribute; add one before the first layer to say how many values the network takes",
        "The input size determines the first layer's weight shape.");

    public static readonly DiagnosticDescriptor NoLayers = Create(
        "NG2002", Shape, DiagnosticSeverity.Error,
        "Network has no layers",
        "'{0}' has no layers; add at least one layer after [Input], such as [Dense(1)]",
        "A network needs at least one layer to produce an output.");

    public static readonly DiagnosticDescriptor SizeNotPositive = Create(
        "NG2003", Shape, DiagnosticSeverity.Error,
        "Size must be positive",
        "{0} has size {1}; sizes must be at least 1",
        "Input sizes and layer widths are counts of values and must be at least 1.");

    public static readonly DiagnosticDescriptor NetworkTooLarge = Create(
        "NG2004", Shape, DiagnosticSeverity.Error,
        "Network is too large to generate",
        "{0} is too large: {1}",
        "NetGen generates fixed-size code for small and medium networks; the limits keep Forward's stack use and the parameter buffer sensible.");

    // NG5xxx: embedded weight files ([Network(Weights = "…")]). Each points at the Weights argument and names the file and tensor.

    public static readonly DiagnosticDescriptor WeightsFileNotFound = Create(
        "NG5001", WeightFile, DiagnosticSeverity.Error,
        "Weight file is not an additional file",
        "Weight file '{0}' for '{1}' is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"{0}\" /> to the project file",
        "Embedded weights are read at compile time from the project's AdditionalFiles; the generator cannot open other files. The Weights path is matched relative to the declaring source file, then against the end of each additional file's path.");

    public static readonly DiagnosticDescriptor WeightsFileAmbiguous = Create(
        "NG5002", WeightFile, DiagnosticSeverity.Error,
        "Weight file name is ambiguous",
        "Weight file '{0}' matches several AdditionalFiles ({1}); write more of its path",
        "A Weights path must name exactly one additional file.");

    public static readonly DiagnosticDescriptor WeightsFileInvalid = Create(
        "NG5003", WeightFile, DiagnosticSeverity.Error,
        "Weight file cannot be read",
        "Weight file '{0}' is not valid NetGen weight JSON: {1}",
        "Embedded weights use the JSON that NetGen.IO.WeightsJson.Save (or tests/pytorch/make_safetensors_fixtures.py) writes: {\"format\": \"netgen-weights\", \"version\": 1, \"tensors\": [{\"name\", \"dtype\", \"shape\", \"data\"}, …]}.");

    public static readonly DiagnosticDescriptor WeightsTensorMissing = Create(
        "NG5004", WeightFile, DiagnosticSeverity.Error,
        "Weight file lacks a tensor",
        "Weight file '{0}' has no tensor '{1}' {2}, which '{3}' needs",
        "Tensor names follow the equivalent PyTorch nn.Sequential state dict: each Dense layer is a Linear module followed by its activation module (none for identity), so the indices skip the activations.");

    public static readonly DiagnosticDescriptor WeightsTensorUnexpected = Create(
        "NG5005", WeightFile, DiagnosticSeverity.Error,
        "Weight file has a tensor the network lacks",
        "Weight file '{0}' has tensor '{1}', which '{2}' does not have; its tensors are {3}",
        "A weight file must hold exactly the network's tensors, so that a file made for another architecture cannot be embedded by mistake.");

    public static readonly DiagnosticDescriptor WeightsTensorShape = Create(
        "NG5006", WeightFile, DiagnosticSeverity.Error,
        "Weight file tensor has the wrong shape",
        "Tensor '{1}' in weight file '{0}' has shape {2}, but '{3}' needs {4}",
        "A dense layer's weight is out × in (PyTorch's nn.Linear.weight) and its bias has out values.");

    public static readonly DiagnosticDescriptor WeightsTensorDType = Create(
        "NG5007", WeightFile, DiagnosticSeverity.Error,
        "Weight file tensor is not float32",
        "Tensor '{1}' in weight file '{0}' has dtype {2}; NetGen networks hold float32, so the tensor must be F32",
        "NetGen networks compute in float32; convert the tensors before exporting (in PyTorch: model.float()).");

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new()
    {
        [NotPartial.Id] = NotPartial,
        [NestedNotSupported.Id] = NestedNotSupported,
        [GenericNotSupported.Id] = GenericNotSupported,
        [InvalidAttributeArgument.Id] = InvalidAttributeArgument,
        [MissingInput.Id] = MissingInput,
        [NoLayers.Id] = NoLayers,
        [SizeNotPositive.Id] = SizeNotPositive,
        [NetworkTooLarge.Id] = NetworkTooLarge,
        [WeightsFileNotFound.Id] = WeightsFileNotFound,
        [WeightsFileAmbiguous.Id] = WeightsFileAmbiguous,
        [WeightsFileInvalid.Id] = WeightsFileInvalid,
        [WeightsTensorMissing.Id] = WeightsTensorMissing,
        [WeightsTensorUnexpected.Id] = WeightsTensorUnexpected,
        [WeightsTensorShape.Id] = WeightsTensorShape,
        [WeightsTensorDType.Id] = WeightsTensorDType,
    };

    /// <summary>Every descriptor in the catalogue.</summary>
    public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values;

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    private static DiagnosticDescriptor Create(string id, string category, DiagnosticSeverity severity, string title, string message, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpLinkBase + id + ".md");
}
