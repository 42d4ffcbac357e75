using System.Text;
using Claims.Engine.Privacy;

namespace Claims.Engine.Tests.Privacy;

public class ShownCellTests
{
    private static ShownCell Read(byte[] bytes, IReadOnlyList<ShownCell>? kept = null)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        return ShownCell.Deserialize(reader, kept ?? []);
    }

    private static ShownCell Cell()
    {
        var sketch = new CellSketch();
        for (var record = 1UL; record <= 12; record++) sketch.Add(record * 0x9E3779B97F4A7C15UL);
        var cell = new ShownCell(12, sketch) { Figures = { [ShownCell.Patients] = 14, ["receipts.count:*"] = 31 } };
        cell.Truths[ShownCell.Patients] = 12;
        cell.Truths["receipts.count:*"] = 29;
        return cell;
    }

    [Fact]
    public void A_kept_cell_reads_back_with_its_figures_alias_and_true_counts()
    {
        var alias = new ShownCell(13, new CellSketch());
        var read = Read(Cell().Serialize(alias: 0), [alias]);
        Assert.Equal(12, read.Units);
        Assert.Same(alias, read.Alias);
        Assert.Equal(Cell().Sketch.Key, read.Sketch.Key);
        Assert.Equal(Cell().Figures, read.Figures);
        Assert.Equal(Cell().Truths, read.Truths);
    }

    [Fact]
    public void A_cell_from_a_ledger_kept_before_true_counts_reads_back_without_them()
    {
        var cell = Cell();
        cell.Truths.Clear();
        // The same record as before truths were kept: it ended after the figures, without their count.
        var bytes = cell.Serialize(alias: -1)[..^sizeof(int)];
        var read = Read(bytes);
        Assert.Equal(cell.Figures, read.Figures);
        Assert.Empty(read.Truths);
    }
}
