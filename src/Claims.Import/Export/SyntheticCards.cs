using System.Globalization;

namespace Claims.Import.Export;

/// <summary>
/// Names and insurance cards made up for export, since the store holds only hashes: one per patient, so the
/// exported files link back into the same patients, and an insurer number whose 法別番号 gives back the receipt's
/// insurer kind. The names say they are made up (合成, ゴウセイ).
/// </summary>
internal static class SyntheticCards
{
    public static string Name(long patient) => $"合成　{patient.ToString(CultureInfo.InvariantCulture)}";

    public static string Kana(long patient) => $"ゴウセイ　{patient.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>An insurer number of the kind (see Mapping/InsurerKinds): 法別番号 and prefecture, then a serial.</summary>
    public static string Insurer(sbyte kind, int prefecture) => kind switch
    {
        1 => $"01{prefecture:D2}0001",
        2 => $"06{prefecture:D2}0001",
        3 => $"31{prefecture:D2}0001",
        4 => $"{prefecture:D2}0001",
        5 => $"{prefecture:D2}3001",
        6 => $"39{prefecture:D2}0001",
        _ => $"02{prefecture:D2}0001",
    };

    /// <summary>A public payer (公費) number for receipts with no insurer: 法別 12 (生活保護), the prefecture, a serial.</summary>
    public static string PublicPayer(int prefecture) => $"12{prefecture:D2}0001";
}
