using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Sharding;
using Claims.Engine.Tests.Cohorts;
using Claims.Engine.Storage;
using Claims.Engine.Tests.Query;
using Claims.Testing;

namespace Claims.Engine.Tests.Sharding;

/// <summary>
/// `claims shard` against its contract (docs/store.md): every row in exactly one shard, a patient never across two,
/// each shard an ordinary dataset, the shards' partial aggregates, sent as bytes and merged, answering 60 random
/// queries as DuckDB answers them over the unsplit dataset, and 30 random cohorts built shard by shard adding up
/// to the unsplit dataset's members, index and exit months and attrition.
/// </summary>
[Collection(SmallBlockData.Name)]
public sealed class DatasetShardsTests(SmallBlockFixture data) : IDisposable
{
    private readonly TempDirectory _temp = new("claims-shards");

    [Fact]
    public void Every_row_lands_in_one_shard_and_every_patient_in_one_shard_only()
    {
        var summary = DatasetShards.Write(data.Dataset, _temp.Combine("cluster"), 3);
        var manifest = ClusterManifest.Read(_temp.Combine("cluster"));
        Assert.Equal(summary.Manifest.Shards.Select(s => s.Path), manifest.Shards.Select(s => s.Path));
        Assert.Equal(["shard-00", "shard-01", "shard-02"], manifest.Shards.Select(s => s.Path));
        var shards = manifest.Open(_temp.Combine("cluster"), data.Dataset.Schema);
        try
        {
            var owner = new Dictionary<int, int>();
            foreach (var table in data.Dataset.Tables)
            {
                Assert.Equal(table.RowCount, shards.Sum(s => s.Table(table.Name).RowCount));
                Assert.Equal(table.RowCount, manifest.Shards.Sum(s => s.Rows[table.Name]));
                // A table of no patients (the population) stays whole on the first shard.
                if (!table.Schema.TryGetColumn("patient_id", out _))
                {
                    Assert.True(table.RowCount > 0, $"{table.Name} is empty: nothing shows where its rows go");
                    Assert.Equal(table.RowCount, shards[0].Table(table.Name).RowCount);
                    continue;
                }
                for (var s = 0; s < shards.Count; s++)
                    foreach (var partition in shards[s].Table(table.Name).Partitions)
                    {
                        var patients = partition.Column("patient_id");
                        var ids = patients.Values<int>();
                        for (var row = 0; row < partition.RowCount; row++)
                            if (!patients.IsNull(row)) Assert.Equal(s, owner.TryAdd(ids[row], s) ? s : owner[ids[row]]);
                    }
            }
            // Spread, not piled on one shard.
            Assert.All(manifest.Shards, s => Assert.InRange(s.Rows["receipts"], data.Dataset.Table("receipts").RowCount / 5, data.Dataset.Table("receipts").RowCount / 2));
            Assert.All(shards, s => Assert.Equal("claims shard", s.Manifest.Provenance.Source));
        }
        finally
        {
            foreach (var shard in shards) shard.Dispose();
        }
    }

    [Fact]
    public void The_shards_partials_merged_answer_random_queries_as_the_whole_dataset_does() => WithShards(4, shards =>
    {
        var generator = new RandomQueries(data.Dataset.Schema, data.Samples(), seed: 20261206);
        for (var i = 0; i < 60; i++)
        {
            var c = generator.Next();
            var query = QueryParser.Parse(c.Json, data.Dataset.Schema);
            var merged = shards[0].Partial(query, null).ThroughBytes();
            foreach (var shard in shards.Skip(1)) merged.Merge(shard.Partial(query, null).ThroughBytes());
            var expected = data.Rows(c.Sql).Select(r => r.Select(QueryOracle.Canonical).ToArray()).ToList();
            QueryOracle.Compare(i, c.Json, c.Sql, expected, QueryOracle.Rows(merged.Finish().Batch()).ToList(), c.Ordered);
        }
        // The population, whole on the first shard, is counted once in the merge.
        const string population = """{"from": "population", "groupBy": ["month", "prefecture"], "select": [{"sum": "persons", "as": "persons"}, {"count": "*", "as": "cells"}]}""";
        const string sql = "SELECT month, prefecture, sum(persons)::BIGINT, count(*) FROM population GROUP BY ALL";
        var parsed = QueryParser.Parse(population, data.Dataset.Schema);
        var sum = shards[0].Partial(parsed, null).ThroughBytes();
        foreach (var shard in shards.Skip(1)) sum.Merge(shard.Partial(parsed, null).ThroughBytes());
        var rows = data.Rows(sql).Select(r => r.Select(QueryOracle.Canonical).ToArray()).ToList();
        Assert.True(rows.Count > 100);
        QueryOracle.Compare(60, population, sql, rows, QueryOracle.Rows(sum.Finish().Batch()).ToList(), false);
    });

    [Fact]
    public void Cohorts_are_shard_local_their_members_and_attrition_add_up_to_the_whole_dataset_s() => WithShards(3, shards =>
    {
        var generator = new RandomCohorts(data.Dataset.Schema, new RandomQueries(data.Dataset.Schema, data.Samples(), seed: 6), seed: 20261206);
        var nonEmpty = 0;
        for (var i = 0; i < 30; i++)
        {
            var json = generator.Next(i).Json;
            var whole = data.Dataset.BuildCohort(json);
            var parts = shards.Select(s => s.BuildCohort(json)).ToList();
            if (whole.Count > 0) nonEmpty++;
            for (var step = 0; step < whole.Attrition.Count; step++)
            {
                Assert.Equal(whole.Attrition[step].Remaining, parts.Sum(p => p.Attrition[step].Remaining));
                Assert.Equal(whole.Attrition[step].Removed, parts.Sum(p => p.Attrition[step].Removed));
            }
            Assert.Equal(whole.Count, parts.Sum(p => p.Count));
            foreach (var patient in whole.Patients)
            {
                var owner = Assert.Single(parts, p => p.Patients.Contains(patient));
                Assert.Equal((whole.IndexMonth(patient), whole.ExitMonth(patient)), (owner.IndexMonth(patient), owner.ExitMonth(patient)));
            }
        }
        Assert.True(nonEmpty >= 10, $"only {nonEmpty} of 30 cohorts had members");
    });

    [Fact]
    public void Bad_requests_are_refused_naming_what_is_wrong()
    {
        Assert.Contains("between 1 and 1024, not 0", Assert.Throws<ClaimsException>(() => DatasetShards.Write(data.Dataset, _temp.Combine("a"), 0)).Message);
        Directory.CreateDirectory(_temp.Combine("full"));
        File.WriteAllText(_temp.Combine("full", "notes.txt"), "mine");
        Assert.Contains("is not empty (found 'notes.txt')", Assert.Throws<ClaimsException>(() => DatasetShards.Write(data.Dataset, _temp.Combine("full"), 2)).Message);
        Assert.Contains("over the dataset they are split from", Assert.Throws<ClaimsException>(() => DatasetShards.Write(data.Dataset, data.Dataset.Directory, 2)).Message);
        Assert.Contains("no cluster here", Assert.Throws<StoreException>(() => ClusterManifest.Read(_temp.Combine("full"))).Message);
    }

    /// <summary>Runs <paramref name="test"/> on the fixture split into <paramref name="count"/> shards, opened.</summary>
    private void WithShards(int count, Action<IReadOnlyList<Dataset>> test)
    {
        DatasetShards.Write(data.Dataset, _temp.Combine("cluster"), count);
        var shards = ClusterManifest.Read(_temp.Combine("cluster")).Open(_temp.Combine("cluster"), data.Dataset.Schema);
        try
        {
            test(shards);
        }
        finally
        {
            foreach (var shard in shards) shard.Dispose();
        }
    }

    public void Dispose() => _temp.Dispose();
}
