using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.SyntheticGen.Output;

public sealed class DiagnosisSink(TableSchema table, BatchPool pool) : TableSink(table, pool)
{
    private long[] _receiptId = [];
    private int[] _month = [], _start = [];
    private string?[] _code = [], _name = [], _icd10 = [];
    private bool[] _startNull = [], _main = [], _suspected = [];
    private sbyte[] _outcome = [];

    protected override void Bind(RowBatch b)
    {
        _receiptId = b.Values<long>("receipt_id");
        _month = b.Values<int>("service_month");
        _code = b.Strings("disease_code");
        _name = b.Strings("disease_name");
        _icd10 = b.Strings("icd10");
        _start = b.Values<int>("start_date");
        _startNull = b.Nulls("start_date");
        _outcome = b.Values<sbyte>("outcome");
        _main = b.Values<bool>("is_main");
        _suspected = b.Values<bool>("is_suspected");
        Array.Fill(b.Nulls("patient_id"), true);
    }

    public void Add(long receiptId, int month, string code, string icd10, int startDays, sbyte outcome, bool main, bool suspected)
    {
        var r = NewRow();
        _receiptId[r] = receiptId;
        _month[r] = month;
        _code[r] = code;
        _name[r] = null;
        _icd10[r] = icd10.Length == 0 ? null : icd10;
        _start[r] = startDays;
        _startNull[r] = false;
        _outcome[r] = outcome;
        _main[r] = main;
        _suspected[r] = suspected;
    }
}
