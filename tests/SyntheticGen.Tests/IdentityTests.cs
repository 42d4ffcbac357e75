namespace Claims.SyntheticGen.Tests;

/// <summary>id1, id2 and id5 behave as the NDB's: id1 changes with the insurer, id2 with the name, id5 never.</summary>
[Collection(GeneratedDatasetCollection.Name)]
public class IdentityTests(GeneratedDataset data)
{
    private const string PerPerson = """
        SELECT t.person_id, count(DISTINCT r.id1) AS id1s, count(DISTINCT r.id2) AS id2s, count(DISTINCT r.id5) AS id5s,
               count(*) AS receipts, min(r.age) AS min_age, max(r.age) AS max_age
        FROM receipts r JOIN truth_receipts t USING (receipt_id) GROUP BY ALL
        """;

    [Fact]
    public void Id5_never_changes_for_a_person_and_is_missing_on_about_five_percent()
    {
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({PerPerson}) WHERE id5s > 1"));
        Assert.InRange(data.Scalar("SELECT avg((id5 IS NULL)::INT) FROM receipts"), 0.04, 0.06);
        Assert.Equal(0, data.Scalar("SELECT count(*) FROM receipts WHERE length(id1) <> 64 OR length(id2) <> 64"));
    }

    [Fact]
    public void Turning_75_changes_id1()
    {
        var turning = $"""
            SELECT p.* FROM ({PerPerson}) p JOIN truth_persons t USING (person_id)
            WHERE date_diff('year', t.birth_date, DATE '2023-04-02') = 74 AND date_diff('year', t.birth_date, DATE '2024-03-01') = 75
              AND p.receipts >= 2 AND p.min_age = 74 AND p.max_age = 75
            """;
        var count = data.Scalar($"SELECT count(*) FROM ({turning})");
        Assert.True(count > 20, $"only {count} persons turning 75 with claims on both sides");
        Assert.True(data.Scalar($"SELECT avg((id1s > 1)::INT) FROM ({turning})") > 0.95);
    }

    [Fact]
    public void Persons_without_identity_events_keep_one_id1_and_marriage_changes_id2()
    {
        var stable = $"SELECT p.* FROM ({PerPerson}) p JOIN truth_persons t USING (person_id) WHERE t.identity_changes = 0";
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({stable}) WHERE id1s > 1"));
        // A spelling variant at some facilities gives a second id2 now and then, never a third.
        Assert.Equal(0, data.Scalar($"SELECT count(*) FROM ({stable}) WHERE id2s > 2"));
        Assert.InRange(data.Scalar($"SELECT avg((id2s = 2)::INT) FROM ({stable}) WHERE receipts >= 5"), 0.01, 0.25);
        var womenChanged = data.Scalar($"""
            SELECT count(*) FROM ({PerPerson}) p JOIN truth_persons t USING (person_id)
            WHERE t.identity_changes > 0 AND t.sex = 2 AND p.max_age BETWEEN 25 AND 35 AND p.id2s > 1 AND p.id1s = 1
            """);
        Assert.True(womenChanged > 0, "no woman of marrying age changed her name");
    }
}
