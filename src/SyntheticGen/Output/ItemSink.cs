using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.SyntheticGen.Output;

/// <summary>Procedure (SI), drug (IY) and device (TO) lines: one layout, drugs add their YJ code, class and prescriber.</summary>
public sealed class ItemSink(TableSchema table, BatchPool pool) : TableSink(table, pool)
{
    private readonly bool _isDrug = table.TryGetColumn("yj_code", out _);
    private readonly bool _hasFirstDay = table.TryGetColumn("first_day", out _);
    private long[] _receiptId = [];
    private int[] _month = [], _points = [];
    private sbyte[] _shikibetsu = [], _firstDay = [];
    private string?[] _code = [], _yj = [];
    private float[] _quantity = [];
    private short[] _times = [], _drugClass = [];
    private int[] _prescriber = [];
    private bool[] _firstDayNull = [], _prescriberNull = [];

    protected override void Bind(RowBatch b)
    {
        _receiptId = b.Values<long>("receipt_id");
        _month = b.Values<int>("service_month");
        _shikibetsu = b.Values<sbyte>("shinryo_shikibetsu");
        _code = b.Strings("code");
        _quantity = b.Values<float>("quantity");
        _points = b.Values<int>("points");
        _times = b.Values<short>("times");
        if (_isDrug)
        {
            _yj = b.Strings("yj_code");
            _drugClass = b.Values<short>("drug_class");
            _prescriber = b.Values<int>("prescriber_id");
            _prescriberNull = b.Nulls("prescriber_id");
        }
        if (_hasFirstDay)
        {
            _firstDay = b.Values<sbyte>("first_day");
            _firstDayNull = b.Nulls("first_day");
        }
        Array.Fill(b.Nulls("patient_id"), true);
    }

    public void Add(long receiptId, int month, sbyte shikibetsu, string code, float quantity, int points, short times,
        sbyte firstDay, string? yj = null, short drugClass = 0, int prescriber = 0)
    {
        var r = NewRow();
        _receiptId[r] = receiptId;
        _month[r] = month;
        _shikibetsu[r] = shikibetsu;
        _code[r] = code;
        _quantity[r] = quantity;
        _points[r] = points;
        _times[r] = times;
        if (_isDrug)
        {
            _yj[r] = yj;
            _drugClass[r] = drugClass;
            _prescriber[r] = prescriber;
            _prescriberNull[r] = prescriber == 0;
        }
        if (_hasFirstDay)
        {
            _firstDay[r] = firstDay;
            _firstDayNull[r] = firstDay <= 0;
        }
    }
}
