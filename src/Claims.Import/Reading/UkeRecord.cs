namespace Claims.Import.Reading;

/// <summary>
/// One line of a UKE file and where its comma-separated fields start; a field past the end of the line reads as
/// blank. Fields are sliced on demand, as spans for the numbers and days that are only parsed and as strings for
/// the values kept, so a line of 44 mostly blank fields costs one small array rather than 44 strings.
/// </summary>
internal sealed class UkeRecord
{
    private readonly int[] _starts;

    public UkeRecord(int line, string text)
    {
        Line = line;
        Text = text;
        var commas = text.AsSpan().Count(',');
        _starts = new int[commas + 2];
        var at = 0;
        for (var i = 1; i <= commas; i++) _starts[i] = at = text.IndexOf(',', at) + 1;
        // One past the end, as if a comma followed the last field.
        _starts[^1] = text.Length + 1;
        Type = TypeOf(Span(0));
    }

    public int Line { get; }
    public string Text { get; }
    public string Type { get; }

    public ReadOnlySpan<char> Span(int field) =>
        field + 1 < _starts.Length ? Text.AsSpan(_starts[field], _starts[field + 1] - _starts[field] - 1).Trim() : default;

    public string this[int field] => Span(field).ToString();

    // The covered types as the constants they are compared with, so telling records apart allocates nothing.
    private static string TypeOf(ReadOnlySpan<char> type)
    {
        foreach (var known in UkeRecordTypes.All)
            if (type.SequenceEqual(known)) return known;
        return type.ToString();
    }
}
