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
    /// <summary>The diagnostics' pages: under the repository address the build gives (MSBuild property NetGenRepositoryUrl).</summary>
    public const string HelpLinkBase = RepositoryInfo.Url + "/blob/main/docs/diagnostics/";

    private const string Declaration = "NetGen.Declaration";
    private const string Shape = "NetGen.Shape";
    private const string Fit = "NetGen.Fit";
    private const string CallSite = "NetGen.CallSite";
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

    public static readonly DiagnosticDescriptor MemberConflict = Create(
        "NG1005", Declaration, DiagnosticSeverity.Error,
        "Network class already declares a member NetGen generates",
        "'{0}' already declares '{1}', which NetGen generates ({2}); rename or remove it",
        "NetGen writes a fixed set of members into the network class (InputSize, OutputSize, ParameterCount, Parameters, Forward, and for trainable networks Gradients, Backward, ZeroGradients and their private buffers). A member of the same name in your part of the class would collide with the generated one.");

    public static readonly DiagnosticDescriptor InheritedMemberConflict = Create(
        "NG1006", Declaration, DiagnosticSeverity.Error,
        "Network class inherits a member NetGen generates",
        "'{0}' inherits '{1}' from '{2}'; the generated '{1}' ({3}) would hide it: rename the inherited member or derive from another class",
        "A generated member that hides an inherited one changes what callers of the base class get, and the compiler warns about it (CS0108/CS0114). NetGen refuses to generate the hiding member.");

    public static readonly DiagnosticDescriptor ClassNameConflict = Create(
        "NG1007", Declaration, DiagnosticSeverity.Error,
        "Network class name clashes with the generated code",
        "The class is named '{0}', which the generated code uses for {1}; rename the class",
        "C# forbids a member with the same name as its enclosing type (CS0542), and every network gets the generated members, so the class name must differ from all of them. A class named 'var' would also change the meaning of the generated code's implicitly typed locals.");

    public static readonly DiagnosticDescriptor LayersSpread = Create(
        "NG1008", Declaration, DiagnosticSeverity.Error,
        "Layer attributes are spread over several partial declarations",
        "{0} is on a different declaration of '{1}' than {2}; attribute order is layer order, so put all layer attributes on one declaration",
        "The order of attributes across the parts of a partial class depends on the order the compiler sees the files, so a network whose layers are spread over several parts has no well-defined layer order.");

    public static readonly DiagnosticDescriptor UnsupportedClassKind = Create(
        "NG1009", Declaration, DiagnosticSeverity.Error,
        "Network must be a plain class",
        "'{0}' is {1}; declare the network as a plain partial class (not static, not a record, not file-local)",
        "NetGen generates instance members and a constructor into a 'partial class' in a separate file: a static class cannot hold them, a record's parts must all be records, and a file-local class cannot have a part in another file.");

    public static readonly DiagnosticDescriptor NetworkRepeated = Create(
        "NG1010", Declaration, DiagnosticSeverity.Error,
        "[Network] is declared more than once",
        "'{0}' already has [Network] on {1}; a class is one network, so keep a single [Network] attribute",
        "[Network] marks the class and carries its loss and reduction; a second one (on the same or another partial declaration) has no meaning and is a compile error (CS0579).");

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

    public static readonly DiagnosticDescriptor InputNotFirst = Create(
        "NG2005", Shape, DiagnosticSeverity.Error,
        "[Input] must come before the layers",
        "{0} comes after {1}; move [Input] above the first layer, since a layer's input width is the width of what comes before it",
        "Attribute order is layer order. Each layer takes the previous layer's output (the first layer takes the input), so [Input] must be the first layer attribute.");

    public static readonly DiagnosticDescriptor InputRepeated = Create(
        "NG2006", Shape, DiagnosticSeverity.Error,
        "[Input] is declared more than once",
        "'{0}' already has {1}; a network has exactly one [Input], so remove this one",
        "A network takes one input vector; a second [Input] has no meaning.");

    public static readonly DiagnosticDescriptor LossNeedsSoftmax = Create(
        "NG3001", Fit, DiagnosticSeverity.Error,
        "Loss needs a softmax output layer",
        "Loss {0} compares probability distributions, but the output layer {1} uses {2}, whose outputs are not probabilities; use Activation.Softmax on the output layer, or a loss that fits {2} outputs such as {3}",
        "CrossEntropy and KLDivergence take log ŷₖ of the network's outputs and assume they sum to 1. Without a softmax output they are not probabilities: training drives the outputs up without bound or takes the log of negative numbers.");

    public static readonly DiagnosticDescriptor BceNeedsSigmoid = Create(
        "NG3002", Fit, DiagnosticSeverity.Error,
        "BinaryCrossEntropy needs a sigmoid output",
        "Loss BinaryCrossEntropy takes log ŷ and log(1 − ŷ), but the output layer {0} uses {1}, whose outputs are not confined to (0, 1); use Activation.Sigmoid on the output layer",
        "Binary cross-entropy needs each output to be a probability in (0, 1): a sigmoid output. Other activations produce values outside that range, where the logarithms are undefined.");

    public static readonly DiagnosticDescriptor BceSeveralOutputs = Create(
        "NG3003", Fit, DiagnosticSeverity.Warning,
        "BinaryCrossEntropy with more than one output",
        "Loss BinaryCrossEntropy is meant for one sigmoid output (yes/no), but the output layer {0} has {1} outputs; for one of {1} classes use Activation.Softmax with Loss.CrossEntropy, or suppress NG3003 if the outputs are independent yes/no labels (multi-label)",
        "Binary cross-entropy over several sigmoid outputs treats them as independent yes/no questions (multi-label classification). When exactly one class is right, softmax with cross-entropy is the right model; this warning asks you to confirm the choice.");

    public static readonly DiagnosticDescriptor SoftmaxWithBce = Create(
        "NG3004", Fit, DiagnosticSeverity.Error,
        "Softmax output with BinaryCrossEntropy",
        "The output layer {0} uses Softmax, but Loss BinaryCrossEntropy treats every output as a separate yes/no probability; use Loss.CrossEntropy with a softmax output, or Activation.Sigmoid with BinaryCrossEntropy",
        "Softmax couples the outputs so that they sum to 1, which binary cross-entropy does not expect; with one output softmax is always 1 and log(1 − ŷ) is −∞.");

    public static readonly DiagnosticDescriptor HingeAfterSquashing = Create(
        "NG3005", Fit, DiagnosticSeverity.Warning,
        "Hinge loss after a sigmoid or softmax output",
        "Loss Hinge wants outputs beyond ±1 (max(0, 1 − y·ŷ) with y ∈ {{−1, +1}}), but the output layer {0} uses {1}, which stays inside (0, 1); use Activation.Identity or Tanh on the output layer",
        "Hinge loss is zero only when y·ŷ ≥ 1. A sigmoid or softmax output never reaches 1 and never goes below 0, so targets of −1 and +1 can never be met and training pushes the outputs into saturation.");

    public static readonly DiagnosticDescriptor SoftmaxHidden = Create(
        "NG3006", Fit, DiagnosticSeverity.Warning,
        "Softmax in a hidden layer",
        "Hidden layer {0} uses Softmax; softmax turns a layer into a probability distribution and belongs on the output layer, so use ReLU, Tanh or another element-wise activation here",
        "A softmax hidden layer squeezes all its units into values that sum to 1, which throws away scale and slows training; it is almost always meant for the output layer.");

    public static readonly DiagnosticDescriptor ZeroGradientActivation = Create(
        "NG3007", Fit, DiagnosticSeverity.Warning,
        "Step or Sign in a network that is trained",
        "Layer {0} uses {1}, whose gradient is zero everywhere, but the network has Loss {2}: no gradient reaches {3}; use Sigmoid or Tanh to train, or remove the Loss for an inference-only perceptron",
        "Step and Sign are flat except at 0, so backprop multiplies every error by 0 and the weights below them never change. They are meant for inference-only networks such as hand-set perceptrons.");

    public static readonly DiagnosticDescriptor SoftmaxSingleOutput = Create(
        "NG3008", Fit, DiagnosticSeverity.Warning,
        "Softmax over a single output",
        "Layer {0} applies Softmax to 1 output, which is always exactly 1; use Activation.Sigmoid for a yes/no output, or give the layer one unit per class",
        "Softmax normalises a layer so its outputs sum to 1; over a single unit that output is the constant 1, whatever the input.");

    public static readonly DiagnosticDescriptor SpanLengthMismatch = Create(
        "NG4001", CallSite, DiagnosticSeverity.Error,
        "Span argument has the wrong length",
        "'{0}' of {1}.{2} needs {3} = {4} values, but this argument has {5}",
        "Forward, Backward and the other generated entry points check their span lengths at run time and throw ArgumentException. When the argument's length is a compile-time constant (an array or stackalloc of constant size, an initializer, a collection expression, or a local holding one), the mismatch is reported while you type; for the batched entry points, against batchSize samples when batchSize is constant, else against a whole number of samples.");

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

    // issue 9: convolution and pooling shapes (NG2101–NG2119)
    public static readonly DiagnosticDescriptor OutputSizeNotPositive = Create(
        "NG2101", Shape, DiagnosticSeverity.Error,
        "Convolution or pooling output would be empty",
        "{0} would have no output: {1}",
        "A convolution's output is ⌊(n + 2·padding − kernel)/stride⌋ + 1 values along each axis and a pooling layer's ⌊(n − size)/stride⌋ + 1; the kernel or window must fit the (padded) input.");

    public static readonly DiagnosticDescriptor ConvNeedsImage = Create(
        "NG2102", Shape, DiagnosticSeverity.Error,
        "Convolution or pooling needs an image input",
        "{0} needs an image (channels × height × width) but receives {1}",
        "Conv2D, MaxPool2D and AvgPool2D work on images: declare [Input(channels, height, width)] and put them before [Flatten] and any Dense layer.");

    public static readonly DiagnosticDescriptor DenseNeedsFlatten = Create(
        "NG2103", Shape, DiagnosticSeverity.Error,
        "Dense layer after an image needs [Flatten]",
        "{0} after a {1} needs [Flatten] first",
        "A Dense layer reads a vector; after a convolution or pooling layer the values are channels × height × width, so put [Flatten] between them to say how the image becomes a vector (PyTorch's nn.Flatten).");

    public static readonly DiagnosticDescriptor NeedsSignal = Create(
        "NG2105", Shape, DiagnosticSeverity.Error,
        "1-D convolution or pooling needs a signal input",
        "{0} needs a signal (channels × length) but receives {1}",
        "Conv1D, MaxPool1D and AvgPool1D slide along a fixed-length signal: declare [Input(channels, length)] and put them before [Flatten] and any Dense layer.");

    public static readonly DiagnosticDescriptor PositionsDropped = Create(
        "NG2106", Shape, DiagnosticSeverity.Warning,
        "Pooling or stride leaves input positions out",
        "{0} never reads {1} of its {2} input: the windows at this stride stop before them (as in PyTorch, the output length rounds down)",
        "An output length is ⌊(n + 2·padding − span)/stride⌋ + 1; when the division has a remainder the last input positions are read by no window, so their values never reach the output. Change the size, stride or padding so that the windows tile the input, or suppress the warning if dropping them is intended.");

    // issue 10: recurrent layers (NG2201–NG2219)
    public static readonly DiagnosticDescriptor RecurrentHiddenNotPositive = Create(
        "NG2201", Shape, DiagnosticSeverity.Error,
        "Recurrent layer needs a positive hidden size",
        "{0} has hidden size {1}; a recurrent layer needs at least 1 hidden unit",
        "[GRU(hidden)] and [LSTM(hidden)] take PyTorch's hidden_size: the number of values in h, the layer's output at each time step. It must be at least 1.");

    public static readonly DiagnosticDescriptor RecurrentLayersNotPositive = Create(
        "NG2202", Shape, DiagnosticSeverity.Error,
        "Recurrent layer needs at least one stacked layer",
        "{0} has Layers = {1}; a recurrent layer has at least 1 stacked layer",
        "Layers is PyTorch's num_layers: how many GRU or LSTM layers are stacked, each fed by the one below. It must be at least 1 (the default).");

    public static readonly DiagnosticDescriptor RecurrentNeedsVector = Create(
        "NG2203", Shape, DiagnosticSeverity.Error,
        "Recurrent layer needs a vector per time step",
        "{0} receives a {1}; a recurrent layer reads one vector per time step: declare [Input(n)] with the n values of one step",
        "A GRU or LSTM reads one frame of n values per time step (a sequence is steps × n values, row-major). An image or a channels × length signal is not a frame: declare [Input(n)] for the frame.");

    public static readonly DiagnosticDescriptor NotInSequence = Create(
        "NG2204", Shape, DiagnosticSeverity.Error,
        "Layer cannot be used in a network with recurrent layers",
        "{0} cannot be in a network with a recurrent layer ({1}): only Dense layers (applied at every time step), GRU and LSTM run step by step",
        "A network with a GRU or LSTM streams: every layer runs once per time step, on one frame, with state only in the recurrent layers. Dropout, batch norm, convolutions, pooling and flatten are not supported in such a network.");

    // ── issue 13: [Normalization] (NG1201–NG1219) ──

    public static readonly DiagnosticDescriptor NormalizationNotFirst = Create(
        "NG1201", Declaration, DiagnosticSeverity.Error,
        "[Normalization] must be the first layer",
        "Normalization layer {0} must be the first layer, right after [Input], but follows {1}; move it up so that it standardises the raw input",
        "[Normalization] standardises the network's input with a mean and variance that Adapt measures on the training data, as the raw data comes: it must be the first layer, right after [Input].");

    public static readonly DiagnosticDescriptor NormalizationNeedsVector = Create(
        "NG1202", Declaration, DiagnosticSeverity.Error,
        "[Normalization] needs a vector input",
        "Normalization layer {0} standardises each feature of a vector [Input(n)], but the input is {1}; normalise images or signals per channel before they reach the network",
        "[Normalization] keeps one mean and one variance per input feature of a vector input; per-channel normalisation of an image or signal input is not available.");

    // ── issue 12: layer names (NG1101–NG1119) ──

    public static readonly DiagnosticDescriptor LayerNameRepeated = Create(
        "NG1101", Declaration, DiagnosticSeverity.Error,
        "Two layers have the same Name",
        "Layer {0} has Name \"{1}\", which layer {2} already has; each layer needs its own name, because its tensors are named after it ({1}.weight, {1}.bias)",
        "A layer's Name is its module name in weight files: two layers with one name would write and expect the same tensors.");

    public static readonly DiagnosticDescriptor LayerNameInvalid = Create(
        "NG1102", Declaration, DiagnosticSeverity.Error,
        "Layer Name is not a valid state-dict key",
        "Layer {0} has Name \"{1}\", which is not a module name PyTorch writes: {2}; use a Python identifier such as \"fc1\", or parts joined by dots such as \"encoder.fc1\"",
        "A layer's Name becomes the prefix of its tensors in a state dict ({Name}.weight). PyTorch's module names are Python identifiers, joined by dots for modules inside modules (an nn.Sequential's children are numbered: features.0).");

    // ── issue 12: LogSoftmax, negative log-likelihood and Huber (NG3101–NG3119) ──

    public static readonly DiagnosticDescriptor NllNeedsLogSoftmax = Create(
        "NG3101", Fit, DiagnosticSeverity.Error,
        "NegativeLogLikelihood needs a LogSoftmax output layer",
        "Loss NegativeLogLikelihood reads the outputs as log-probabilities, but the output layer {0} uses {1}; use Activation.LogSoftmax on the output layer (PyTorch's LogSoftmax + NLLLoss)",
        "NegativeLogLikelihood computes −Σₖ yₖ·ŷₖ and assumes ŷ are log-probabilities (≤ 0, with Σ e^ŷ = 1). Any other output is unbounded below: training drives the target's output up forever instead of learning a distribution.");

    public static readonly DiagnosticDescriptor LogSoftmaxHidden = Create(
        "NG3102", Fit, DiagnosticSeverity.Warning,
        "LogSoftmax in a hidden layer",
        "Hidden layer {0} uses LogSoftmax; log-softmax produces log-probabilities and belongs on the output layer, so use ReLU, Tanh or another element-wise activation here",
        "A log-softmax hidden layer shifts its units by a shared log-sum-exp; its outputs are log-probabilities meant for NegativeLogLikelihood, not features for the next layer.");

    public static readonly DiagnosticDescriptor LogSoftmaxWithoutNll = Create(
        "NG3103", Fit, DiagnosticSeverity.Warning,
        "LogSoftmax output with a loss other than NegativeLogLikelihood",
        "The output layer {0} uses LogSoftmax, whose outputs are log-probabilities, but the loss is {1}; use Loss.NegativeLogLikelihood with it (PyTorch's LogSoftmax + NLLLoss), or Activation.Softmax with Loss.CrossEntropy",
        "Log-probabilities are ≤ 0 and only their differences carry meaning; MeanSquaredError, Huber or Hinge on them compare numbers of another scale than the targets.");

    public static readonly DiagnosticDescriptor HuberDeltaUnused = Create(
        "NG3104", Fit, DiagnosticSeverity.Warning,
        "HuberDelta is set but the loss is not Huber",
        "HuberDelta is set, but the loss is {0}; HuberDelta only applies to Loss.Huber, so set Loss = Loss.Huber or remove HuberDelta",
        "HuberDelta is Huber's δ; any other loss ignores it, so setting it is almost certainly a mistake in the choice of the loss.");

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new()
    {
        [NotPartial.Id] = NotPartial,
        [NestedNotSupported.Id] = NestedNotSupported,
        [GenericNotSupported.Id] = GenericNotSupported,
        [InvalidAttributeArgument.Id] = InvalidAttributeArgument,
        [MemberConflict.Id] = MemberConflict,
        [InheritedMemberConflict.Id] = InheritedMemberConflict,
        [ClassNameConflict.Id] = ClassNameConflict,
        [LayersSpread.Id] = LayersSpread,
        [UnsupportedClassKind.Id] = UnsupportedClassKind,
        [NetworkRepeated.Id] = NetworkRepeated,
        [MissingInput.Id] = MissingInput,
        [NoLayers.Id] = NoLayers,
        [SizeNotPositive.Id] = SizeNotPositive,
        [NetworkTooLarge.Id] = NetworkTooLarge,
        [InputNotFirst.Id] = InputNotFirst,
        [InputRepeated.Id] = InputRepeated,
        [LossNeedsSoftmax.Id] = LossNeedsSoftmax,
        [BceNeedsSigmoid.Id] = BceNeedsSigmoid,
        [BceSeveralOutputs.Id] = BceSeveralOutputs,
        [SoftmaxWithBce.Id] = SoftmaxWithBce,
        [HingeAfterSquashing.Id] = HingeAfterSquashing,
        [SoftmaxHidden.Id] = SoftmaxHidden,
        [ZeroGradientActivation.Id] = ZeroGradientActivation,
        [SoftmaxSingleOutput.Id] = SoftmaxSingleOutput,
        [LayerNameRepeated.Id] = LayerNameRepeated,
        [LayerNameInvalid.Id] = LayerNameInvalid,
        [NllNeedsLogSoftmax.Id] = NllNeedsLogSoftmax,
        [LogSoftmaxHidden.Id] = LogSoftmaxHidden,
        [LogSoftmaxWithoutNll.Id] = LogSoftmaxWithoutNll,
        [HuberDeltaUnused.Id] = HuberDeltaUnused,
        [SpanLengthMismatch.Id] = SpanLengthMismatch,
        [WeightsFileNotFound.Id] = WeightsFileNotFound,
        [WeightsFileAmbiguous.Id] = WeightsFileAmbiguous,
        [WeightsFileInvalid.Id] = WeightsFileInvalid,
        [WeightsTensorMissing.Id] = WeightsTensorMissing,
        [WeightsTensorUnexpected.Id] = WeightsTensorUnexpected,
        [WeightsTensorShape.Id] = WeightsTensorShape,
        [WeightsTensorDType.Id] = WeightsTensorDType,
        // issue 9
        [OutputSizeNotPositive.Id] = OutputSizeNotPositive,
        [ConvNeedsImage.Id] = ConvNeedsImage,
        [DenseNeedsFlatten.Id] = DenseNeedsFlatten,
        [NeedsSignal.Id] = NeedsSignal,
        [PositionsDropped.Id] = PositionsDropped,
        // issue 10
        [RecurrentHiddenNotPositive.Id] = RecurrentHiddenNotPositive,
        [RecurrentLayersNotPositive.Id] = RecurrentLayersNotPositive,
        [RecurrentNeedsVector.Id] = RecurrentNeedsVector,
        [NotInSequence.Id] = NotInSequence,
        // issue 13
        [NormalizationNotFirst.Id] = NormalizationNotFirst,
        [NormalizationNeedsVector.Id] = NormalizationNeedsVector,
    };

    /// <summary>Every descriptor in the catalogue.</summary>
    public static IEnumerable<DiagnosticDescriptor> All => s_byId.Values;

    public static DiagnosticDescriptor ById(string id) => s_byId[id];

    private static DiagnosticDescriptor Create(string id, string category, DiagnosticSeverity severity, string title, string message, string description) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description: description, helpLinkUri: HelpLinkBase + id + ".md");
}
