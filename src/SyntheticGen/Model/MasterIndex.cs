using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Claims.Engine.Schema;

namespace Claims.SyntheticGen.Model;

/// <summary>Points, prices and ICD-10 of the codes the generator bills, looked up in the code masters.</summary>
public sealed partial class MasterIndex
{
    private readonly Dictionary<string, (int Points, int Shikibetsu)> _procedures;
    private readonly Dictionary<string, (double Price, string Yj, int DrugClass)> _drugs;
    private readonly ILookup<string, (string Code, bool Generic)> _interchangeable;
    private readonly Dictionary<string, double> _strengths;
    private readonly Dictionary<string, string> _powders;
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
        _strengths = drugs.Where(r => r["dosage_form"] == "1")
            .Select(r => (r["code"], Strength: StrengthOf(r["name"]))).Where(p => p.Strength > 0).ToDictionary(p => p.Item1, p => p.Strength);
        // By ingredient (the YJ code's first seven characters), its first powder, granules or (dry) syrup in YJ order
        // whose strength is known: the form a young child is given.
        _powders = drugs.Where(r => r["yj_code"].Length >= 9 && PowderForms.Contains(r["yj_code"][7]) && _strengths.ContainsKey(r["code"]))
            .OrderBy(r => r["yj_code"], StringComparer.Ordinal).ThenBy(r => r["code"], StringComparer.Ordinal)
            .GroupBy(r => r["yj_code"][..7]).ToDictionary(g => g.Key, g => g.First()["code"]);
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

    /// <summary>Milligrams of the ingredient in one unit of an oral product (a tablet, a gram, a mL, a sachet), or null when its name does not say.</summary>
    public double? Strength(string code) => _strengths.TryGetValue(code, out var mg) ? mg : null;

    /// <summary>The powder, granules or syrup of <paramref name="yj"/>'s ingredient a young child is given, or null when the price list has none.</summary>
    public string? Powder(string yj) => yj.Length >= 7 && _powders.TryGetValue(yj[..7], out var code) ? code : null;

    /// <summary>
    /// Whether an oral YJ code is a form children are given as it is: its eighth character 散 B, 細粒 C, 顆粒 D and E,
    /// シロップ Q, ドライシロップ R, or another liquid S. Only the first six are chosen for a child, since S also holds
    /// enteral nutrition.
    /// </summary>
    public static bool IsChildForm(string yj) => yj.Length >= 8 && (PowderForms.Contains(yj[7]) || yj[7] == 'S');

    private const string PowderForms = "BCDEQR";

    /// <summary>
    /// Milligrams of the ingredient in one unit of a product, read from its name (NFKC); 0 when the name does not say
    /// it unambiguously. After suspension (懸濁後) the amount before that word is per mL. A percentage is milligrams per
    /// gram or mL (10% is 100 mg/g), times the grams of a unit when the name gives them (70%分包20g, 2.5% 0.4g). A
    /// liquid's or dry syrup's name without either gives the bottle's amount, not the unit's, so it says nothing.
    /// Else the first amount in mg, μg or g. Combinations (配合, or ingredients joined by ・) hold several.
    /// </summary>
    public static double StrengthOf(string name)
    {
        var text = name.Normalize(NormalizationForm.FormKC);
        if (text.Contains("配合") || text.Contains('・')) return 0;
        if (Suspended().Match(text) is { Success: true } suspended) return Milligrams(suspended);
        if (Percent().Match(text) is { Success: true } percent)
        {
            var perGram = Number(percent.Groups[1].Value) * 10;
            return UnitGrams().Match(text, percent.Index + percent.Length) is { Success: true } grams ? perGram * Number(grams.Groups[1].Value) : perGram;
        }
        if (text.Contains("シロップ") || text.Contains("DS") || text.Contains("液")) return 0;
        return Amount().Match(text) is { Success: true } amount ? Milligrams(amount) : 0;
    }

    private static double Milligrams(Match amount) =>
        amount.Groups[2].Value switch { "g" => 1000, "mg" => 1, _ => 0.001 } * Number(amount.Groups[1].Value);

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(mg|μg|g)懸濁後")]
    private static partial Regex Suspended();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)%")]
    private static partial Regex Percent();

    // Grams of a unit after a percentage: digits right before a g that is not part of mg or μg.
    [GeneratedRegex(@"(\d+(?:\.\d+)?)g")]
    private static partial Regex UnitGrams();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(mg|μg|g)")]
    private static partial Regex Amount();

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
