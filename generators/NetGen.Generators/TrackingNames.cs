namespace NetGen.Generators;

/// <summary>Names of the incremental pipeline's steps, so that tests can assert what was cached.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Specs = nameof(Specs);
    public const string Diagnostics = nameof(Diagnostics);
    public const string WeightRequests = nameof(WeightRequests);
    public const string WeightFiles = nameof(WeightFiles);
    public const string Embedded = nameof(Embedded);
    public const string EmbeddedSpecs = nameof(EmbeddedSpecs);
}
