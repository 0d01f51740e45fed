using System.Globalization;
using System.Text;
using NetGen.Generators.Model;

namespace NetGen.Generators.Emit;

/// <summary>The textbook's notation for comments (a⁽ˡ⁾, W⁽ˡ⁾, θ[a..b)) and invariant C# literals.</summary>
internal static class Notation
{
    private const string SuperscriptDigits = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    /// <summary>⁽ˡ⁾ for layer l.</summary>
    public static string Sup(int layer)
    {
        var text = new StringBuilder("⁽");
        foreach (char c in layer.ToString(CultureInfo.InvariantCulture))
        {
            text.Append(SuperscriptDigits[c - '0']);
        }
        return text.Append('⁾').ToString();
    }

    /// <summary>The math name of layer l's activation output; layer 0 is the input x.</summary>
    public static string A(int layer) => layer == 0 ? "x" : "a" + Sup(layer);

    public static string Range(int start, int count) =>
        count == 1 ? $"θ[{Int(start)}]" : $"θ[{Int(start)}..{Int(start + count)})";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A float literal that round-trips, in invariant culture: 0.01f, 1E-05f.</summary>
    public static string Float(float value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0)
        {
            text += ".0";
        }
        return text + "f";
    }

    public static string Name(ActivationKind kind, float slope) => kind switch
    {
        ActivationKind.Identity => "identity",
        ActivationKind.Step => "step",
        ActivationKind.Sign => "sign",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Tanh => "tanh",
        ActivationKind.ReLU => "ReLU",
        ActivationKind.LeakyReLU => "LeakyReLU (slope " + slope.ToString("R", CultureInfo.InvariantCulture) + ")",
        ActivationKind.GELU => "GELU",
        ActivationKind.Softmax => "softmax",
        _ => kind.ToString(),
    };

    /// <summary>f written as a function symbol: σ, tanh, ReLU …</summary>
    public static string Function(ActivationKind kind) => kind switch
    {
        ActivationKind.Identity => "",
        ActivationKind.Step => "step",
        ActivationKind.Sign => "sign",
        ActivationKind.Sigmoid => "σ",
        ActivationKind.Tanh => "tanh",
        ActivationKind.ReLU => "ReLU",
        ActivationKind.LeakyReLU => "LeakyReLU",
        ActivationKind.GELU => "GELU",
        ActivationKind.Softmax => "softmax",
        _ => kind.ToString(),
    };

    /// <summary>f′ in terms of the stored z⁽ˡ⁾ and a⁽ˡ⁾.</summary>
    public static string Derivative(ActivationKind kind, float slope, int layer) => kind switch
    {
        ActivationKind.Identity => "identity′ = 1",
        ActivationKind.Step => "step′ = 0: no gradient flows back through a step",
        ActivationKind.Sign => "sign′ = 0: no gradient flows back through a sign",
        ActivationKind.Sigmoid => $"σ′(z{Sup(layer)}) = a{Sup(layer)} ⊙ (1 − a{Sup(layer)})",
        ActivationKind.Tanh => $"tanh′(z{Sup(layer)}) = 1 − (a{Sup(layer)})²",
        ActivationKind.ReLU => $"ReLU′(z{Sup(layer)}) = 1 where z{Sup(layer)} > 0, else 0",
        ActivationKind.LeakyReLU => $"LeakyReLU′(z{Sup(layer)}) = 1 where z{Sup(layer)} > 0, else {slope.ToString("R", CultureInfo.InvariantCulture)}",
        ActivationKind.GELU => $"GELU′(z{Sup(layer)}) = Φ(z{Sup(layer)}) + z{Sup(layer)}·φ(z{Sup(layer)})",
        ActivationKind.Softmax => $"softmax Jacobian-vector product: δₖ = aₖ·(gₖ − Σⱼ aⱼ·gⱼ), a = a{Sup(layer)}",
        _ => kind.ToString(),
    };
}
