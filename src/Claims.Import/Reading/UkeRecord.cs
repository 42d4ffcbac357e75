namespace Claims.Import.Reading;

/// <summary>One line of a UKE file split at its commas; a field past the end of the line reads as blank.</summary>
internal sealed class UkeRecord(int line, string text)
{
    private readonly string[] _fields = text.Split(',');

    public int Line { get; } = line;
    public string Text { get; } = text;
    public string Type => _fields[0];

    public string this[int field] => field < _fields.Length ? _fields[field].Trim() : "";

    /// <summary>Whether any of the fields from <paramref name="first"/> for <paramref name="count"/> holds a value.</summary>
    public bool AnyIn(int first, int count)
    {
        for (var i = first; i < first + count; i++)
            if (this[i].Length > 0) return true;
        return false;
    }
}
