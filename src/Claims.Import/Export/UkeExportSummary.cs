namespace Claims.Import;

/// <summary>
/// What `claims export uke` wrote: files, receipts and lines, and the receipts of kinds this format's importer
/// does not read yet (DPC, 調剤, 歯科), counted by claim kind rather than written; and the population cells written to population.csv.
/// </summary>
public sealed record UkeExportSummary(int Files, long Receipts, long Lines, IReadOnlyDictionary<int, long> SkippedByClaimKind, long PopulationCells);
