using System.Buffers.Binary;
using System.Text;

namespace Claims.Engine.Privacy;

/// <summary>
/// A cell a project asked whose figures were decided by its own rules: how many records (patients, or claims) it
/// counts, the sketch of its records, and each figure as shown (null for <see cref="DisclosurePolicy.Marker"/>), by
/// <see cref="FigureName"/>.
/// A later cell near it is shown these figures; one it was not shown is added the first time a near cell asks.
/// </summary>
internal sealed class ShownCell(long units, CellSketch sketch, ShownCell? alias = null)
{
    public long Units { get; } = units;

    public CellSketch Sketch { get; } = sketch;

    /// <summary>
    /// The kept cell whose figures this one was shown, for a cell that borrowed them: kept too, so that a cell a
    /// few patients from it lands where it landed rather than on a draw of its own.
    /// </summary>
    public ShownCell? Alias { get; } = alias;

    /// <summary>The cell whose figures this one shows: itself, or the end of its aliases.</summary>
    public ShownCell Root => Alias?.Root ?? this;

    public Dictionary<string, double?> Figures { get; } = [];

    /// <summary>
    /// The cell's true counts by figure name (its patients, its rows) as it was kept, from which a count first asked
    /// of it by a later release is drawn (<see cref="CellHistory.Count"/>), so that no figure of it is ever a count
    /// of whoever asks. Exact, beside the secret that keys the noise in the ledger: whoever can read either can
    /// work out the other from the figures shown.
    /// </summary>
    public Dictionary<string, long> Truths { get; } = [];

    /// <summary>The figure whose presence marks a cell hidden whole by its own rules (no aggregate has this name).</summary>
    public const string HiddenFigure = "hidden:";

    public bool Hidden => Figures.ContainsKey(HiddenFigure);

    /// <summary>
    /// What a figure is across questions: its table, aggregate and column, so the same figure asked again gets the
    /// value shown first, while the same patients' rows in two tables (their points on procedures and on drugs) are
    /// two figures. The count of patients is the cell's own size whatever table reached it, so "count of patients"
    /// asked by any query and by an attrition step is one figure (<see cref="Patients"/>). Counts the schema makes
    /// equal are one figure, the table's count of rows: a count of a column that is never empty, or a distinct count
    /// of the table's key. As names of their own, each would be a draw of its own of one true value, to be averaged
    /// (<see cref="CellPerturbation"/>).
    /// </summary>
    public static string FigureName(Query.AggregateKind kind, Schema.ColumnSchema? column, Schema.TableSchema table) => (kind, column) switch
    {
        (Query.AggregateKind.CountDistinct, { Name: "patient_id" }) => Patients,
        (Query.AggregateKind.Count, null or { Nullable: false }) => $"{table.Name}.count:*",
        (Query.AggregateKind.CountDistinct, { } counted) when table.PrimaryKey is [var key] && key.Name == counted.Name => $"{table.Name}.count:*",
        _ => $"{table.Name}.{kind}:{column?.Name ?? "*"}".ToLowerInvariant(),
    };

    /// <summary>A query's countDistinct of patient_id, and an attrition step's count.</summary>
    public const string Patients = "countdistinct:patient_id";

    public byte[] Serialize(int alias)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        writer.Write(Units);
        writer.Write(alias);
        var sketch = new byte[CellSketch.Bytes];
        Sketch.WriteTo(sketch);
        writer.Write(sketch);
        writer.Write(Figures.Count);
        foreach (var (name, value) in Figures) WriteFigure(writer, name, value);
        writer.Write(Truths.Count);
        foreach (var (name, truth) in Truths)
        {
            writer.Write(name);
            writer.Write(truth);
        }
        writer.Flush();
        return stream.ToArray();
    }

    public static ShownCell Deserialize(BinaryReader reader, IReadOnlyList<ShownCell> kept)
    {
        var units = reader.ReadInt64();
        var alias = reader.ReadInt32();
        var cell = new ShownCell(units, CellSketch.Read(reader.ReadBytes(CellSketch.Bytes)), alias < 0 ? null : kept[alias]);
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var (name, value) = ReadFigure(reader);
            cell.Figures[name] = value;
        }
        // Ledgers from before truths were kept end here; their cells show nothing first asked later.
        if (reader.BaseStream.Position == reader.BaseStream.Length) return cell;
        for (var count = reader.ReadInt32(); count > 0; count--) cell.Truths[reader.ReadString()] = reader.ReadInt64();
        return cell;
    }

    public static void WriteFigure(BinaryWriter writer, string name, double? value)
    {
        writer.Write(name);
        writer.Write(value.HasValue);
        writer.Write(value ?? 0);
    }

    public static (string Name, double? Value) ReadFigure(BinaryReader reader)
    {
        var name = reader.ReadString();
        var shown = reader.ReadBoolean();
        var value = reader.ReadDouble();
        return (name, shown ? value : null);
    }
}
