// build-masters.cs: derives the project's code masters (data-schemas/masters/*.csv + masters.json)
// from the basic masters (基本マスター) of the Social Insurance Medical Fee Payment Fund
// (社会保険診療報酬支払基金). The source zips and their layout are described in
// /work/shared/reference/README.md. Each zip holds one Shift_JIS (CP932) CSV, CRLF, every field
// quoted, no header row. Column numbers in this file are 0-based, as in that README.
//
// Run from the repository root (no NuGet packages needed):
//   dotnet run tools/build-masters.cs -- [reference-masters-dir] [out-dir]
// Defaults: ../shared/reference/masters and data-schemas/masters, both relative to the repo root.
//
// Every row of every master is kept; only the columns we use are written. Output is deterministic
// (same zips, same bytes): rows sorted by code (ordinal), invariant culture, UTF-8 without BOM,
// LF line endings, RFC 4180 quoting only where a field needs it.
//
// Validity columns (valid_from / valid_to, ISO dates, valid_to inclusive, empty = open-ended):
//   diseases   from col 21 収載年月日 (listing date), else col 22 変更年月日 (change date); to col 23 廃止年月日.
//              Both dates are blank on ~5,700 old codes (listed before the master recorded dates), so
//              valid_from is empty there.
//   procedures from col 86 変更年月日 (this master has no listing date); to col 87 廃止年月日.
//   drugs      from col 35 薬価基準収載年月日 (only filled for recent listings, "0" otherwise), else col 29
//              変更年月日; to the earlier of col 30 廃止年月日 and col 33 経過措置年月日 (transitional
//              deadline: the last day the drug may be billed).
//   devices    from col 27 変更年月日 (no listing date); to the earlier of col 29 廃止年月日 and col 28
//              経過措置年月日 ("00000000" when none).
// 99999999 (still valid), 00000000, 0 and blanks all mean "no date". Note that a change date is when the
// current version of the record took effect (the fee revision), not when the code first appeared.
//
// Procedure section (区分): col 84 is the fee-schedule letter (A–O; "-" or "*" for items outside the
// lettered schedule), cols 89/90 章/部, col 91 the 3-digit 区分番号, col 92 its 枝番. We write
// letter + 区分番号 (+ "-枝番" when not 00), e.g. A000, B001-2, K695-2; empty for the letterless items.

// The repo root turns on central package management; this script references no packages, so it
// builds either way, but opting out keeps it independent of Directory.Packages.props.
#:property ManagePackageVersionsCentrally=false

using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
var inv = CultureInfo.InvariantCulture;
var repoRoot = Path.GetFullPath(Path.Combine(ScriptDirectory(), ".."));
var refDir = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine(repoRoot, "..", "shared", "reference", "masters"));
var outDir = Path.GetFullPath(args.Length > 1 ? args[1] : Path.Combine(repoRoot, "data-schemas", "masters"));
Directory.CreateDirectory(outDir);

const string Fund = "社会保険診療報酬支払基金 基本マスター";
Col ValidFrom(string src, Func<string[], string> get) => new("valid_from", "date", "有効開始日（収載年月日、なければ変更年月日）",
    "Start of validity (listing date, else the date the current record version took effect); empty when the master gives none", src, get);
Col ValidTo(string src, Func<string[], string> get) => new("valid_to", "date", "有効終了日（この日まで有効。廃止・経過措置期限）",
    "Last valid day (abolition or transitional deadline); empty while still valid", src, get);

Master[] masters =
[
    new("diseases", "b_*.zip", "傷病名マスター", 46, 7, "",
    [
        new("code", "string", "傷病名コード（7桁、先頭ゼロを保持）", "Disease name code (7 digits, leading zeros kept)", "2", r => r[2]),
        new("name", "string", "傷病名（基本名称）", "Disease name (base name)", "5", r => r[5]),
        new("icd10", "string", "ICD-10コード（2013年版、ドットなし。未コード化傷病名など一部は空）", "ICD-10 code (2013 edition field, no dot, e.g. E119); empty on a few rows such as the uncoded-name code", "15", r => r[15]),
        new("icd10_2", "string", "第2ICD-10コード（なければ空）", "Second ICD-10 code; empty when none", "16", r => r[16]),
        ValidFrom("21 (収載年月日), else 22 (変更年月日)", r => FirstDate(r[21], r[22])),
        ValidTo("23 (廃止年月日)", r => EarliestDate(r[23])),
    ]),
    new("procedures", "s_*.zip", "診療行為マスター", 150, 9, "1",
    [
        new("code", "string", "診療行為コード（9桁、1始まり）", "Procedure code (9 digits, starts with 1)", "2", r => r[2]),
        new("name", "string", "省略名称（空なら基本名称）", "Abbreviated name (full name when the abbreviation is empty)", "4, else 112", r => r[4] != "" ? r[4] : r[112]),
        new("points", "decimal", "新又は現点数（点数識別に従う: 点数、金額（円）または%）", "Points, or yen / percent depending on point_type", "11", r => Dec(r[11])),
        new("point_type", "integer", "点数識別（1 金額, 2 都道府県購入価格, 3 点数(+), 4 購入価格(点数), 5 %加算, 6 %減算, 7 減点小数点以下切捨て, 8 点数(−)）",
            "Point type: 1 yen amount, 2 prefectural purchase price, 3 points (+), 4 purchase price (points), 5 % surcharge, 6 % reduction, 7 reduction rounded down, 8 points (−)", "10", r => r[10]),
        new("shinryo_shikibetsu", "string", "診療識別（区分の章・番号から導出）", "Claim category (診療識別, 2 digits) derived from the section", "84, 89, 91", Shikibetsu),
        new("section", "string", "点数表の区分番号（例 A000, B001-2, K695-2。点数表外の項目は空）", "Fee-schedule section (e.g. A000, B001-2, K695-2); empty for items outside the lettered schedule", "84, 91, 92", Section),
        ValidFrom("86 (変更年月日)", r => FirstDate(r[86])),
        ValidTo("87 (廃止年月日)", r => EarliestDate(r[87])),
    ]),
    new("drugs", "y_*.zip", "医薬品マスター", 40, 9, "6",
    [
        new("code", "string", "医薬品コード（9桁、6始まり）", "Drug claim code (9 digits, starts with 6)", "2", r => r[2]),
        new("name", "string", "医薬品名（漢字名称）", "Drug name", "4", r => r[4]),
        new("yj_code", "string", "薬価基準収載医薬品コード（YJコード、12桁。調整用コードでは空）", "YJ code (12 characters); empty for the few price-adjustment codes", "31", r => r[31]),
        new("drug_class", "string", "薬効分類（YJコード先頭3桁）", "Therapeutic class (first 3 digits of the YJ code)", "31", r => r[31].Length >= 3 ? r[31][..3] : ""),
        new("price", "decimal", "薬価（円、単位あたり）", "Price in yen per unit", "11", r => Dec(r[11])),
        new("generic", "integer", "後発医薬品（1 後発品, 0 それ以外）", "1 = generic (後発医薬品), 0 = not", "16", r => r[16] is "0" or "1" ? r[16] : throw new InvalidDataException($"generic flag {r[16]}")),
        new("dosage_form", "integer", "剤形（1 内用薬, 3 その他, 4 注射薬, 6 外用薬, 8 歯科用薬剤）", "Dosage form: 1 oral, 3 other, 4 injection, 6 external, 8 dental", "27", r => r[27]),
        ValidFrom("35 (薬価基準収載年月日), else 29 (変更年月日)", r => FirstDate(r[35], r[29])),
        ValidTo("earlier of 30 (廃止年月日) and 33 (経過措置年月日)", r => EarliestDate(r[30], r[33])),
    ]),
    new("devices", "t_*.zip", "特定器材マスター", 38, 9, "7",
    [
        new("code", "string", "特定器材コード（9桁、7始まり）", "Device code (9 digits, starts with 7)", "2", r => r[2]),
        new("name", "string", "特定器材名", "Device name", "4", r => r[4]),
        new("price", "decimal", "新又は現金額（円。一部は%加算など）", "Price in yen (a few rows are percentages or purchase-price placeholders)", "11", r => Dec(r[11])),
        ValidFrom("27 (変更年月日)", r => FirstDate(r[27])),
        ValidTo("earlier of 29 (廃止年月日) and 28 (経過措置年月日)", r => EarliestDate(r[29], r[28])),
    ]),
];

var metaOpts = new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
using var metaStream = new MemoryStream();
using (var json = new Utf8JsonWriter(metaStream, metaOpts))
{
    json.WriteStartObject();
    json.WriteString("generator", "dotnet run tools/build-masters.cs");
    json.WriteString("publisher", "社会保険診療報酬支払基金 (Social Insurance Medical Fee Payment Fund), 基本マスター");
    json.WriteStartArray("masters");
    foreach (var m in masters)
    {
        var zips = Directory.GetFiles(refDir, m.ZipPattern);
        if (zips.Length != 1) throw new InvalidDataException($"expected one {m.ZipPattern} in {refDir}, found {zips.Length}");
        var rows = ReadZip(zips[0], m.Width);

        // Fail loudly if the layout moved: code shape and uniqueness are the cheapest tripwires.
        foreach (var r in rows)
            if (r[2].Length != m.CodeLength || !r[2].All(char.IsAsciiDigit) || !r[2].StartsWith(m.CodePrefix, StringComparison.Ordinal))
                throw new InvalidDataException($"{m.Name}: bad code '{r[2]}'");
        rows.Sort((a, b) => string.CompareOrdinal(a[2], b[2]));
        for (int i = 1; i < rows.Count; i++)
            if (rows[i][2] == rows[i - 1][2]) throw new InvalidDataException($"{m.Name}: duplicate code {rows[i][2]}");

        var csv = new StringBuilder();
        csv.Append(string.Join(',', m.Cols.Select(c => c.Name))).Append('\n');
        foreach (var r in rows)
            csv.Append(string.Join(',', m.Cols.Select(c => Quote(c.Get(r))))).Append('\n');
        var file = m.Name + ".csv";
        var bytes = new UTF8Encoding(false).GetBytes(csv.ToString());
        if (bytes.Length > 4 << 20) throw new InvalidDataException($"{file} is {bytes.Length} bytes, over the 4 MiB budget");
        File.WriteAllBytes(Path.Combine(outDir, file), bytes);
        Console.WriteLine($"{file,-16} {rows.Count,6} rows {bytes.Length,9:N0} bytes  <- {Path.GetFileName(zips[0])}");

        json.WriteStartObject();
        json.WriteString("name", m.Name);
        json.WriteString("file", file);
        json.WriteString("source", $"{Fund} {m.Title} {Path.GetFileName(zips[0])}");
        json.WriteString("sourceSha256", Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(zips[0]))));
        json.WriteString("keyColumn", "code");
        json.WriteNumber("rows", rows.Count);
        json.WriteStartArray("columns");
        foreach (var c in m.Cols)
        {
            json.WriteStartObject();
            json.WriteString("name", c.Name);
            json.WriteString("type", c.Type);
            json.WriteString("sourceColumns", c.Src);
            json.WriteStartObject("description");
            json.WriteString("ja", c.Ja);
            json.WriteString("en", c.En);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
    json.WriteEndArray();
    json.WriteEndObject();
}
File.WriteAllBytes(Path.Combine(outDir, "masters.json"), [.. metaStream.ToArray(), (byte)'\n']);
File.WriteAllText(Path.Combine(outDir, "masters.schema.json"), Schema.ReplaceLineEndings("\n"), new UTF8Encoding(false));
Console.WriteLine($"wrote masters.json and masters.schema.json to {outDir}");

// ---- helpers ----

// The script's own directory, so the defaults work whatever the current directory is.
static string ScriptDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

// Reads the single CSV inside a zip: CP932, one record per line, every field quoted.
static List<string[]> ReadZip(string zipPath, int width)
{
    using var zip = ZipFile.OpenRead(zipPath);
    if (zip.Entries.Count != 1) throw new InvalidDataException($"{zipPath}: expected one entry");
    using var reader = new StreamReader(zip.Entries[0].Open(), Encoding.GetEncoding(932));
    var rows = new List<string[]>();
    for (string? line; (line = reader.ReadLine()) != null;)
    {
        if (line.Length == 0) continue;
        var fields = SplitQuoted(line);
        if (fields.Length != width) throw new InvalidDataException($"{zipPath}: {fields.Length} fields, expected {width}");
        rows.Add(fields);
    }
    return rows;
}

// Minimal RFC 4180 field splitter for one line (the masters never break a field across lines).
static string[] SplitQuoted(string line)
{
    var fields = new List<string>();
    var sb = new StringBuilder();
    bool quoted = false;
    for (int i = 0; i < line.Length; i++)
    {
        char c = line[i];
        if (quoted)
        {
            if (c != '"') sb.Append(c);
            else if (i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
            else quoted = false;
        }
        else if (c == '"') quoted = true;
        else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
        else sb.Append(c);
    }
    fields.Add(sb.ToString());
    return [.. fields];
}

static string Quote(string f) =>
    f.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + f.Replace("\"", "\"\"") + "\"" : f;

// "291.00" -> "291", "16.50" -> "16.5": same value, invariant culture, no trailing zeros.
static string Dec(string v) =>
    decimal.Parse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture).ToString("0.##########", CultureInfo.InvariantCulture);

// YYYYMMDD -> YYYY-MM-DD; the masters' "no date" markers (blank, 0, 00000000, 99999999) -> "".
static string IsoDate(string v) => v is "" or "0" or "00000000" or "99999999"
    ? ""
    : DateOnly.ParseExact(v, "yyyyMMdd", CultureInfo.InvariantCulture).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

static string FirstDate(params string[] vs) => vs.Select(IsoDate).FirstOrDefault(d => d != "") ?? "";

// ISO dates sort as strings, so the ordinal minimum is the earliest date.
static string EarliestDate(params string[] vs) => vs.Select(IsoDate).Where(d => d != "").Order(StringComparer.Ordinal).FirstOrDefault() ?? "";

static string Section(string[] r) =>
    r[84].Length == 1 && char.IsAsciiLetterUpper(r[84][0])
        ? r[84] + r[91] + (r[92] == "00" ? "" : "-" + int.Parse(r[92], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture))
        : "";

// 診療識別 from the fee-schedule letter (col 84) and 区分番号 (col 91), as the claim file records them:
//   A000 初診 → 11; A001 再診料 / A002 外来診療料 → 12; other A (入院料等) → 90;
//   B 医学管理 → 13; C 在宅 → 14; D 検査 → 60; E 画像 → 70; F 投薬 → 21; G 注射 → 31;
//   J 処置 → 40; K 手術 → 50; L 麻酔 → 54; N 病理 → 60;
//   章 8 (col 89; 197xxxxxx 入院時食事療養・生活療養, no letter) → 97 食事;
//   everything else → 80 その他 (H リハビリ, I 精神, M 放射線, O 処遇改善・ベースアップ評価料, and the
//   letterless 章 3 介護老人保健施設, 章 6 医療観察, 章 9 治験・公害 包括点数 items).
// Simplifications: on real claims 投薬 splits into 21–27 (and F400 処方箋料 is 80) and 注射 into 31–33;
// the section alone cannot tell them apart, so each part gets one representative class.
static string Shikibetsu(string[] r) => (r[84], r[91]) switch
{
    ("A", "000") => "11",
    ("A", "001" or "002") => "12",
    ("A", _) => "90",
    ("B", _) => "13",
    ("C", _) => "14",
    ("D", _) => "60",
    ("E", _) => "70",
    ("F", _) => "21",
    ("G", _) => "31",
    ("J", _) => "40",
    ("K", _) => "50",
    ("L", _) => "54",
    ("N", _) => "60",
    _ when r[89] == "8" => "97",
    _ => "80",
};

// One output column: its name, masters.json type, descriptions, the source column(s), and how to get it.
record Col(string Name, string Type, string Ja, string En, string Src, Func<string[], string> Get);

// One master: output name, source zip pattern, Japanese title, expected field count, code length and prefix.
record Master(string Name, string ZipPattern, string Title, int Width, int CodeLength, string CodePrefix, Col[] Cols);

partial class Program
{
    const string Schema = """
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "masters.schema.json",
          "title": "Claims code masters",
          "description": "Describes the code master CSVs in data-schemas/masters, written by tools/build-masters.cs.",
          "type": "object",
          "required": ["generator", "publisher", "masters"],
          "additionalProperties": false,
          "properties": {
            "generator": { "type": "string", "minLength": 1 },
            "publisher": { "type": "string", "minLength": 1 },
            "masters": {
              "type": "array",
              "minItems": 1,
              "items": { "$ref": "#/$defs/master" }
            }
          },
          "$defs": {
            "master": {
              "type": "object",
              "required": ["name", "file", "source", "sourceSha256", "keyColumn", "rows", "columns"],
              "additionalProperties": false,
              "properties": {
                "name": { "type": "string", "pattern": "^[a-z][a-z0-9_]*$" },
                "file": { "type": "string", "pattern": "^[a-z][a-z0-9_]*\\.csv$" },
                "source": { "type": "string", "minLength": 1 },
                "sourceSha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" },
                "keyColumn": { "type": "string", "minLength": 1 },
                "rows": { "type": "integer", "minimum": 0 },
                "columns": {
                  "type": "array",
                  "minItems": 1,
                  "items": { "$ref": "#/$defs/column" }
                }
              }
            },
            "column": {
              "type": "object",
              "required": ["name", "type", "description"],
              "additionalProperties": false,
              "properties": {
                "name": { "type": "string", "pattern": "^[a-z][a-z0-9_]*$" },
                "type": { "enum": ["string", "integer", "decimal", "date"] },
                "sourceColumns": { "type": "string", "description": "0-based column(s) of the source CSV this column is derived from" },
                "description": {
                  "type": "object",
                  "required": ["ja", "en"],
                  "additionalProperties": false,
                  "properties": {
                    "ja": { "type": "string", "minLength": 1 },
                    "en": { "type": "string", "minLength": 1 }
                  }
                }
              }
            }
          }
        }
        """;
}
