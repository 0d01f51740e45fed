using System.Runtime.CompilerServices;

namespace NetGen.Generators.Tests;

/// <summary>
/// Snapshot files with Verify's convention: <c>Snapshots/{Class}.{Method}#{Name}.verified.cs</c> is committed and reviewed
/// like code; on a mismatch the new text goes to <c>….received.cs</c> next to it and the test fails. To accept a change,
/// read the diff, then copy the received file over the verified one (or run with NETGEN_ACCEPT_SNAPSHOTS=1).
/// </summary>
internal static class Snapshot
{
    public static void Verify(string actual, string name, string extension = "cs",
        [CallerFilePath] string callerFile = "", [CallerMemberName] string method = "")
    {
        // Only the file name of the caller is used: its folder may be the CI path map ("/_/…"), not the checkout.
        string directory = Path.Combine(RepoPaths.GeneratorTests, "Snapshots");
        string stem = $"{Path.GetFileNameWithoutExtension(callerFile.Replace('\\', '/').Split('/')[^1])}.{method}#{name}";
        string verified = Path.Combine(directory, $"{stem}.verified.{extension}");
        string received = Path.Combine(directory, $"{stem}.received.{extension}");
        actual = actual.Replace("\r\n", "\n");

        string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            if (File.Exists(received))
            {
                File.Delete(received);
            }
            return;
        }
        Directory.CreateDirectory(directory);
        if (Environment.GetEnvironmentVariable("NETGEN_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, actual);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No verified snapshot yet. Review {received} and rename it to {Path.GetFileName(verified)}."
            : $"Generated source differs from {Path.GetFileName(verified)}. Review the diff against {received}; accept by copying it over the verified file.");
    }
}
