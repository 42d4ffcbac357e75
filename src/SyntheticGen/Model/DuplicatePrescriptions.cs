namespace Claims.SyntheticGen.Model;

/// <summary>
/// calibration.json prescribing.duplicates: by groups of drug classes, the share of person-month-ingredients that two or
/// more facilities dispensed (<see cref="Groups"/>); and how the generator makes them: episodes of
/// <see cref="SecondClinicEpisodes"/> are also seen, and prescribed for, at a second clinic with
/// <see cref="SecondClinicChance"/>.
/// </summary>
public sealed record DuplicatePrescriptions(IReadOnlyList<DuplicateGroup> Groups, IReadOnlySet<string> SecondClinicEpisodes,
    double SecondClinicChance, string Source);

/// <summary>One group of 薬効分類 classes and its share of ingredients from two or more facilities in a month.</summary>
public sealed record DuplicateGroup(string Name, IReadOnlySet<short> DrugClasses, double Share, double Tolerance);
