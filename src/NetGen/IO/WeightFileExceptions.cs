using System;
using System.IO;

namespace NetGen.IO;

/// <summary>
/// A weight file (safetensors or NetGen's embeddable JSON) that cannot be loaded into a network. The message names the file
/// and, where one is concerned, the tensor. Whenever a load throws, the network still has exactly the parameters it had before.
/// </summary>
public abstract class WeightFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file (or stream name) that was being read.</param>
    /// <param name="tensorName">The tensor concerned, or null when the problem is not about one tensor.</param>
    /// <param name="message">What is wrong, without the file name (it is prefixed).</param>
    /// <param name="innerException">The underlying error, if any.</param>
    protected WeightFileException(string filePath, string? tensorName, string message, Exception? innerException = null)
        : base($"{filePath}: {message}", innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>The file (or stream name) that was being read.</summary>
    public string FilePath { get; }

    /// <summary>The tensor concerned, or null when the problem is not about one tensor (a bad header, for example).</summary>
    public string? TensorName { get; }
}

/// <summary>The file is not a well-formed weight file: invalid JSON, a missing field, overlapping or out-of-range offsets, stray bytes.</summary>
public sealed class CorruptWeightFileException : WeightFileException
{
    /// <summary>Creates the exception.</summary>
    public CorruptWeightFileException(string filePath, string? tensorName, string message, Exception? innerException = null)
        : base(filePath, tensorName, message, innerException)
    {
    }
}

/// <summary>The file ends before the data its header announces (or before the header itself).</summary>
public sealed class TruncatedWeightFileException : WeightFileException
{
    /// <summary>Creates the exception.</summary>
    public TruncatedWeightFileException(string filePath, string? tensorName, string message)
        : base(filePath, tensorName, message)
    {
    }
}

/// <summary>The safetensors header is larger than the reader accepts: the file is corrupt or not meant for this network.</summary>
public sealed class WeightFileHeaderTooLargeException : WeightFileException
{
    /// <summary>Creates the exception.</summary>
    public WeightFileHeaderTooLargeException(string filePath, ulong headerBytes, long maxHeaderBytes)
        : base(filePath, null, $"the safetensors header claims {headerBytes:N0} bytes, more than the {maxHeaderBytes:N0} bytes this reader accepts (pass a larger maxHeaderBytes if the file is genuine).")
    {
        HeaderBytes = headerBytes;
        MaxHeaderBytes = maxHeaderBytes;
    }

    /// <summary>The header length the file claims.</summary>
    public ulong HeaderBytes { get; }

    /// <summary>The limit in force.</summary>
    public long MaxHeaderBytes { get; }
}

/// <summary>The network has a tensor that the file lacks.</summary>
public sealed class MissingTensorException : WeightFileException
{
    /// <summary>Creates the exception.</summary>
    public MissingTensorException(string filePath, string tensorName, string message)
        : base(filePath, tensorName, message)
    {
    }
}

/// <summary>The file has a tensor that the network does not have.</summary>
public sealed class UnexpectedTensorException : WeightFileException
{
    /// <summary>Creates the exception.</summary>
    public UnexpectedTensorException(string filePath, string tensorName, string message)
        : base(filePath, tensorName, message)
    {
    }
}

/// <summary>A tensor's shape in the file differs from the network's.</summary>
public sealed class TensorShapeMismatchException : WeightFileException
{
    /// <summary>Creates the exception.</summary>
    public TensorShapeMismatchException(string filePath, string tensorName, string expectedShape, string actualShape, string message)
        : base(filePath, tensorName, message)
    {
        ExpectedShape = expectedShape;
        ActualShape = actualShape;
    }

    /// <summary>The network's shape, such as <c>[32, 64]</c>.</summary>
    public string ExpectedShape { get; }

    /// <summary>The file's shape.</summary>
    public string ActualShape { get; }
}

/// <summary>A tensor's element type in the file is not float32 (<c>F32</c>), the only type NetGen networks hold.</summary>
public sealed class TensorDTypeMismatchException : WeightFileException
{
    /// <summary>Creates the exception.</summary>
    public TensorDTypeMismatchException(string filePath, string tensorName, string actualDType, string message)
        : base(filePath, tensorName, message)
    {
        ActualDType = actualDType;
    }

    /// <summary>The file's dtype, such as <c>F16</c> or <c>F64</c>.</summary>
    public string ActualDType { get; }
}

/// <summary>
/// The file records (in its safetensors <c>__metadata__</c>, key <see cref="NetworkArchitecture.MetadataKey"/>) that it was
/// saved from a different architecture: another activation, layer kind, size, name or layer order.
/// </summary>
public sealed class ArchitectureMismatchException : WeightFileException
{
    /// <summary>Creates the exception.</summary>
    public ArchitectureMismatchException(string filePath, string expectedArchitecture, string actualArchitecture, string message)
        : base(filePath, null, message)
    {
        ExpectedArchitecture = expectedArchitecture;
        ActualArchitecture = actualArchitecture;
    }

    /// <summary>The network's architecture text (<see cref="NetworkArchitecture.Describe(INetwork)"/>).</summary>
    public string ExpectedArchitecture { get; }

    /// <summary>The architecture text the file records.</summary>
    public string ActualArchitecture { get; }
}

/// <summary>
/// A tensor in the file holds NaN or ±∞. Such weights make every output NaN or infinite, so they are refused unless the
/// caller asks for them explicitly (<c>allowNonFinite: true</c>).
/// </summary>
public sealed class NonFiniteWeightException : WeightFileException
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteWeightException(string filePath, string tensorName, long index, string position, float value, string message)
        : base(filePath, tensorName, message)
    {
        Index = index;
        Position = position;
        Value = value;
    }

    /// <summary>The first non-finite value's index in the flattened tensor (row-major).</summary>
    public long Index { get; }

    /// <summary>The same position per dimension, such as <c>[1, 3]</c>.</summary>
    public string Position { get; }

    /// <summary>The value found: NaN, +∞ or −∞.</summary>
    public float Value { get; }
}
