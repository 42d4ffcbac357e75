using Claims.Engine.Storage;

namespace Claims.Engine.Tests.Privacy;

/// <summary>Procedure lines written row by row, for the disclosure cases no generated dataset holds.</summary>
internal static class ProcedureLines
{
    /// <summary>Appends <paramref name="lines"/> to April 2024's procedures (尿一般, quantity and times 1; null points where none).</summary>
    public static void Write(DatasetWriter writer, IReadOnlyList<(long Claim, int Patient, sbyte Shinryo, int? Points)> lines)
    {
        var batch = new RowBatch(writer.Schema.Table("procedures"), lines.Count) { Count = lines.Count };
        for (var i = 0; i < lines.Count; i++)
        {
            batch.Values<long>("receipt_id")[i] = lines[i].Claim;
            batch.Values<int>("patient_id")[i] = lines[i].Patient;
            batch.Values<int>("service_month")[i] = 202404;
            batch.Values<sbyte>("shinryo_shikibetsu")[i] = lines[i].Shinryo;
            batch.Strings("code")[i] = "160000310";
            batch.Values<float>("quantity")[i] = 1;
            batch.Values<int>("points")[i] = lines[i].Points ?? 0;
            batch.Nulls("points")[i] = lines[i].Points is null;
            batch.Values<short>("times")[i] = 1;
        }
        writer.Partition("procedures", 202404).Append(batch);
    }
}
