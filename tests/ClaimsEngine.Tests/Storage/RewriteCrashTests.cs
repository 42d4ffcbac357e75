using Claims.Engine.Storage;
using Claims.Testing;

namespace Claims.Engine.Tests.Storage;

public class RewriteCrashTests
{
    [Fact]
    public void A_rewriter_killed_at_any_point_leaves_the_previous_dataset_or_the_rewritten_one_intact()
    {
        using var temp = new TempDirectory();
        var source = CrashTests.Source(1000);
        source.Write(temp.Path, new DatasetWriteOptions { Provenance = CrashTests.Provenance(1000) });
        // Each publishing stage, then the middle of the column writes (after the first replacement, after the third).
        string[] targets = ["Sealing", "Sealed", "Renamed", "Published", "Cleaned", "column receipts/202304", "column diagnoses/202304"];
        string? committed = null;

        for (var i = 0; i < targets.Length; i++)
        {
            var seed = 3000 + i;
            Assert.True(CrashTests.RunUntil(temp.Path, seed, targets[i], CrashWriterProgram.RewriteVerb), $"the rewriter never printed '{targets[i]}'");
            using var dataset = Dataset.Open(temp.Path, ChecksumVerification.AtOpen);
            var found = dataset.Manifest.Provenance.Parameters.GetValueOrDefault(PatientIdRewrite.Parameter);
            Assert.True(found == committed || found == seed.ToString(), $"kill at '{targets[i]}': found rewrite {found ?? "none"}, expected {committed ?? "none"} or {seed}");
            if (targets[i] is "Published" or "Cleaned") Assert.Equal(seed.ToString(), found);
            if (targets[i] is "Sealing" or "column receipts/202304" or "column diagnoses/202304") Assert.Equal(committed, found);
            Assert.Equal("1000", dataset.Manifest.Provenance.Parameters["seed"]);
            StoreAssert.HoldsExactly(dataset, found is null ? source : PatientIdRewrite.Expected(source, int.Parse(found)));
            committed = found;
        }
    }
}
