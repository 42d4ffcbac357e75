using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Claims.Engine.Privacy;

/// <summary>
/// A cell a project was shown a figure of: how many records (patients, or claims) it counts, which question and
/// place in its answer it was (a SHA-256 prefix, so no two questions can be made to collide), and the sketch of
/// its records.
/// </summary>
internal sealed record ShownCell(long Units, UInt128 Question, CellSketch Sketch)
{
    /// <summary>Bytes of one cell on disk.</summary>
    public const int Bytes = sizeof(long) + 16 + CellSketch.Bytes;

    /// <summary>
    /// The question behind a cell: the request's text, compacted if it is JSON so that layout alone does not make
    /// a new question, and the cell's place in the answer (its group's key, or its attrition step).
    /// </summary>
    public static UInt128 QuestionOf(string description, string place)
    {
        string text;
        try
        {
            text = JsonNode.Parse(description)?.ToJsonString() ?? description;
        }
        catch (JsonException)
        {
            text = description;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text + "\u001f" + place));
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }

    /// <summary>A group's place: its key values, each with its type, so 1 and "1" are two places.</summary>
    public static string PlaceOf(ReadOnlySpan<object?> keys)
    {
        var place = new StringBuilder();
        foreach (var key in keys)
            place.Append(key?.GetType().Name ?? "null").Append(':').Append(Convert.ToString(key, CultureInfo.InvariantCulture)).Append('\u001e');
        return place.ToString();
    }

    public void WriteTo(Span<byte> bytes)
    {
        BinaryPrimitives.WriteInt64LittleEndian(bytes, Units);
        BinaryPrimitives.WriteUInt128LittleEndian(bytes[sizeof(long)..], Question);
        Sketch.WriteTo(bytes[(sizeof(long) + 16)..]);
    }

    public static ShownCell Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadInt64LittleEndian(bytes),
        BinaryPrimitives.ReadUInt128LittleEndian(bytes[sizeof(long)..]),
        CellSketch.Read(bytes[(sizeof(long) + 16)..]));
}
