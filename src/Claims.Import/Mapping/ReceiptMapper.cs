using System.Globalization;
using Claims.Engine.Schema;
using Claims.Import.Keys;
using Claims.Import.Reading;
using Claims.Import.Validation;

namespace Claims.Import.Mapping;

/// <summary>
/// Turns one receipt's records into the store's terms, field by field from the positions of the 医科 record layout
/// (see docs/uke-import.md), reporting each field that cannot be read as a failure naming its line. Names and card
/// numbers are hashed here and go no further.
/// </summary>
internal sealed class ReceiptMapper(ClaimsSchema schema, CodeMasters masters, PatientKeys keys)
{
    private const string Uncoded = "0000999";
    private const string SuspectedModifier = "8002";
    private readonly EnumSchema _receiptTypes = schema.Enum("receipt_type");
    private readonly EnumSchema _shikibetsu = schema.Enum("shinryo_shikibetsu");
    private readonly EnumSchema _outcomes = schema.Enum("outcome");

    /// <summary>The receipt in the store's terms; what cannot be read goes to <paramref name="failures"/>, codes no master holds to <paramref name="unknown"/>.</summary>
    public MappedReceipt Map(UkeReceipt receipt, List<ValidationFailure> failures, UnknownCodes unknown)
    {
        var facility = receipt.Facility;
        var convention = facility.Convention;
        var re = receipt.Re;
        void Fail(int line, ValidationRule rule, string message) => failures.Add(new ValidationFailure(facility.Path, line, rule, message));

        // RE: 2 receipt type, 3 service month, 4 name, 5 sex, 6 birth date, 8 admission date, 36 kana name.
        var mapped = new MappedReceipt
        {
            Prefecture = (sbyte)facility.Prefecture,
            // Prefecture and the 7-digit code together are unique nationally and stay below the synthetic range (900,000,000).
            FacilityId = facility.Prefecture * 10_000_000 + int.Parse(facility.FacilityCode, CultureInfo.InvariantCulture),
        };
        if (Number(re.Span(2)) is { } type && re[2].Length == 4 && type / 1000 == 1 && _receiptTypes.Contains(type))
        {
            mapped.ReceiptType = (short)type;
            mapped.ClaimKind = (sbyte)(type % 2 == 1 ? 1 : 2);
        }
        else Fail(re.Line, ValidationRule.Field, $"RE receipt type '{re[2]}' is not a 医科 receipt type (enum:receipt_type)");
        if (UkeDates.TryMonth(re[3], convention, out var month)) mapped.ServiceMonth = month;
        else Fail(re.Line, ValidationRule.Date, $"RE service month '{re[3]}' is not a month ({convention.Name()})");
        if (re[5] is "1" or "2") mapped.Sex = (sbyte)(re[5][0] - '0');
        else Fail(re.Line, ValidationRule.Field, $"RE sex '{re[5]}' is not 1 or 2");
        if (!UkeDates.TryDate(re[6], convention, out var birth)) Fail(re.Line, ValidationRule.Date, $"RE birth date '{re[6]}' is not a date ({convention.Name()})");
        else
        {
            mapped.BirthMonth = birth.Year * 100 + birth.Month;
            // A birth after the service month is seen in test files (the sample has one); such a patient is aged 0.
            mapped.Age = (short)Math.Max(0, (month / 100 * 12 + month % 100 - (birth.Year * 12 + birth.Month)) / 12);
        }
        if (!re.Span(8).IsEmpty)
        {
            if (UkeDates.TryDate(re[8], convention, out var admission)) mapped.AdmissionDays = DateDays.From(admission);
            else Fail(re.Line, ValidationRule.Date, $"RE admission date '{re[8]}' is not a date ({convention.Name()})");
        }

        MapPayer(receipt, mapped, birth, Fail);
        if (mapped.Sex != 0 && mapped.BirthMonth != 0)
        {
            var name = re[36].Length > 0 ? re[36] : re[4];
            mapped.Id2 = keys.Id2(name, birth, mapped.Sex);
        }
        foreach (var sy in receipt.OfType(UkeRecordTypes.Diagnosis)) MapDiagnosis(sy, convention, mapped, unknown, Fail);
        MapLines(receipt, mapped, unknown, Fail);
        return mapped;
    }

    private void MapPayer(UkeReceipt receipt, MappedReceipt mapped, DateOnly birth, Action<int, ValidationRule, string> fail)
    {
        // HO: 1 insurer number, 2 symbol, 3 number, 4 actual days, 5 total points. KO: 1 payer number, 2 recipient
        // number, 4 actual days, 5 total points. A public-payer-only receipt (type 12xx) has no HO: KO holds its total.
        var ho = receipt.OfType(UkeRecordTypes.Insurer).ToArray();
        var ko = receipt.OfType(UkeRecordTypes.PublicPayer).FirstOrDefault();
        if (ho.Length > 1) fail(ho[1].Line, ValidationRule.Payer, "a second HO record (a receipt has one insurer)");
        var payer = ho.FirstOrDefault() ?? ko;
        if (payer is null)
        {
            fail(receipt.Re.Line, ValidationRule.Payer, "no HO or KO record: the receipt has no payer to take its total from");
            return;
        }
        mapped.TotalLine = payer.Line;
        if (Number(payer.Span(5)) is { } total) mapped.TotalPoints = total;
        else fail(payer.Line, ValidationRule.Field, $"{payer.Type} total points '{payer[5]}' is not a number");
        if (Number(payer.Span(4)) is { } days and <= 31) mapped.ActualDays = (short)days;
        else fail(payer.Line, ValidationRule.Field, $"{payer.Type} actual days '{payer[4]}' is not 0–31");
        if (payer[1].Length == 0)
        {
            fail(payer.Line, ValidationRule.Field, $"{payer.Type} payer number is blank");
            return;
        }
        if (payer.Type == UkeRecordTypes.Insurer) mapped.InsurerKind = InsurerKinds.Of(payer[1]);
        if (mapped.Sex != 0 && mapped.BirthMonth != 0)
            mapped.Id1 = payer.Type == UkeRecordTypes.Insurer
                ? keys.Id1(payer[1], payer[2], payer[3], birth, mapped.Sex)
                : keys.Id1(payer[1], "", payer[2], birth, mapped.Sex);
    }

    private void MapDiagnosis(UkeRecord sy, DateConvention convention, MappedReceipt mapped, UnknownCodes unknown, Action<int, ValidationRule, string> fail)
    {
        // SY: 1 disease code, 2 start date, 3 outcome, 4 modifier codes (4 digits each), 5 free-text name, 6 main flag.
        var written = sy.Span(1);
        if (written.Length != 7 || written.ContainsAnyExceptInRange('0', '9'))
        {
            fail(sy.Line, ValidationRule.Field, $"SY disease code '{written}' is not 7 digits");
            return;
        }
        int? start = null;
        if (UkeDates.TryDate(sy[2], convention, out var startDate)) start = DateDays.From(startDate);
        else fail(sy.Line, ValidationRule.Date, $"SY start date '{sy[2]}' is not a date ({convention.Name()})");
        if (Number(sy.Span(3)) is not { } outcome || !_outcomes.Contains(outcome))
        {
            fail(sy.Line, ValidationRule.Field, $"SY outcome '{sy[3]}' is not 1–4 (enum:outcome)");
            return;
        }
        var modifiers = sy[4];
        var suspected = false;
        for (var i = 0; i + 4 <= modifiers.Length; i += 4) suspected |= modifiers.AsSpan(i, 4).SequenceEqual(SuspectedModifier);
        if (!masters.TryDisease(written, out var code, out var icd10))
        {
            code = written.ToString();
            unknown.Add("diseases", code);
        }
        var uncoded = code == Uncoded;
        mapped.Diagnoses.Add(new MappedDiagnosis(code, uncoded && sy[5].Length > 0 ? sy[5] : null, icd10, start, (sbyte)outcome, sy[6] == "01", suspected));
    }

    private void MapLines(UkeReceipt receipt, MappedReceipt mapped, UnknownCodes unknown, Action<int, ValidationRule, string> fail)
    {
        sbyte? shikibetsu = null;
        foreach (var record in receipt.Records)
        {
            var (table, prefix, firstDay) = record.Type switch
            {
                UkeRecordTypes.Procedure => (LineTable.Procedures, '1', 13),
                UkeRecordTypes.Drug => (LineTable.Drugs, '6', 13),
                UkeRecordTypes.Device => (LineTable.Devices, '7', 17),
                _ => (default(LineTable?), ' ', 0),
            };
            if (table is null) continue;
            // SI/IY: 1 診療識別, 2 burden, 3 code, 4 quantity, 5 points, 6 times, 13–43 days 1–31 (TO: 17–47).
            // 診療識別 is written on a group's first line only; the lines after it inherit it.
            if (!record.Span(1).IsEmpty)
            {
                if (Number(record.Span(1)) is { } s && _shikibetsu.Contains(s)) shikibetsu = (sbyte)s;
                else fail(record.Line, ValidationRule.Field, $"{record.Type} 診療識別 '{record[1]}' is not a code of enum:shinryo_shikibetsu");
            }
            else if (shikibetsu is null) fail(record.Line, ValidationRule.Field, $"{record.Type} has no 診療識別 and no line before it to inherit one from");
            var written = record.Span(3);
            if (written.Length != 9 || written.ContainsAnyExceptInRange('0', '9') || written[0] != prefix)
            {
                fail(record.Line, ValidationRule.Field, $"{record.Type} code '{written}' is not 9 digits starting {prefix}");
                continue;
            }
            float? quantity = null;
            if (!record.Span(4).IsEmpty)
            {
                if (float.TryParse(record.Span(4), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q)) quantity = q;
                else fail(record.Line, ValidationRule.Field, $"{record.Type} quantity '{record[4]}' is not a number");
            }
            int? points = null;
            if (!record.Span(5).IsEmpty)
            {
                if (Number(record.Span(5)) is { } p) points = p;
                else fail(record.Line, ValidationRule.Field, $"{record.Type} points '{record[5]}' is not a number");
            }
            if (Number(record.Span(6)) is not ({ } times and >= 1 and <= short.MaxValue))
            {
                fail(record.Line, ValidationRule.Field, $"{record.Type} times '{record[6]}' is not a positive number");
                continue;
            }
            var (daySum, first) = Days(record, firstDay, fail);
            (string? Yj, short? Class) drug = default;
            var known = table switch
            {
                LineTable.Procedures => masters.TryProcedure(written, out var c) ? c : null,
                LineTable.Drugs => masters.TryDrug(written, out var c, out drug) ? c : null,
                _ => masters.TryDevice(written, out var c) ? c : null,
            };
            var code = known ?? written.ToString();
            if (known is null) unknown.Add(LineTables.Name(table.Value), code);
            mapped.Lines.Add(new MappedLine(record.Line, table.Value, shikibetsu, code, quantity, points, (short)times, daySum, first, drug.Yj, drug.Class));
        }
    }

    private static (int Sum, sbyte? First) Days(UkeRecord record, int firstField, Action<int, ValidationRule, string> fail)
    {
        var sum = 0;
        sbyte? first = null;
        for (var day = 1; day <= 31; day++)
        {
            var text = record.Span(firstField + day - 1);
            if (text.IsEmpty) continue;
            if (Number(text) is not { } count)
            {
                fail(record.Line, ValidationRule.DayCounts, $"{record.Type} day {day} holds '{text}', not a count");
                continue;
            }
            sum += count;
            if (count > 0) first ??= (sbyte)day;
        }
        return (sum, first);
    }

    private static int? Number(ReadOnlySpan<char> text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
