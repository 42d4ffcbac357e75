using System.Globalization;
using Claims.Engine.Schema;

namespace Claims.SyntheticGen.Model;

/// <summary>Points, prices and ICD-10 of the codes the generator bills, looked up in the code masters.</summary>
public sealed class MasterIndex
{
    private readonly Dictionary<string, (int Points, int Shikibetsu)> _procedures;
    private readonly Dictionary<string, (double Price, string Yj, int DrugClass)> _drugs;
    private readonly ILookup<string, (string Code, bool Generic)> _interchangeable;
    private readonly Dictionary<string, double> _devices;
    private readonly Dictionary<string, string> _diseaseIcd10;

    public MasterIndex(ClaimsSchema schema)
    {
        _procedures = Rows(schema, "procedures").ToDictionary(r => r["code"],
            r => ((int)Math.Round(Number(r["points"])), int.TryParse(r["shinryo_shikibetsu"], out var s) ? s : 80));
        var drugs = Rows(schema, "drugs").ToArray();
        _drugs = drugs.ToDictionary(r => r["code"],
            r => (Number(r["price"]), r["yj_code"], int.TryParse(r["drug_class"], out var c) ? c : 0));
        // Products of one ingredient, dosage form and strength (the YJ code's first nine characters) stand in for
        // each other at the pharmacy.
        _interchangeable = drugs.Where(r => r["yj_code"].Length >= 9)
            .ToLookup(r => r["yj_code"][..9], r => (r["code"], r["generic"] == "1"));
        _devices = Rows(schema, "devices").ToDictionary(r => r["code"], r => Number(r["price"]));
        _diseaseIcd10 = Rows(schema, "diseases").ToDictionary(r => r["code"], r => r["icd10"]);
    }

    /// <summary>
    /// Registers a fee item whose master is not bundled (clinical.json syntheticFees); its code must come from the
    /// reserved range, never shadow a real one.
    /// </summary>
    public void AddSyntheticFee(string code, int points, int shikibetsu)
    {
        if (!_procedures.TryAdd(code, (points, shikibetsu)))
            throw new InvalidDataException($"clinical.json: synthetic fee {code} collides with a code of the procedure master");
    }

    public (int Points, int Shikibetsu) Procedure(string code) =>
        _procedures.TryGetValue(code, out var p) ? p : throw Unknown("procedure", code);

    public (double Price, string Yj, int DrugClass) Drug(string code) =>
        _drugs.TryGetValue(code, out var d) ? d : throw Unknown("drug", code);

    /// <summary>
    /// Whether each product that has a choice is the generic (true) or a brand that has a generic (false): the
    /// denominator of the generic share by quantity. Products without a choice are absent.
    /// </summary>
    public IReadOnlyDictionary<string, bool> GenericChoices => _genericChoices ??= _interchangeable
        .Where(g => g.Any(p => p.Generic) && g.Any(p => !p.Generic)).SelectMany(g => g).ToDictionary(p => p.Code, p => p.Generic);

    private Dictionary<string, bool>? _genericChoices;

    /// <summary>The brands and generics that can be dispensed for <paramref name="yj"/>'s product, in master order.</summary>
    public (string[] Brands, string[] Generics) Interchangeable(string yj)
    {
        var products = yj.Length >= 9 ? _interchangeable[yj[..9]].ToArray() : [];
        return (products.Where(p => !p.Generic).Select(p => p.Code).ToArray(), products.Where(p => p.Generic).Select(p => p.Code).ToArray());
    }

    public double DevicePrice(string code) => _devices.TryGetValue(code, out var p) ? p : throw Unknown("device", code);

    public string DiseaseIcd10(string code) => _diseaseIcd10.TryGetValue(code, out var i) ? i : throw Unknown("disease", code);

    private static InvalidDataException Unknown(string kind, string code) =>
        new($"clinical.json names {kind} code {code}, which the {kind} master lacks");

    private static IEnumerable<Dictionary<string, string>> Rows(ClaimsSchema schema, string master)
    {
        var table = schema.Master(master).Table;
        return table.Rows.Select(row => table.Columns.Select((c, i) => (c, row[i])).ToDictionary(x => x.c, x => x.Item2));
    }

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
