namespace Claims.Engine.Extracts;

/// <summary>RFC 4180 quoting, shared by every CSV the product writes.</summary>
public static class CsvField
{
    /// <summary>The field as written: quoted, with quotes doubled, when it holds a comma, quote or line break.</summary>
    public static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
