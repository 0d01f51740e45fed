using System.Runtime.CompilerServices;

namespace NetGen.Generators.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Generators => Path.Combine(Root, "generators", "NetGen.Generators");

    private static string FindRoot([CallerFilePath] string file = "")
    {
        string? dir = Path.GetDirectoryName(file);
        while (dir is not null && !File.Exists(Path.Combine(dir, "NetGen.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        return dir ?? throw new InvalidOperationException("NetGen.sln not found above " + file);
    }
}
