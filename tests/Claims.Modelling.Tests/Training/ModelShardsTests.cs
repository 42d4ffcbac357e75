using System.Text.Json.Nodes;
using Claims.Engine;
using Claims.Engine.Privacy;
using Claims.Engine.Sharding;
using Claims.Engine.Storage;
using Claims.Modelling.Features;
using Claims.Modelling.Spec;
using Claims.Modelling.Tests.Disclosure;
using Claims.Modelling.Training;
using Claims.Testing;

namespace Claims.Modelling.Tests.Training;

/// <summary>
/// A model over a split dataset, without Orleans (a transport in this process): the shards find their members and
/// features, the coordinator unites them and trains, and the report is the single node's, figure for figure, on public
/// data (exact) and on restricted data (released under the same ledger secret); a shard's spoilt answer is named
/// without its figures.
/// </summary>
public sealed class ModelShardsTests(RestrictedFixture fixture) : IClassFixture<RestrictedFixture>
{
    /// <summary>Every feature family, two windows and a quantity: indicators of every kind, in the order one node finds them.</summary>
    private const string Everything = """
        {"name": "points within a year",
         "target": {"name": "everyone with six months of history", "entry": {"table": "receipts", "occurrence": "every"}, "priorObservationMonths": 6},
         "outcome": {"quantity": "points", "startDays": 1, "endDays": 360},
         "features": {"demographics": true, "utilisation": true, "diagnoses": "category", "drugs": true, "procedures": true, "checkups": ["hba1c", "bmi"],
                      "windows": [[-180, -91], [-90, -1]], "minMembers": 20},
         "model": {"kind": "fastTree", "leaves": 8, "minMembersPerLeaf": 20, "iterations": 20},
         "split": {"testFraction": 0.3, "seed": 3}}
        """;

    [Fact]
    public void A_model_trained_on_shards_is_the_single_node_s_on_public_data_and_released_alike_on_restricted_data()
    {
        foreach (var (dataset, spec, project) in new[]
                 {
                     (fixture.Public, Everything, (Func<DisclosureRequest>?)null),
                     (fixture.Restricted, RestrictedFixture.Spec, () => new DisclosureRequest("p", FixedLedgers.New(fixture.Temp("ledgers"), 8), "spec", DisclosurePolicy.Default)),
                     // A quantity's sums are clipped to a cap the shards' samples give, and drawn as one node draws them.
                     (fixture.Restricted, Everything, () => new DisclosureRequest("q", FixedLedgers.New(fixture.Temp("ledgers"), 8), "spec", DisclosurePolicy.Default)),
                 })
        {
            var data = Path.GetFileName(dataset.Directory);
            var name = $"{data}-{(spec == Everything ? "points" : "admission")}";
            if (!Directory.Exists(fixture.Temp($"split-{data}"))) DatasetShards.Write(dataset, fixture.Temp($"split-{data}"), 3);
            using var split = ShardedDataset.Open(fixture.Temp($"split-{data}"), Transport());
            var parsed = ModelSpecParser.Parse(spec, dataset.Schema);
            ModelRun.Train(dataset, parsed, fixture.Temp($"one-{name}"), project?.Invoke());
            ModelRun.Train(split, parsed, fixture.Temp($"many-{name}"), project?.Invoke());
            var (one, many) = (Report(fixture.Temp($"one-{name}")), Report(fixture.Temp($"many-{name}")));
            Assert.True(one["features"]!["count"]!.GetValue<int>() > 20, one["features"]!.ToJsonString());
            Assert.Equal(one.ToJsonString(), many.ToJsonString());
            if (project is null)
                Assert.Equal(File.ReadAllBytes(Path.Combine(fixture.Temp($"one-{name}"), ModelRun.OnnxFile)), File.ReadAllBytes(Path.Combine(fixture.Temp($"many-{name}"), ModelRun.OnnxFile)));
        }
    }

    [Theory]
    [InlineData("cut")]
    [InlineData("none")]
    [InlineData("foreign")]
    public void A_shard_s_spoilt_rows_are_named_as_the_cluster_s_fault_without_its_figures(string broken)
    {
        DatasetShards.Write(fixture.Public, fixture.Temp($"spoilt-{broken}"), 2);
        var spoilt = Transport((_, answers) => broken switch
        {
            "cut" => [answers[0], answers[1][..^5]],
            "none" => [answers[0], BitConverter.GetBytes(0)],
            _ => [answers[0], answers[0]],
        });
        using var split = ShardedDataset.Open(fixture.Temp($"spoilt-{broken}"), spoilt);
        var error = Assert.Throws<ShardsUnavailableException>(() => ModelRun.Train(split, ModelSpecParser.Parse(RestrictedFixture.Spec), fixture.Temp($"spoilt-out-{broken}")));
        Assert.Equal("shard shard-01 sent a model's rows this coordinator cannot take (another build's, or damaged)", error.Message);
        Assert.All(spoilt.Asked, w => Assert.Equal(202312, w.DataEnd));
    }

    /// <summary>
    /// A shard's answer written by hand (one member, diagnosis flags only): a well-formed one is taken, and each way of
    /// naming a feature the spec does not make, or of costing memory no member's rows account for, is refused (review 34).
    /// </summary>
    [Theory]
    [InlineData("sound", null)]
    [InlineData("demographic", "cannot take")]
    [InlineData("no window", "cannot take")]
    [InlineData("other window", "cannot take")]
    [InlineData("no members", "cannot take")]
    [InlineData("twice", "cannot take")]
    [InlineData("other minimum", "cannot take")]
    [InlineData("outcome not its value", "cannot take")]
    public void A_shard_s_rows_name_only_features_the_spec_makes(string answer, string? refused)
    {
        const string flagsOnly = """
            {"name": "an admission", "target": {"name": "everyone", "entry": {"table": "receipts", "occurrence": "every"}, "priorObservationMonths": 6},
             "outcome": {"table": "receipts", "where": {"col": "admission_date", "isNull": false}, "startDays": 1, "endDays": 360},
             "features": {"demographics": false, "utilisation": false, "drugs": false, "diagnoses": "letter", "windows": [[-180, -1]], "minMembers": 20},
             "model": {"kind": "logisticRegression"}, "split": {"testFraction": 0.3, "seed": 1}}
            """;
        var spec = ModelSpecParser.Parse(flagsOnly);
        var window = spec.Features.Windows[0].ToString();
        DatasetShards.Write(fixture.Public, fixture.Temp($"by-hand-{answer}"), 2);
        ShardedDataset? split = null;
        byte[] ByHand()
        {
            var patient = Enumerable.Range(0, 6_000).First(p => split!.ShardOf(p) == 1);
            (string Name, int MinMembers, int[] Members)[] flags = answer switch
            {
                "demographic" => [("prefecture=13", 1, [0])],
                "no window" => [("icd10:E", 20, [0])],
                "other window" => [("icd10:E[-1..-1]", 20, [0])],
                "no members" => [($"icd10:E[{window}]", 20, [])],
                "twice" => [($"icd10:E[{window}]", 20, [0]), ($"icd10:E[{window}]", 20, [0])],
                "other minimum" => [($"icd10:E[{window}]", 1, [0])],
                _ => [($"icd10:E[{window}]", 20, [0])],
            };
            using var bytes = new MemoryStream();
            using (var writer = new BinaryWriter(bytes))
            {
                writer.Write(1);
                writer.Write(1);
                writer.Write(patient);
                writer.Write(24_290);
                writer.Write(answer == "outcome not its value");
                writer.Write(0f);
                foreach (var ids in new[] { new[] { patient }, [] })
                {
                    writer.Write(ids.Length);
                    foreach (var id in ids) writer.Write(id);
                }
                writer.Write(0);
                writer.Write(flags.Length);
                foreach (var (name, minMembers, members) in flags)
                {
                    writer.Write(name);
                    writer.Write(minMembers);
                    writer.Write(members.Length);
                    foreach (var member in members) writer.Write(member);
                }
            }
            return bytes.ToArray();
        }
        using (split = ShardedDataset.Open(fixture.Temp($"by-hand-{answer}"), Transport((_, answers) => [answers[0], ByHand()])))
        {
            var train = () => ModelRun.Train(split, spec, fixture.Temp($"by-hand-out-{answer}"));
            if (refused is null) Assert.True(train().Population.Members > 1_000);
            else Assert.Contains(refused, Assert.Throws<ShardsUnavailableException>(train).Message);
        }
    }

    private static InProcessShards Transport(Func<ShardWork, byte[][], byte[][]>? spoil = null) => new()
    {
        Runner = (work, shard, token) => work.Kind == ShardWorkKind.ModelRows ? ModelShards.Rows(work, shard, token) : work.Run(shard, Engine.Query.ExecutionOptions.Default, token),
        Spoil = spoil ?? ((_, answers) => answers),
    };

    /// <summary>report.json without what differs by design: where the data were read from, and how long it took.</summary>
    private static JsonObject Report(string folder)
    {
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelRun.ReportFile)))!.AsObject();
        report.Remove("dataset");
        report.Remove("elapsedSeconds");
        return report;
    }
}
