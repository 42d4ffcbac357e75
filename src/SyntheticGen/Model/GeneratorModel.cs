using Claims.Engine.Schema;

namespace Claims.SyntheticGen.Model;

/// <summary>Everything the generator reads from data-schemas: the schema, the masters, the clinical model and the calibration.</summary>
public sealed class GeneratorModel
{
    private GeneratorModel(ClaimsSchema schema, MasterIndex masters, ClinicalModel clinical, Calibration calibration)
    {
        Schema = schema;
        Masters = masters;
        Clinical = clinical;
        Calibration = calibration;
        var missing = clinical.Conditions.Select(c => c.Id).Where(id => !calibration.Prevalence.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"calibration.json has no prevalence for {string.Join(", ", missing)}");
        var unknown = calibration.Duplicates.SecondClinicEpisodes.Where(id => clinical.Acute.All(a => a.Id != id)).ToArray();
        if (unknown.Length > 0)
            throw new InvalidDataException(
                $"calibration.json prescribing.duplicates.secondClinic names episodes clinical.json's acute list lacks: {string.Join(", ", unknown)}");
        PrefectureShares = schema.Enum("prefecture").Values.OrderBy(v => v.Code)
            .Select(v => (double)v.Attributes["population_2023"].GetInt64()).ToArray();
        var total = PrefectureShares.Sum();
        for (var i = 0; i < PrefectureShares.Length; i++) PrefectureShares[i] /= total;
    }

    public ClaimsSchema Schema { get; }
    public MasterIndex Masters { get; }
    public ClinicalModel Clinical { get; }
    public Calibration Calibration { get; }

    /// <summary>Each prefecture's share of the population (index 0 = JIS code 1).</summary>
    public double[] PrefectureShares { get; }

    public static GeneratorModel Load(ClaimsSchema? schema = null)
    {
        schema ??= ClaimsSchema.Default;
        var masters = new MasterIndex(schema);
        return new GeneratorModel(schema, masters, ClinicalModel.Load(schema, masters), Calibration.Load(schema));
    }
}
