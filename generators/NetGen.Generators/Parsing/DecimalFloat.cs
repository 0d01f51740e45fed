using System.Numerics;

namespace NetGen.Generators.Parsing;

/// <summary>
/// Converts a JSON number token to the nearest float32 (IEEE 754 round-half-to-even, subnormals included) with exact
/// integer arithmetic. The generator cannot rely on the host's float.Parse: the compiler may run on .NET Framework, whose
/// parser rounds through double, so the same file could give different bits in different hosts.
/// </summary>
internal static class DecimalFloat
{
    /// <summary>Parses a token of the JSON number grammar; false when it is not one or lies outside the float32 range.</summary>
    public static bool TryParse(string token, out uint bits)
    {
        bits = 0;
        int i = 0;
        bool negative = i < token.Length && token[i] == '-';
        if (negative)
        {
            i++;
        }
        var digits = new System.Text.StringBuilder();
        int fractionDigits = 0;
        int start = i;
        while (i < token.Length && char.IsDigit(token[i]))
        {
            digits.Append(token[i++]);
        }
        if (i == start)
        {
            return false;
        }
        if (i < token.Length && token[i] == '.')
        {
            i++;
            int fractionStart = i;
            while (i < token.Length && char.IsDigit(token[i]))
            {
                digits.Append(token[i++]);
            }
            fractionDigits = i - fractionStart;
            if (fractionDigits == 0)
            {
                return false;
            }
        }
        long exponent = 0;
        if (i < token.Length && (token[i] == 'e' || token[i] == 'E'))
        {
            i++;
            bool negativeExponent = i < token.Length && token[i] == '-';
            if (i < token.Length && (token[i] == '+' || token[i] == '-'))
            {
                i++;
            }
            int exponentStart = i;
            while (i < token.Length && char.IsDigit(token[i]))
            {
                exponent = System.Math.Min(exponent * 10 + (token[i++] - '0'), 1_000_000_000L);
            }
            if (i == exponentStart)
            {
                return false;
            }
            exponent = negativeExponent ? -exponent : exponent;
        }
        if (i != token.Length)
        {
            return false;
        }

        uint sign = negative ? 0x8000_0000u : 0u;
        string significand = digits.ToString().TrimStart('0');
        if (significand.Length == 0)
        {
            bits = sign;
            return true;
        }
        long scale = exponent - fractionDigits;               // value = significand × 10^scale
        long magnitude = significand.Length + scale;           // 10^(magnitude − 1) ≤ value < 10^magnitude
        if (magnitude > 40)
        {
            return false;                                      // ≥ 10^39 > float.MaxValue
        }
        if (magnitude < -47)
        {
            bits = sign;                                       // < 10^-47, below half the smallest subnormal (1.4e-45): rounds to 0
            return true;
        }

        BigInteger numerator = BigInteger.Parse(significand, System.Globalization.CultureInfo.InvariantCulture);
        BigInteger denominator = BigInteger.One;
        if (scale >= 0)
        {
            numerator *= BigInteger.Pow(10, (int)scale);
        }
        else
        {
            denominator = BigInteger.Pow(10, (int)-scale);
        }

        // k = ⌊log₂(value)⌋.
        int k = BitLength(numerator) - BitLength(denominator);
        if (k >= 0 ? numerator < denominator << k : numerator << -k < denominator)
        {
            k--;
        }
        // Normal numbers keep 24 significant bits (shift so that 2²³ ≤ m < 2²⁴); below 2⁻¹²⁶ the scale is fixed at 2⁻¹⁴⁹.
        int shift = k >= -126 ? 23 - k : 149;
        BigInteger scaledNumerator = shift >= 0 ? numerator << shift : numerator;
        BigInteger scaledDenominator = shift >= 0 ? denominator : denominator << -shift;
        BigInteger mantissa = BigInteger.DivRem(scaledNumerator, scaledDenominator, out BigInteger remainder);
        int half = (remainder * 2).CompareTo(scaledDenominator);
        if (half > 0 || (half == 0 && !mantissa.IsEven))
        {
            mantissa += 1;
        }
        if (k < -126)
        {
            bits = sign | (uint)mantissa;                      // subnormal; 2²³ becomes the smallest normal by itself
            return true;
        }
        if (mantissa == (BigInteger.One << 24))
        {
            mantissa >>= 1;
            k++;
        }
        if (k > 127)
        {
            return false;
        }
        bits = sign | ((uint)(k + 127) << 23) | ((uint)mantissa & 0x7F_FFFFu);
        return true;
    }

    private static int BitLength(BigInteger value)
    {
        byte[] bytes = value.ToByteArray();                    // little-endian two's complement; value > 0
        int top = bytes.Length - 1;
        while (top > 0 && bytes[top] == 0)
        {
            top--;
        }
        int bits = 0;
        for (int b = bytes[top]; b != 0; b >>= 1)
        {
            bits++;
        }
        return top * 8 + bits;
    }
}
