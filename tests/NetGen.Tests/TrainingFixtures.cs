using System.Text.Json;
using NetGen.Training;

namespace NetGen.Tests;

/// <summary>Loading and comparing the training fixtures (Fixtures/pytorch-training).</summary>
internal static class TrainingFixtures
{
    public static JsonDocument Load(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch-training", name + ".json")));

    public static double[] Doubles(JsonElement array) => PyTorchFixtureTests.Doubles(array);

    public static float[] Floats(JsonElement array) => PyTorchFixtureTests.Floats(array);

    /// <summary>Asserts |actual − expected| ≤ abs + rel·|expected| elementwise and returns the largest error relative to that bound's scale.</summary>
    public static double AssertClose(double[] expected, ReadOnlySpan<float> actual, double absolute, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            double tolerance = absolute + relative * Math.Abs(expected[i]);
            Assert.True(error <= tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (error {error:E2} > {tolerance:E2})");
            worst = Math.Max(worst, error / (1e-3 + Math.Abs(expected[i])));
        }
        return worst;
    }

    /// <summary>The NetGen optimizer for a fixture's {type, lr, …} (PyTorch's keyword names and defaults).</summary>
    public static IOptimizer Optimizer(JsonElement config)
    {
        float Get(string key, float fallback) => config.TryGetProperty(key, out JsonElement v) ? (float)v.GetDouble() : fallback;
        bool Flag(string key) => config.TryGetProperty(key, out JsonElement v) && v.GetBoolean();
        return config.GetProperty("type").GetString() switch
        {
            "SGD" => new Sgd(Get("lr", 0.1f), Get("momentum", 0f), Get("dampening", 0f), Get("weight_decay", 0f), Flag("nesterov")),
            "RMSprop" => Has(config, "lr")
                ? new RmsProp(Get("lr", 0.01f), Get("alpha", 0.99f), weightDecay: Get("weight_decay", 0f), momentum: Get("momentum", 0f), centered: Flag("centered"))
                : new RmsProp(),
            "Adam" => Has(config, "lr") ? new Adam(Get("lr", 1e-3f), weightDecay: Get("weight_decay", 0f), amsGrad: Flag("amsgrad")) : new Adam(),
            "AdamW" => Has(config, "lr") ? new AdamW(Get("lr", 1e-3f), weightDecay: Get("weight_decay", 0.01f), amsGrad: Flag("amsgrad")) : new AdamW(),
            string other => throw new InvalidOperationException($"Unknown optimizer {other}"),
            null => throw new InvalidOperationException("No optimizer type"),
        };
    }

    private static bool Has(JsonElement config, string key) => config.TryGetProperty(key, out _);
}
