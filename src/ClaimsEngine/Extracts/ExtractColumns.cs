using Claims.Engine.Schema;

namespace Claims.Engine.Extracts;

/// <summary>Where an extract column's values come from.</summary>
public enum ExtractColumnRole
{
    /// <summary>Copied from the stored column as it is.</summary>
    Copied,
    /// <summary>patient_id, replaced by the project's pseudonym (16 hex digits).</summary>
    Patient,
    /// <summary>A record id (receipt_id, checkup_id), replaced by the project's int64 pseudonym.</summary>
    Record,
    /// <summary>The first day of the patient's cohort index month.</summary>
    IndexDate,
    /// <summary>The last day of the patient's last month of follow-up.</summary>
    ExitDate,
}

/// <summary>One column of an extract file; <see cref="Source"/> is the stored column's index, or -1 for a derived one.</summary>
public sealed record ExtractColumn(string Name, LogicalType Type, ExtractColumnRole Role, int Source);

/// <summary>
/// Which columns of a table an extract carries. The identity hashes (id1, id2, id5: every hash column) and birth
/// dates (every column whose name starts with birth) never leave; age does. patient_id keeps its name so that
/// analysts' joins work, but holds the pseudonym, and index_date and exit_date follow it.
/// </summary>
public static class ExtractColumns
{
    public const string PatientColumn = "patient_id";

    public static bool IsWithheld(ColumnSchema column) =>
        column.Type == LogicalType.Hash || column.Name.StartsWith("birth", StringComparison.Ordinal);

    public static IReadOnlyList<string> Withheld(TableSchema table) => table.Columns.Where(IsWithheld).Select(c => c.Name).ToArray();

    public static IReadOnlyList<ExtractColumn> For(TableSchema table)
    {
        var recordIds = table.PrimaryKey.Append(table.ParentColumn).Where(c => c is { Type: LogicalType.Int64 }).Select(c => c!.Name).ToHashSet();
        var columns = new List<ExtractColumn>();
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = table.Columns[i];
            if (IsWithheld(column)) continue;
            if (column.Name == PatientColumn)
            {
                columns.Add(new ExtractColumn(PatientColumn, LogicalType.String, ExtractColumnRole.Patient, i));
                columns.Add(new ExtractColumn("index_date", LogicalType.Date, ExtractColumnRole.IndexDate, -1));
                columns.Add(new ExtractColumn("exit_date", LogicalType.Date, ExtractColumnRole.ExitDate, -1));
            }
            else if (recordIds.Contains(column.Name)) columns.Add(new ExtractColumn(column.Name, LogicalType.Int64, ExtractColumnRole.Record, i));
            else columns.Add(new ExtractColumn(column.Name, column.Type, ExtractColumnRole.Copied, i));
        }
        if (!columns.Any(c => c.Role == ExtractColumnRole.Patient))
            throw new ClaimsException($"table '{table.Name}' has no {PatientColumn} column, so it cannot be extracted for a cohort");
        return columns;
    }
}
