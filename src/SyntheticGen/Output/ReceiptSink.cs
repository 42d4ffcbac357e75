using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.SyntheticGen.Output;

public sealed class ReceiptSink(TableSchema table, BatchPool pool) : TableSink(table, pool)
{
    private long[] _receiptId = [];
    private sbyte[] _claimKind = [], _prefecture = [], _insurerKind = [], _sex = [];
    private int[] _month = [], _facility = [], _birthYm = [], _totalPoints = [], _admission = [];
    private short[] _receiptType = [], _age = [], _actualDays = [];
    private byte[] _id1 = [], _id2 = [], _id5 = [];
    private bool[] _id5Null = [], _admissionNull = [];
    private string?[] _dpcCode = [];

    protected override void Bind(RowBatch b)
    {
        _receiptId = b.Values<long>("receipt_id");
        _claimKind = b.Values<sbyte>("claim_kind");
        _month = b.Values<int>("service_month");
        _prefecture = b.Values<sbyte>("prefecture");
        _facility = b.Values<int>("facility_id");
        _receiptType = b.Values<short>("receipt_type");
        _insurerKind = b.Values<sbyte>("insurer_kind");
        _sex = b.Values<sbyte>("sex");
        _age = b.Values<short>("age");
        _birthYm = b.Values<int>("birth_ym");
        _id1 = b.Hashes("id1");
        _id2 = b.Hashes("id2");
        _id5 = b.Hashes("id5");
        _id5Null = b.Nulls("id5");
        _totalPoints = b.Values<int>("total_points");
        _actualDays = b.Values<short>("actual_days");
        _admission = b.Values<int>("admission_date");
        _admissionNull = b.Nulls("admission_date");
        _dpcCode = b.Strings("dpc_code");
        // patient_id stays null until linkage fills it.
        Array.Fill(b.Nulls("patient_id"), true);
    }

    public void Add(long receiptId, sbyte claimKind, int month, sbyte prefecture, int facility, short receiptType, sbyte insurerKind,
        sbyte sex, short age, int birthYm, ReadOnlySpan<byte> id1, ReadOnlySpan<byte> id2, ReadOnlySpan<byte> id5, bool id5Missing,
        int totalPoints, short actualDays, int? admissionDays, string? dpcCode)
    {
        var r = NewRow();
        _receiptId[r] = receiptId;
        _claimKind[r] = claimKind;
        _month[r] = month;
        _prefecture[r] = prefecture;
        _facility[r] = facility;
        _receiptType[r] = receiptType;
        _insurerKind[r] = insurerKind;
        _sex[r] = sex;
        _age[r] = age;
        _birthYm[r] = birthYm;
        id1.CopyTo(_id1.AsSpan(r * 32, 32));
        id2.CopyTo(_id2.AsSpan(r * 32, 32));
        if (id5Missing) _id5.AsSpan(r * 32, 32).Clear();
        else id5.CopyTo(_id5.AsSpan(r * 32, 32));
        _id5Null[r] = id5Missing;
        _totalPoints[r] = totalPoints;
        _actualDays[r] = actualDays;
        _admission[r] = admissionDays ?? 0;
        _admissionNull[r] = admissionDays is null;
        _dpcCode[r] = dpcCode;
    }
}
