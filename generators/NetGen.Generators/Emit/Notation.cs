using System.Globalization;
using System.Text;

namespace NetGen.Generators.Emit;

/// <summary>The textbook's notation for comments (a⁽ˡ⁾, W⁽ˡ⁾, θ[a..b)) and invariant C# literals. Activation and loss notation: <see cref="ActivationEmitter"/>, <see cref="LossEmitter"/>.</summary>
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

    /// <summary>A value as written in a comment: 0.5, 1E-05.</summary>
    public static string Number(float value) => value.ToString("R", CultureInfo.InvariantCulture);
}
