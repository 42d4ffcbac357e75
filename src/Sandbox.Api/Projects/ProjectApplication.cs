using Claims.Engine.Storage;
using Claims.Engine.Schema;
using Claims.Sandbox.Datasets;

namespace Claims.Sandbox.Projects;

/// <summary>
/// POST /api/projects: what an analyst asks for. Tables, when given, narrow what the project may read; a period
/// (service months {from, to}, YYYYMM) narrows the months, for queries, cohorts and extracts alike.
/// </summary>
public sealed record ProjectApplication(string? Title, string? Purpose, IReadOnlyList<string>? Datasets, IReadOnlyList<string>? Tables, MonthRange? Period)
{
    /// <summary>What is wrong with the application, in words, or null.</summary>
    public string? Invalid(DatasetRegistry datasets, ClaimsSchema schema)
    {
        if (string.IsNullOrWhiteSpace(Title) || Title.Length > 200) return "title is required, at most 200 characters";
        if (string.IsNullOrWhiteSpace(Purpose) || Purpose.Length > 4000) return "purpose is required, at most 4000 characters";
        if (Datasets is not { Count: > 0 }) return $"datasets must name at least one dataset ({string.Join(", ", datasets.Names)})";
        if (Blank(Datasets, "datasets", "dataset") is { } blankDataset) return blankDataset;
        if (Datasets.FirstOrDefault(d => !datasets.Names.Contains(d)) is { } dataset) return $"datasets: no dataset '{dataset}' (datasets: {string.Join(", ", datasets.Names)})";
        if (Tables is { Count: 0 }) return "tables, when given, must name at least one table (leave it out for every table)";
        if (Tables is not null && Blank(Tables, "tables", "table") is { } blankTable) return blankTable;
        var names = schema.Tables.Select(t => t.Name).ToArray();
        if (Tables?.FirstOrDefault(t => !names.Contains(t)) is { } table) return $"tables: no table '{table}' (tables: {string.Join(", ", names)})";
        if (Period?.Problem() is { } period) return $"period must be {{from, to}}: {period}";
        // A period outside a dataset would be approved and then read nothing: said now, not after the approval.
        // A dataset out of service may still be applied for; its months are checked when it is queried.
        foreach (var name in Datasets.Where(d => datasets.Unavailable(d) is null))
        {
            var months = datasets.Months(name);
            if (Period is { } asked && months is not null && !asked.Overlaps(months))
                return $"period {asked} holds none of the {name} dataset's months ({months})";
        }
        return null;
    }

    /// <summary>A null or empty name in a list (JSON allows [null] where the type says names), said with its place.</summary>
    private static string? Blank(IReadOnlyList<string?> names, string field, string what)
    {
        for (var i = 0; i < names.Count; i++)
            if (string.IsNullOrWhiteSpace(names[i])) return $"{field}[{i}] is {(names[i] is null ? "null" : "empty")}: name a {what}";
        return null;
    }
}

public sealed record NewProject(string Id, string Status);

/// <summary>POST /api/projects/{id}/approve.</summary>
public sealed record Approval(DateTimeOffset? ExpiresAt);
