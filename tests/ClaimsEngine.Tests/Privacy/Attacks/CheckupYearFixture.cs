namespace Claims.Engine.Tests.Privacy.Attacks;

/// <summary>
/// A year of checkups on restricted data: at most one a patient, so a cell's count of checkups moves by one for
/// each patient more or fewer, and the table's many never-empty columns are many names for that one count.
/// </summary>
public sealed class CheckupYearFixture() : RestrictedFixture(persons: 4_000, from: 202301, months: 12, seed: 20);

/// <summary>The same year, its population marked as published figures, so that indicators divide by it.</summary>
public sealed class PublishedPopulationFixture() : RestrictedFixture(persons: 4_000, from: 202301, months: 12, seed: 20, publishedPopulation: true);
