using System.Globalization;
using Claims.Engine;
using Claims.Engine.Population;
using Claims.Engine.Storage;
using Claims.Import.Export;
using Claims.Import.Population;
using Claims.Import.Reading;

namespace Claims.Import;

/// <summary>
/// Writes a dataset's 医科 receipts as UKE files, as facilities submit them: one file per payer (社保 or 国保連),
/// facility and billing month (the month after service), IR/RE/HO or KO/SY/SI/IY/TO/GO, CP932 and CRLF, with
/// names and cards made up (<see cref="SyntheticCards"/>) and the IR name field marking the file as synthetic.
/// The dataset's population table goes beside them as population.csv, in the format import uke --population reads.
/// Files go into a staging folder moved into place when all are written, so a failed export leaves nothing.
/// </summary>
public static class UkeExporter
{
    public const string PopulationFileName = "population.csv";

    private static readonly string[] s_lineTables = ["procedures", "drugs", "devices"];

    public static UkeExportSummary Write(Dataset dataset, string outDir)
    {
        outDir = Path.GetFullPath(outDir);
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new ClaimsException($"'{outDir}' is not empty; choose an empty or new folder for the UKE files");
        var staging = outDir.TrimEnd(Path.DirectorySeparatorChar) + ".tmp";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        int files = 0;
        long receipts = 0, lines = 0, population = 0;
        var skipped = new SortedDictionary<int, long>();
        try
        {
            foreach (var month in dataset.Table("receipts").Partitions)
            {
                string[] names = ["diagnoses", .. s_lineTables];
                var tables = names.ToDictionary(t => t, t => new PartitionRows(dataset.Table(t).Partitions.FirstOrDefault(p => p.Key == month.Key)));
                var receiptRows = new PartitionRows(month);
                var groups = new SortedDictionary<(int Payer, int Facility), List<int>>();
                for (var row = 0; row < month.RowCount; row++)
                {
                    var kind = (sbyte)receiptRows.Value("claim_kind", row)!;
                    if (kind is not (1 or 2))
                    {
                        skipped[kind] = skipped.GetValueOrDefault(kind) + 1;
                        continue;
                    }
                    var key = (Payer((sbyte?)receiptRows.Value("insurer_kind", row)), (int)(receiptRows.Value("facility_id", row) ?? 0));
                    if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
                    list.Add(row);
                }
                foreach (var ((payer, facility), rows) in groups)
                {
                    lines += WriteFile(staging, month.Key, payer, facility, receiptRows, rows, tables);
                    receipts += rows.Count;
                    files++;
                }
            }
            // The population goes along as the published figures an importer is given (import uke --population).
            if (dataset.Tables.Any(t => t.Name == PopulationTable.Name && t.RowCount > 0)) population = PopulationFile.Write(dataset, Path.Combine(staging, PopulationFileName));
            if (Directory.Exists(outDir)) Directory.Delete(outDir);
            Directory.Move(staging, outDir);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }
        return new UkeExportSummary(files, receipts, lines, skipped, population);
    }

    // 審査支払機関: 国保連 (2) for 国保 and 後期高齢者, 社保 (1, 支払基金) for the employees' schemes and public payers.
    private static int Payer(sbyte? insurerKind) => insurerKind is 4 or 5 or 6 ? 2 : 1;

    private static long WriteFile(string directory, int month, int payer, int facility, PartitionRows receipts, List<int> rows,
        Dictionary<string, PartitionRows> tables)
    {
        var billing = month % 100 == 12 ? month + 89 : month + 1;
        var prefecture = (sbyte?)receipts.Value("prefecture", rows[0]) ?? 13;
        var code = facility % 10_000_000;
        var path = Path.Combine(directory, $"{billing}_{payer}_{prefecture:D2}_{code:D7}.UKE");
        using var writer = new StreamWriter(path, false, Cp932.Encoding) { NewLine = "\r\n" };
        long written = 0, payerRecords = 0, total = 0;
        void Line(string text)
        {
            writer.WriteLine(text);
            written++;
        }
        Line($"IR,{payer},{prefecture:D2},1,{code:D7},,合成データ(Claims),{billing},00,");
        var number = 0;
        foreach (var row in rows)
        {
            var receiptId = (long)receipts.Value("receipt_id", row)!;
            var patient = (int?)receipts.Value("patient_id", row) is { } p ? (long)p : -receiptId;
            var sex = (sbyte)receipts.Value("sex", row)!;
            var birth = (int?)receipts.Value("birth_ym", row) is { } ym ? $"{ym}01" : "";
            var points = (int)receipts.Value("total_points", row)!;
            var days = (short)receipts.Value("actual_days", row)!;
            var type = (short)receipts.Value("receipt_type", row)!;
            var re = new string[38];
            Array.Fill(re, "");
            (re[0], re[1], re[2], re[3], re[4], re[5], re[6]) = ("RE", (++number).ToString(CultureInfo.InvariantCulture), type.ToString(CultureInfo.InvariantCulture),
                month.ToString(CultureInfo.InvariantCulture), SyntheticCards.Name(patient), sex.ToString(CultureInfo.InvariantCulture), birth);
            if (receipts.Value("admission_date", row) is DateOnly admission) re[8] = admission.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            re[13] = patient.ToString(CultureInfo.InvariantCulture);
            re[36] = SyntheticCards.Kana(patient);
            Line(string.Join(',', re));
            // A public-payer-only receipt (12xx) has no insurer: its KO holds the total.
            Line((sbyte?)receipts.Value("insurer_kind", row) is { } kind && type / 100 % 10 != 2
                ? $"HO,{SyntheticCards.Insurer(kind, prefecture)},合成,{patient},{days},{points},,,,,,,,,"
                : $"KO,{SyntheticCards.PublicPayer(prefecture)},{patient % 10_000_000:D7},,{days},{points},0,,,,,");
            payerRecords++;
            total += points;
            WriteDiagnoses(tables["diagnoses"], receiptId, Line);
            WriteItems(tables, receiptId, Line);
        }
        Line($"GO,{payerRecords},{total},99");
        return written;
    }

    private static void WriteDiagnoses(PartitionRows diagnoses, long receiptId, Action<string> line)
    {
        foreach (var row in diagnoses.Of(receiptId))
        {
            var start = diagnoses.Value("start_date", row) is DateOnly date ? date.ToString("yyyyMMdd", CultureInfo.InvariantCulture) : "";
            var suspected = (bool)diagnoses.Value("is_suspected", row)! ? "8002" : "";
            var main = (bool)diagnoses.Value("is_main", row)! ? "01" : "";
            line($"SY,{diagnoses.Value("disease_code", row)},{start},{diagnoses.Value("outcome", row)},{suspected},{diagnoses.Value("disease_name", row)},{main},");
        }
    }

    private static void WriteItems(Dictionary<string, PartitionRows> tables, long receiptId, Action<string> line)
    {
        sbyte? previous = null;
        foreach (var table in s_lineTables)
        {
            var items = tables[table];
            var (type, dayField, width) = table switch
            {
                "procedures" => (UkeRecordTypes.Procedure, 13, 44),
                "drugs" => (UkeRecordTypes.Drug, 13, 44),
                _ => (UkeRecordTypes.Device, 17, 48),
            };
            foreach (var row in items.Of(receiptId))
            {
                var fields = new string[width];
                Array.Fill(fields, "");
                var shikibetsu = (sbyte?)items.Value("shinryo_shikibetsu", row);
                // 診療識別 only where a group starts, as facilities write it.
                fields[0] = type;
                fields[1] = shikibetsu == previous ? "" : $"{shikibetsu}";
                previous = shikibetsu;
                fields[2] = "1";
                fields[3] = (string)items.Value("code", row)!;
                fields[4] = items.Value("quantity", row) is float quantity ? quantity.ToString("G", CultureInfo.InvariantCulture) : "";
                fields[5] = $"{items.Value("points", row)}";
                var times = (short)items.Value("times", row)!;
                fields[6] = times.ToString(CultureInfo.InvariantCulture);
                // Only the first day survives in the store: every time is put on it (day 1 where it is unknown).
                var day = table == "procedures" && items.Value("first_day", row) is sbyte first ? first : 1;
                fields[dayField + day - 1] = fields[6];
                line(string.Join(',', fields));
            }
        }
    }
}
