using System.Buffers.Binary;
using System.Text;

namespace NetGen.Tests;

/// <summary>Temporary folders, hand-made safetensors files and parameter snapshots for the weight-file tests.</summary>
internal static class WeightFiles
{
    public static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "safetensors");

    /// <summary>The source folder of the fixtures (for NETGEN_WRITE_FIXTURES=1, which regenerates NetGen's side).</summary>
    public static string SourceFixtureDirectory() => Path.Combine(RepoPaths.Root, "tests", "NetGen.Tests", "Fixtures", "safetensors");

    /// <summary>
    /// θ[i] = ((37·i mod 101) − 50) / 64: exact in float32, varied in sign and size, independent of any initializer; running
    /// statistics s[i] = (1 + (13·i mod 17)) / 8 (positive, so valid variances).
    /// </summary>
    public static void FillFormula(INetwork network, int salt = 0)
    {
        Span<float> theta = network.Parameters;
        for (int i = 0; i < theta.Length; i++)
        {
            theta[i] = ((37 * (i + salt) % 101) - 50) / 64f;
        }
        Span<float> statistics = network.RunningStatistics;
        for (int i = 0; i < statistics.Length; i++)
        {
            statistics[i] = (1 + (13 * (i + salt) % 17)) / 8f;
        }
    }

    public static T WithFormula<T>(T network, int salt = 0) where T : INetwork
    {
        FillFormula(network, salt);
        return network;
    }

    /// <summary>A safetensors file from a header text and data bytes; <paramref name="headerLength"/> overrides the length prefix.</summary>
    public static byte[] Compose(string header, byte[] data, ulong? headerLength = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        byte[] file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, headerLength ?? (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }

    /// <summary>Little-endian float32 bytes of 0, 1, 2, … (count values).</summary>
    public static byte[] Floats(int count)
    {
        byte[] bytes = new byte[4 * count];
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), i);
        }
        return bytes;
    }
}

/// <summary>A folder under the temp path, deleted at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netgen-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>A read-only stream that cannot seek, to exercise the non-seekable paths of the readers.</summary>
internal sealed class ForwardOnlyStream(byte[] data) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        // Hand out at most 3 bytes at a time: readers must not assume one Read fills the buffer.
        int n = Math.Min(Math.Min(count, 3), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A writable stream that fails after a number of bytes: a crash in the middle of a save.</summary>
internal sealed class FailingStream(Stream inner, int failAfter) : Stream
{
    private int _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int n = Math.Min(buffer.Length, failAfter - _written);
        inner.Write(buffer[..n]);
        _written += n;
        if (n < buffer.Length)
        {
            throw new IOException("Simulated failure in the middle of a save (disk full).");
        }
    }

    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
