using Claims.SyntheticGen.Facilities;
using Claims.SyntheticGen.Model;
using Claims.SyntheticGen.Output;
using Claims.SyntheticGen.Population;

namespace Claims.SyntheticGen.Claims;

/// <summary>
/// Sets the <see cref="PilotCalibration"/> by simulation, since clustering conditions and merging visits make the
/// totals hard to derive in closed form. A pilot of up to 10,000 persons over a year (20,000 in the last two rounds)
/// measures, by age band, the outpatient, inpatient and dental receipts the modelled care produces; the top-up rates fill the gap to
/// the national volumes (three rounds, since new visits partly merge into receipts that exist). Six more rounds
/// set the care intensity that brings mean medical and dental points per claim to the national figures, the care by
/// age group that shares points among ages as the nation does, how readily episodes prescribe, which gives each age
/// the nation's prescriptions, and by age group how many co-prescriptions a prescription carries and how costly they
/// lean, which give each age the nation's drugs per pharmacy receipt and oral drug cost. Seeded, and tallied chunk
/// by chunk, so the result is the same for every thread count.
/// </summary>
public static class UtilisationCalibrator
{
    private const int Months = 12;

    /// <summary>Rounds that set intensity, care by age, prescribing and co-prescriptions, each from closer by.</summary>
    private const int IntensityRounds = 6;

    /// <summary>
    /// Persons of every round but the last <see cref="FineRounds"/>, which measure all the pilot's persons: counts
    /// and mean points settle on fewer, while oral drug cost is heavy-tailed and needs the larger sample only where
    /// the leans end.
    /// </summary>
    private const int CoarsePersons = 10_000, FineRounds = 2;

    /// <summary>How much further than the share's gap care by age group moves in a round.</summary>
    private const double CareStep = 1.5;

    /// <summary>How much further than the prescriptions' gap the rate at which episodes prescribe moves in a round.</summary>
    private const double PrescribingStep = 2;

    /// <summary>How far co-prescribing moves, as a power of the gap in receipts with five or more drugs, in a round.</summary>
    private const double CoPrescribingStep = 0.8;

    /// <summary>
    /// How far the lean of co-prescriptions toward costlier drugs moves per unit of the log gap in oral drug cost, and
    /// its bound: past about 3 a pool's priciest drug crowds out the rest.
    /// </summary>
    private const double LeanStep = 1.5, MaxLean = 3;

    /// <summary>Pharmacy receipts an age group needs in the pilot before its oral drug cost is aimed at.</summary>
    private const int MinimumReceiptsToLean = 2000;

    public static PilotCalibration Calibrate(GeneratorModel model, PersonFactory factory, FacilityDirectory facilities, ulong seed,
        int firstMonth, int pilotPersons, int threads)
    {
        var calibration = model.Calibration;
        var spending = calibration.Spending;
        var rates = new PilotCalibration(spending.AgeGroups.Length);
        var coarse = Math.Min(pilotPersons, CoarsePersons);
        Array.Copy(calibration.DentalClaimsByAge, rates.Dental, rates.Dental.Length);
        SetMortalityNormaliser(model, factory, facilities, rates, seed, firstMonth, threads);
        for (var round = 0; round < 3; round++)
        {
            var measured = Measure(model, factory, facilities, rates, seed, firstMonth, coarse, threads);
            for (var b = 0; b < AgeBands.Count; b++)
            {
                rates.Minor[b] = Math.Max(0, rates.Minor[b] + (calibration.OutpatientClaimsByAge[b] - measured.Outpatient[b]) * 1.25);
                rates.Dental[b] = Math.Max(0, rates.Dental[b] + (calibration.DentalClaimsByAge[b] - measured.Dental[b]));
                // An admission yields about 1.4 monthly receipts; aim the admission rate at the receipts.
                rates.Admissions[b] = Math.Max(0, rates.Admissions[b] + (calibration.InpatientClaimsByAge[b] - measured.Inpatient[b]) / 1.4);
            }
        }
        var points = calibration.MeanPointsPerClaim;
        var perYear = calibration.ClaimsPerPersonYear;
        var inpatientTarget = (points["medicalInpatient"] * perYear["medicalInpatient"] + points["dpc"] * perYear["dpc"])
                              / (perYear["medicalInpatient"] + perYear["dpc"]);
        // Intensity: points grow about linearly with it, so measure without it, then move each rate along the line
        // through (0, baseline) and (rate, measured) to the target, the care by age group along with it; in
        // rounds, each from closer by, the last for the rates alone. The line's fixed point is the target even where
        // care by age moves the baseline.
        var baseline = Measure(model, factory, facilities, rates, seed, firstMonth, coarse, threads);
        (rates.ExtraLabs, rates.InpatientItemsPerDay, rates.DentalItems) = (2, 1, 1);
        for (var round = 0; round < IntensityRounds; round++)
        {
            var measured = Measure(model, factory, facilities, rates, seed, firstMonth,
                round >= IntensityRounds - FineRounds ? pilotPersons : coarse, threads);
            rates.ExtraLabs = Scale(rates.ExtraLabs, points["medicalOutpatient"], baseline.Points[2], measured.Points[2]);
            rates.InpatientItemsPerDay = Scale(rates.InpatientItemsPerDay, inpatientTarget, baseline.Points[1], measured.Points[1]);
            for (var g = 0; g < spending.AgeGroups.Length; g++)
            {
                // Episodes fill only part of a group's prescriptions, so the rate moves further than the gap.
                rates.Prescribing[g] = Stepped(rates.Prescribing[g], calibration.Prescriptions.PerPersonYear[g], measured.Prescriptions[g],
                    PrescribingStep, 0.02, 2);
                // The share of receipts past five drugs moves faster than their mean, so the rate moves less far than the gap.
                rates.CoPrescriptions[g] = Stepped(rates.CoPrescriptions[g], calibration.Polypharmacy.FiveOrMore[g], measured.FiveOrMore[g],
                    CoPrescribingStep, 0.02, 20);
                // Co-prescriptions carry part of a group's oral drug cost, and a lean reaches only part of theirs. A
                // few receipts' cost is too heavy-tailed to aim at (one child on a 27,000 yen-a-day drug), so a small
                // pilot's group keeps the draw as clinical.json weighs it.
                if (measured.PharmacyReceipts[g] >= MinimumReceiptsToLean)
                    rates.CoPrescriptionLean[g] = Math.Clamp(rates.CoPrescriptionLean[g]
                        + LeanStep * Math.Log(calibration.OralDrugCost.YenPerPersonYear[g] / Math.Max(1, measured.OralYen[g])), -MaxLean, MaxLean);
            }
            rates.DentalItems = Scale(rates.DentalItems, points["dental"], baseline.Points[6], measured.Points[6]);
            for (var g = 0; g < spending.AgeGroups.Length && round < IntensityRounds - 1; g++)
            {
                // Care moves only part of a group's points (not visit fees, drugs or dental), so it moves further than the gap.
                rates.CareByAgeGroup[g] = Stepped(rates.CareByAgeGroup[g], spending.Shares[g], measured.Groups[g], CareStep, 0.05, 20);
            }
        }
        return rates;
    }

    /// <summary>A multiplier moved by the gap between target and measure raised to <paramref name="step"/>, within bounds.</summary>
    private static double Stepped(double rate, double target, double measured, double step, double min, double max) =>
        Math.Clamp(rate * Math.Pow(target / Math.Max(1e-9, measured), step), min, max);

    private static double Scale(double probe, double target, double without, double with) =>
        with > without ? Math.Clamp(probe * (target - without) / (with - without), 0, 50) : probe;

    /// <summary>
    /// Mean mortality multiplier by band and sex over a sample of persons drawn as the generation draws them: in
    /// fixed blocks summed in block order, so the sums, and the normaliser, are the same for any thread count.
    /// </summary>
    private static void SetMortalityNormaliser(GeneratorModel model, PersonFactory factory, FacilityDirectory facilities, PilotCalibration rates,
        ulong seed, int firstMonth, int threads)
    {
        const int sample = 40_000, block = 4096;
        var slots = rates.MortalityNormaliser.Length;
        var blocks = new (double[] Sum, double[] Count)[(sample + block - 1) / block];
        Parallel.For(0, blocks.Length, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new MonthSimulator(model, factory, facilities, rates, seed),
            (b, _, simulator) =>
            {
                var (sum, count) = (new double[slots], new double[slots]);
                for (var i = b * block; i < Math.Min(sample, (b + 1) * block); i++)
                {
                    // Indexes from the top of the range: never those of a generated person, so the sample is independent.
                    var person = factory.Create(int.MaxValue - i, int.MaxValue);
                    var slot = AgeBands.Of(person.AgeAt(firstMonth)) * 2 + person.Sex - 1;
                    sum[slot] += simulator.MortalityMultiplier(person, firstMonth);
                    count[slot]++;
                }
                blocks[b] = (sum, count);
                return simulator;
            },
            _ => { });
        var (sums, counts) = (new double[slots], new double[slots]);
        foreach (var (sum, count) in blocks)
            for (var slot = 0; slot < slots; slot++) (sums[slot], counts[slot]) = (sums[slot] + sum[slot], counts[slot] + count[slot]);
        for (var slot = 0; slot < slots; slot++)
            rates.MortalityNormaliser[slot] = counts[slot] >= 20 ? sums[slot] / counts[slot] : rates.MortalityNormaliser[Math.Max(0, slot - 2)];
    }

    /// <summary>
    /// Receipts per person-year by age band and claim kind group, mean points per receipt by claim kind (1 = inpatient
    /// and DPC), and by spending age group the share of all points, the prescriptions pharmacies filled per person-year,
    /// the share of pharmacy receipts with five or more distinct drugs, the yen of oral drugs pharmacies dispensed per
    /// person-year, and pharmacy receipts.
    /// </summary>
    private sealed record Volumes(double[] Outpatient, double[] Inpatient, double[] Dental, double[] Points, double[] Groups,
        double[] Prescriptions, double[] FiveOrMore, double[] OralYen, double[] PharmacyReceipts);

    private static Volumes Measure(GeneratorModel model, PersonFactory factory, FacilityDirectory facilities, PilotCalibration rates,
        ulong seed, int firstMonth, int persons, int threads)
    {
        const int chunk = 1024;
        var pool = new BatchPool(4096);
        var calibration = model.Calibration;
        var tallies = new Tally[(persons + chunk - 1) / chunk];
        // Chunks on every core asked for, each tallied apart and added up in chunk order: integer counts and points
        // add up exactly in doubles, so the rates are the same for any thread count.
        Parallel.For(0, tallies.Length, new ParallelOptions { MaxDegreeOfParallelism = threads },
            () => new ChunkGenerator(model, factory, facilities, rates, seed, firstMonth, Months, persons, pool),
            (c, _, generator) =>
            {
                var start = c * chunk;
                var output = generator.Generate(start, Math.Min(chunk, persons - start));
                tallies[c] = Tally.Of(output, calibration, firstMonth);
                foreach (var (_, sink) in output.Sinks())
                    foreach (var batch in sink.Batches) pool.Return(batch);
                return generator;
            },
            _ => { });
        var total = new Tally(calibration);
        foreach (var tally in tallies) total.Add(tally);
        return total.Volumes();
    }

    /// <summary>
    /// What a chunk of the pilot produced: receipts by age band and kind, points by kind and spending group, person-months
    /// by band, and by spending group prescriptions filled (a pharmacy receipt's days), pharmacy receipts and those with
    /// five or more distinct drugs, and the yen of oral drugs on pharmacy receipts.
    /// </summary>
    private sealed class Tally(Calibration calibration)
    {
        private readonly double[] _outpatient = new double[AgeBands.Count];
        private readonly double[] _inpatient = new double[AgeBands.Count];
        private readonly double[] _dental = new double[AgeBands.Count];
        private readonly double[] _personMonths = new double[AgeBands.Count];
        private readonly double[] _points = new double[7];
        private readonly double[] _claims = new double[7];
        private readonly double[] _groups = new double[calibration.Spending.AgeGroups.Length];
        private readonly double[] _groupSlips = new double[calibration.Spending.AgeGroups.Length];
        private readonly double[] _pharmacyReceipts = new double[calibration.Spending.AgeGroups.Length];
        private readonly double[] _fiveOrMore = new double[calibration.Spending.AgeGroups.Length];
        private readonly double[] _oralYen = new double[calibration.Spending.AgeGroups.Length];

        public static Tally Of(ChunkOutput output, Calibration calibration, int firstMonth)
        {
            var tally = new Tally(calibration);
            var spending = calibration.Spending;
            foreach (var person in output.Truth.Persons)
            {
                var first = MonthMath.FromYyyymm(person.FirstMonth);
                var death = person.DeathMonth is { } d ? MonthMath.FromYyyymm(d) : int.MaxValue;
                for (var month = Math.Max(first, firstMonth); month < firstMonth + Months && month <= death; month++)
                    tally._personMonths[AgeBands.Of((month - MonthMath.Of(person.Birth)) / 12)]++;
            }
            for (var month = 0; month < output.Receipts.Length; month++)
            {
                var pharmacy = new Dictionary<long, int>();
                foreach (var batch in output.Receipts[month].Batches)
                {
                    var kinds = batch.Values<sbyte>("claim_kind");
                    var ages = batch.Values<short>("age");
                    var totals = batch.Values<int>("total_points");
                    var days = batch.Values<short>("actual_days");
                    var ids = batch.Values<long>("receipt_id");
                    for (var r = 0; r < batch.Count; r++)
                    {
                        var band = AgeBands.Of(ages[r]);
                        var kind = kinds[r] == 3 ? 1 : kinds[r] == 5 ? 6 : kinds[r];
                        tally._points[kind] += totals[r];
                        tally._groups[spending.GroupOf(ages[r])] += totals[r];
                        tally._claims[kind]++;
                        switch (kind)
                        {
                            case 2: tally._outpatient[band]++; break;
                            case 1: tally._inpatient[band]++; break;
                            case 6: tally._dental[band]++; break;
                            case 4:
                                tally._groupSlips[spending.GroupOf(ages[r])] += days[r];
                                pharmacy[ids[r]] = spending.GroupOf(ages[r]);
                                break;
                        }
                    }
                }
                tally.CountDrugs(output.Drugs[month], pharmacy);
            }
            return tally;
        }

        /// <summary>
        /// Distinct drugs (by code) on each of a month's pharmacy receipts, tallied by the receipt's group, and the yen of
        /// their oral lines (内服, 診療識別 21: a day's points times the days).
        /// </summary>
        private void CountDrugs(ItemSink drugs, Dictionary<long, int> pharmacy)
        {
            var lines = new HashSet<(long Receipt, string Code)>();
            var counts = new Dictionary<long, int>();
            foreach (var batch in drugs.Batches)
            {
                var ids = batch.Values<long>("receipt_id");
                var codes = batch.Strings("code");
                var shikibetsu = batch.Values<sbyte>("shinryo_shikibetsu");
                var points = batch.Values<int>("points");
                var times = batch.Values<short>("times");
                for (var r = 0; r < batch.Count; r++)
                {
                    if (!pharmacy.TryGetValue(ids[r], out var group)) continue;
                    if (shikibetsu[r] == 21) _oralYen[group] += points[r] * 10.0 * times[r];
                    if (lines.Add((ids[r], codes[r]!))) counts[ids[r]] = counts.GetValueOrDefault(ids[r]) + 1;
                }
            }
            foreach (var (receipt, group) in pharmacy)
            {
                _pharmacyReceipts[group]++;
                if (counts.GetValueOrDefault(receipt) >= 5) _fiveOrMore[group]++;
            }
        }

        public void Add(Tally other)
        {
            foreach (var (mine, theirs) in new[] { (_outpatient, other._outpatient), (_inpatient, other._inpatient), (_dental, other._dental),
                         (_personMonths, other._personMonths), (_points, other._points), (_claims, other._claims), (_groups, other._groups),
                         (_groupSlips, other._groupSlips), (_pharmacyReceipts, other._pharmacyReceipts), (_fiveOrMore, other._fiveOrMore), (_oralYen, other._oralYen) })
                for (var i = 0; i < mine.Length; i++) mine[i] += theirs[i];
        }

        public Volumes Volumes()
        {
            var (outpatient, inpatient, dental) = (new double[AgeBands.Count], new double[AgeBands.Count], new double[AgeBands.Count]);
            for (var b = 0; b < AgeBands.Count; b++)
            {
                var years = Math.Max(1, _personMonths[b]) / 12;
                (outpatient[b], inpatient[b], dental[b]) = (_outpatient[b] / years, _inpatient[b] / years, _dental[b] / years);
            }
            var all = Math.Max(1, _groups.Sum());
            return new Volumes(outpatient, inpatient, dental, _points.Select((p, k) => p / Math.Max(1, _claims[k])).ToArray(),
                _groups.Select(g => g / all).ToArray(), _groupSlips.Select((n, g) => n / Math.Max(1, GroupPersonMonths(g)) * 12).ToArray(),
                _fiveOrMore.Select((n, g) => n / Math.Max(1, _pharmacyReceipts[g])).ToArray(),
                _oralYen.Select((yen, g) => yen / Math.Max(1, GroupPersonMonths(g)) * 12).ToArray(), _pharmacyReceipts);
        }

        /// <summary>Person-months in a spending age group: its groups are whole 5-year bands.</summary>
        private double GroupPersonMonths(int group)
        {
            var bounds = calibration.Spending.AgeGroups;
            var (from, to) = (AgeBands.Of(bounds[group]), group + 1 < bounds.Length ? AgeBands.Of(bounds[group + 1]) : AgeBands.Count);
            return _personMonths.Skip(from).Take(to - from).Sum();
        }
    }
}
