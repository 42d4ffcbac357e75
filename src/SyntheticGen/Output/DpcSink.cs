using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.SyntheticGen.Output;

public sealed class DpcSink(TableSchema table, BatchPool pool) : TableSink(table, pool)
{
    private long[] _receiptId = [];
    private int[] _month = [], _admission = [], _discharge = [], _bundled = [];
    private string?[] _code = [], _main = [], _comorbidity = [];
    private bool[] _dischargeNull = [];

    protected override void Bind(RowBatch b)
    {
        _receiptId = b.Values<long>("receipt_id");
        _month = b.Values<int>("service_month");
        _code = b.Strings("dpc_code");
        _admission = b.Values<int>("admission_date");
        _discharge = b.Values<int>("discharge_date");
        _dischargeNull = b.Nulls("discharge_date");
        _main = b.Strings("icd10_main");
        _comorbidity = b.Strings("icd10_comorbidity");
        _bundled = b.Values<int>("bundled_points");
        Array.Fill(b.Nulls("patient_id"), true);
    }

    public void Add(long receiptId, int month, string dpcCode, int admissionDays, int? dischargeDays, string mainIcd10,
        string? comorbidityIcd10, int bundledPoints)
    {
        var r = NewRow();
        _receiptId[r] = receiptId;
        _month[r] = month;
        _code[r] = dpcCode;
        _admission[r] = admissionDays;
        _discharge[r] = dischargeDays ?? 0;
        _dischargeNull[r] = dischargeDays is null;
        _main[r] = mainIcd10;
        _comorbidity[r] = comorbidityIcd10;
        _bundled[r] = bundledPoints;
    }
}
