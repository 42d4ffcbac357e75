using System.Text;

namespace Claims.Import.Tests;

/// <summary>
/// Small UKE files written from the 医科 record layouts (docs/uke-import.md), field by field, as CP932 with CRLF:
/// fixtures for what the sample file does not show (the 和暦 layout, public-payer-only receipts, broken files).
/// </summary>
internal static class UkeText
{
    public static readonly Encoding Cp932 = CreateCp932();

    private static Encoding CreateCp932()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(932);
    }

    public static string Re(int number, string type, string month, string name, int sex, string birth, string kana)
    {
        var fields = new string[38];
        Array.Fill(fields, "");
        fields[0] = "RE";
        fields[1] = number.ToString();
        fields[2] = type;
        fields[3] = month;
        fields[4] = name;
        fields[5] = sex.ToString();
        fields[6] = birth;
        fields[13] = $"{number:D5}";
        fields[36] = kana;
        return string.Join(",", fields);
    }

    /// <summary>An SI or IY line: points blank when null, the times spread over the given days.</summary>
    public static string Item(string type, string shikibetsu, string code, int? points, int times, params int[] days)
    {
        var fields = new string[44];
        Array.Fill(fields, "");
        fields[0] = type;
        fields[1] = shikibetsu;
        fields[2] = "1";
        fields[3] = code;
        fields[4] = type == "IY" ? "1" : "";
        fields[5] = points?.ToString() ?? "";
        fields[6] = times.ToString();
        foreach (var day in days) fields[12 + day] = ((fields[12 + day].Length == 0 ? 0 : int.Parse(fields[12 + day])) + 1).ToString();
        return string.Join(",", fields);
    }

    /// <summary>A valid file of two receipts: an insured outpatient (HO 196 points) and a public-payer-only one (KO 288).</summary>
    public static string[] Valid() =>
    [
        "IR,1,13,1,1234567,,テスト医院,202404,00,0312345678",
        Re(1, "1112", "202403", "山田　太郎", 1, "19800505", "ヤマダ　タロウ"),
        "HO,06130012,１２３,４５６,2,196,,,,,,,,,",
        "SY,8833421,20240301,1,,,01,",
        "SY,0000999,20240301,1,8002,めまい,,",
        Item("SI", "12", "112007410", 73, 2, 4, 18),
        Item("IY", "21", "620098801", 10, 2, 4, 18),
        Item("SI", "60", "160008010", null, 1, 4),
        Item("SI", "", "160000310", 30, 1, 4),
        Re(2, "1212", "202403", "佐藤　花子", 2, "20210127", "サトウ　ハナコ"),
        "KO,12143210,0000000,,1,288,0,,,,,",
        "SY,2500013,20240302,1,,,01,",
        Item("SI", "11", "111000110", 288, 1, 2),
        "GO,2,484,99",
    ];

    public static string Write(string directory, string name, IEnumerable<string> lines, string newline = "\r\n", bool endOfFileByte = false)
    {
        var path = Path.Combine(directory, name);
        var bytes = Cp932.GetBytes(string.Concat(lines.Select(l => l + newline)));
        File.WriteAllBytes(path, endOfFileByte ? [.. bytes, 0x1A] : bytes);
        return path;
    }

    /// <summary><paramref name="lines"/> with the line starting <paramref name="prefix"/> replaced.</summary>
    public static string[] Replace(string[] lines, string prefix, string replacement) =>
        lines.Select(l => l.StartsWith(prefix, StringComparison.Ordinal) ? replacement : l).ToArray();
}
