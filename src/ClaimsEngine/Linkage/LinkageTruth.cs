using ParquetSharp;

namespace Claims.Engine.Linkage;

/// <summary>
/// The true person of every receipt, from a synthetic dataset's truth/receipts.parquet (receipt_id, person_id),
/// as claims generate writes it. Read here, not in SyntheticGen, because the engine must not depend on the
/// generator; the file's two columns are the whole contract.
/// </summary>
public static class LinkageTruth
{
    public const string Folder = "truth";

    public static string ReceiptsFile(string datasetDirectory) => Path.Combine(datasetDirectory, Folder, "receipts.parquet");

    public static bool Exists(string datasetDirectory) => File.Exists(ReceiptsFile(datasetDirectory));

    /// <summary>receipt_id → true person; a missing or malformed file is a <see cref="ClaimsException"/> naming it.</summary>
    public static Dictionary<long, int> ReadReceipts(string datasetDirectory)
    {
        var path = ReceiptsFile(datasetDirectory);
        if (!File.Exists(path))
            throw new ClaimsException($"no ground truth at '{path}': a linkage report needs a dataset made by claims generate");
        try
        {
            using var file = new ParquetFileReader(path);
            var schema = file.FileMetaData.Schema;
            var idColumn = schema.ColumnIndex("receipt_id");
            var personColumn = schema.ColumnIndex("person_id");
            if (idColumn < 0 || personColumn < 0)
                throw new ClaimsException($"'{path}' lacks receipt_id or person_id; it is not a claims generate truth file");
            var persons = new Dictionary<long, int>(checked((int)file.FileMetaData.NumRows));
            for (var g = 0; g < file.FileMetaData.NumRowGroups; g++)
            {
                using var group = file.RowGroup(g);
                var rows = checked((int)group.MetaData.NumRows);
                using var idReader = group.Column(idColumn).LogicalReader<long>();
                using var personReader = group.Column(personColumn).LogicalReader<int>();
                var ids = idReader.ReadAll(rows);
                var people = personReader.ReadAll(rows);
                for (var i = 0; i < rows; i++)
                {
                    if (!persons.TryAdd(ids[i], people[i]))
                        throw new ClaimsException($"'{path}': receipt_id {ids[i]} appears twice");
                }
            }
            return persons;
        }
        catch (ParquetException e)
        {
            throw new ClaimsException($"'{path}' is not a readable truth file: {e.Message}", e);
        }
    }
}
