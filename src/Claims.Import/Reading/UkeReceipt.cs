namespace Claims.Import.Reading;

/// <summary>One receipt's records as they stand in the file: its RE, then everything up to the next RE or GO.</summary>
internal sealed class UkeReceipt(UkeFacility facility, UkeRecord re)
{
    public UkeFacility Facility { get; } = facility;
    public UkeRecord Re { get; } = re;
    public List<UkeRecord> Records { get; } = [re];

    public IEnumerable<UkeRecord> OfType(string type) => Records.Where(r => r.Type == type);
}
