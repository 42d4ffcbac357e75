namespace Claims.Import.Mapping;

/// <summary>
/// enum:insurer_kind from an insurer number. Eight-digit numbers start with the 法別番号: 01 協会けんぽ, 02 船員保険,
/// 06 and 63 健保組合 (63 its retirees), 31–34 共済組合, 39 後期高齢者医療. Six-digit numbers are 国民健康保険: a 3 as
/// the third digit marks a 国保組合, anything else a municipality. Other 法別番号 (e.g. 07 自衛官) stay blank.
/// </summary>
internal static class InsurerKinds
{
    public static sbyte? Of(string insurerNumber)
    {
        if (insurerNumber.AsSpan().ContainsAnyExceptInRange('0', '9')) return null;
        return insurerNumber.Length switch
        {
            6 => insurerNumber[2] == '3' ? (sbyte)5 : (sbyte)4,
            8 => insurerNumber[..2] switch
            {
                "01" => 1,
                "02" => 7,
                "06" or "63" => 2,
                "31" or "32" or "33" or "34" => 3,
                "39" => 6,
                _ => null,
            },
            _ => null,
        };
    }
}
