using Claims.Engine.Privacy;

namespace Claims.Sandbox.Datasets;

/// <summary>A cohort's attrition and count; on restricted data a suppressed number is null, with the rules applied beside.</summary>
public sealed record CohortResponse(string Name, IReadOnlyList<DisclosedStep> Attrition, long? Count, IReadOnlyList<string> Rules, double ElapsedMs);
