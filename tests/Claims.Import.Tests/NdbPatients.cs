using System.Text;

namespace Claims.Import.Tests;

/// <summary>
/// Patients as the NDB's keys define them, counted straight from a file's text: receipts sharing the card (insurer,
/// symbol, number) with birth date and sex (id1), or the kana name with birth date and sex (id2), are one patient.
/// Written from that definition, not from the importer, so the two can disagree.
/// </summary>
internal static class NdbPatients
{
    public static int Count(string[] lines)
    {
        var receipts = new List<(string Id1, string Id2)>();
        string[]? re = null;
        string? id1 = null;
        foreach (var fields in lines.Select(l => l.Split(',')))
        {
            if (fields[0] is "RE" or "GO" && re is not null) receipts.Add((id1!, $"{Plain(re[36].Length > 0 ? re[36] : re[4])}|{re[6]}|{re[5]}"));
            if (fields[0] == "RE") (re, id1) = (fields, null);
            // The card is the HO's; a public-payer-only receipt's is its first KO (payer and recipient numbers).
            if (fields[0] == "HO") id1 = $"{fields[1]}|{Plain(fields[2])}|{Plain(fields[3])}|{re![6]}|{re[5]}";
            if (fields[0] == "KO" && id1 is null) id1 = $"{fields[1]}||{Plain(fields[2])}|{re![6]}|{re[5]}";
        }
        var parent = Enumerable.Range(0, receipts.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        foreach (var key in new Func<(string Id1, string Id2), string>[] { r => r.Id1, r => r.Id2 })
        {
            var first = new Dictionary<string, int>();
            for (var i = 0; i < receipts.Count; i++)
            {
                if (first.TryAdd(key(receipts[i]), i)) continue;
                parent[Find(i)] = Find(first[key(receipts[i])]);
            }
        }
        return Enumerable.Range(0, receipts.Count).Select(Find).Distinct().Count();
    }

    private static string Plain(string text) =>
        string.Concat(text.Normalize(NormalizationForm.FormKC).Where(c => !char.IsWhiteSpace(c)));
}
