using System.Globalization;
using Claims.Engine;
using Claims.Engine.Population;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Import.Population;

/// <summary>
/// A file of published figures for the population table: CSV with the header
/// <c>month,prefecture,sex,age,insurer_kind,persons</c>, one cell a line (figures by 5-year band give the band's lower
/// age). Read whole and checked before anything is written, so a bad line costs nothing; each error names the
/// file, the line and the field. Cells of zero persons are not rows.
/// </summary>
public static class PopulationFile
{
    public const string Header = "month,prefecture,sex,age,insurer_kind,persons";

    public static IReadOnlyDictionary<PopulationCell, int> Read(string path, ClaimsSchema schema)
    {
        if (!File.Exists(path)) throw new ClaimsException($"population file '{path}' does not exist");
        var cells = new Dictionary<PopulationCell, int>();
        var seen = new HashSet<PopulationCell>();
        var name = Path.GetFileName(path);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var header = reader.ReadLine();
        if (header?.Trim() != Header)
            throw new ClaimsException($"{name} line 1: the header must be '{Header}', found '{header}'");
        var prefectures = schema.Enum("prefecture");
        var sexes = schema.Enum("sex");
        var kinds = schema.Enum("insurer_kind");
        var number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Trim().Length == 0) continue;
            var fields = line.Split(',');
            if (fields.Length != 6) throw new ClaimsException($"{name} line {number}: {fields.Length} fields where '{Header}' has 6");
            int Field(int index, string field, int min, int max, Func<int, bool>? known = null)
            {
                if (!int.TryParse(fields[index].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max
                    || known?.Invoke(value) == false)
                    throw new ClaimsException($"{name} line {number}: {field} '{fields[index].Trim()}' is not {Expected(field, min, max)}");
                return value;
            }
            var month = Field(0, "month", 190001, 210012, m => m % 100 is >= 1 and <= 12);
            var cell = new PopulationCell(month, (sbyte)Field(1, "prefecture", 1, 47, prefectures.Contains), (sbyte)Field(2, "sex", 1, 2, sexes.Contains),
                (short)Field(3, "age", 0, 120), (sbyte)Field(4, "insurer_kind", 1, 99, kinds.Contains));
            var persons = Field(5, "persons", 0, int.MaxValue);
            if (!seen.Add(cell)) throw new ClaimsException($"{name} line {number}: the cell {month}, prefecture {cell.Prefecture}, sex {cell.Sex}, age {cell.Age}, insurer_kind {cell.InsurerKind} is given twice");
            if (persons > 0) cells[cell] = persons;
        }
        if (cells.Count == 0) throw new ClaimsException($"{name} holds no persons: give at least one cell under the header '{Header}'");
        return cells;
    }

    /// <summary>Writes a dataset's population table in this format (to stand beside its UKE export); returns the cells written.</summary>
    public static long Write(Dataset dataset, string path)
    {
        using var writer = new StreamWriter(path) { NewLine = "\n" };
        writer.WriteLine(Header);
        long cells = 0;
        foreach (var partition in dataset.Table(PopulationTable.Name).Partitions)
        {
            var month = partition.Column("month").Values<int>();
            var prefecture = partition.Column("prefecture").Values<sbyte>();
            var sex = partition.Column("sex").Values<sbyte>();
            var age = partition.Column("age").Values<short>();
            var kind = partition.Column("insurer_kind").Values<sbyte>();
            var persons = partition.Column("persons").Values<int>();
            for (var r = 0; r < partition.RowCount; r++)
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{month[r]},{prefecture[r]},{sex[r]},{age[r]},{kind[r]},{persons[r]}"));
            cells += partition.RowCount;
        }
        return cells;
    }

    private static string Expected(string field, int min, int max) => field switch
    {
        "month" => "a month YYYYMM",
        "prefecture" => "a prefecture code 1–47",
        "sex" => "1 (male) or 2 (female)",
        "insurer_kind" => "an insurer_kind code of enums.json",
        _ => $"a whole number {min}–{max}",
    };
}
