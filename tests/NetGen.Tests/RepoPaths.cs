namespace NetGen.Tests;

/// <summary>
/// The repository's folders, found by walking up from the test binary (bin/…/net10.0) to NetGen.sln. Not from
/// [CallerFilePath]: CI builds set ContinuousIntegrationBuild, which maps source paths to "/_/".
/// </summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot(AppContext.BaseDirectory);

    /// <summary>The build configuration of this test run (Debug or Release): the folder above bin/…/net10.0.</summary>
    public static string Configuration { get; } = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/', '\\')))!;

    private static string FindRoot(string start)
    {
        for (string? dir = start; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "NetGen.sln")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException("NetGen.sln not found above " + start);
    }
}
