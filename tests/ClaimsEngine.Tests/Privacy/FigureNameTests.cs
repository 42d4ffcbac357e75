using Claims.Engine.Privacy;
using Claims.Engine.Query;
using Claims.Engine.Schema;

namespace Claims.Engine.Tests.Privacy;

public class FigureNameTests
{
    private static readonly ClaimsSchema Schema = ClaimsSchema.Default;

    private static string Name(AggregateKind kind, string table, string? column) =>
        ShownCell.FigureName(kind, column is null ? null : Schema.Table(table).Column(column), Schema.Table(table));

    [Fact]
    public void The_same_patients_rows_in_two_tables_are_two_figures_and_their_count_of_patients_one()
    {
        Assert.NotEqual(Name(AggregateKind.Sum, "procedures", "points"), Name(AggregateKind.Sum, "drugs", "points"));
        Assert.NotEqual(Name(AggregateKind.Count, "receipts", null), Name(AggregateKind.Count, "diagnoses", null));
        Assert.Equal(ShownCell.Patients, Name(AggregateKind.CountDistinct, "receipts", "patient_id"));
        Assert.Equal(ShownCell.Patients, Name(AggregateKind.CountDistinct, "drugs", "patient_id"));
    }

    [Fact]
    public void Counts_the_schema_makes_equal_are_the_table_s_count_of_rows_and_the_rest_count_apart()
    {
        var rows = Name(AggregateKind.Count, "receipts", null);
        Assert.Equal(rows, Name(AggregateKind.CountDistinct, "receipts", "receipt_id"));
        Assert.Equal(rows, Name(AggregateKind.Count, "receipts", "sex"));
        Assert.NotEqual(rows, Name(AggregateKind.Count, "receipts", "prefecture"));
        Assert.NotEqual(Name(AggregateKind.Count, "diagnoses", null), Name(AggregateKind.CountDistinct, "diagnoses", "receipt_id"));
    }
}
