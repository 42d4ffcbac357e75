using Claims.Engine.Storage;

namespace Claims.Import.Mapping;

/// <summary>
/// Accepted receipts into the store's row batches, one batch per table and month, each handed to its partition
/// writer when full; so memory holds one batch per table and month whatever the input's size. patient_id is
/// left null for linkage to fill, as for generated data.
/// </summary>
internal sealed class StoreRows(DatasetWriter writer)
{
    private const int BatchRows = 4096;
    private readonly Dictionary<(string Table, int Month), RowBatch> _batches = [];
    private readonly Dictionary<string, long> _rows = [];

    public IReadOnlyDictionary<string, long> Rows => _rows;

    public void Add(long receiptId, MappedReceipt receipt)
    {
        var month = receipt.ServiceMonth;
        var (b, r) = Row("receipts", month);
        b.Values<long>("receipt_id")[r] = receiptId;
        b.Values<sbyte>("claim_kind")[r] = receipt.ClaimKind;
        b.Values<int>("service_month")[r] = month;
        b.Values<sbyte>("prefecture")[r] = receipt.Prefecture;
        b.Values<int>("facility_id")[r] = receipt.FacilityId;
        b.Values<short>("receipt_type")[r] = receipt.ReceiptType;
        Nullable(b, "insurer_kind", r, receipt.InsurerKind);
        b.Values<sbyte>("sex")[r] = receipt.Sex;
        b.Values<short>("age")[r] = receipt.Age;
        b.Values<int>("birth_ym")[r] = receipt.BirthMonth;
        Hash(b, "id1", r, receipt.Id1);
        Hash(b, "id2", r, receipt.Id2);
        Hash(b, "id5", r, null);
        b.Nulls("patient_id")[r] = true;
        b.Values<int>("total_points")[r] = receipt.TotalPoints;
        b.Values<short>("actual_days")[r] = receipt.ActualDays;
        Nullable(b, "admission_date", r, receipt.AdmissionDays);
        b.Strings("dpc_code")[r] = null;

        foreach (var d in receipt.Diagnoses)
        {
            (b, r) = Line("diagnoses", receiptId, month);
            b.Strings("disease_code")[r] = d.Code;
            b.Strings("disease_name")[r] = d.Name;
            b.Strings("icd10")[r] = d.Icd10;
            Nullable(b, "start_date", r, d.StartDays);
            b.Values<sbyte>("outcome")[r] = d.Outcome;
            b.Values<bool>("is_main")[r] = d.Main;
            b.Values<bool>("is_suspected")[r] = d.Suspected;
        }
        foreach (var line in receipt.Lines)
        {
            (b, r) = Line(LineTables.Name(line.Table), receiptId, month);
            Nullable(b, "shinryo_shikibetsu", r, line.Shikibetsu);
            b.Strings("code")[r] = line.Code;
            Nullable(b, "quantity", r, line.Quantity);
            Nullable(b, "points", r, line.Points);
            b.Values<short>("times")[r] = line.Times;
            if (line.Table == LineTable.Procedures) Nullable(b, "first_day", r, line.FirstDay);
            if (line.Table != LineTable.Drugs) continue;
            b.Strings("yj_code")[r] = line.Yj;
            Nullable(b, "drug_class", r, line.DrugClass);
            // Only 調剤 receipts name a prescriber, and this importer reads 医科 files.
            b.Nulls("prescriber_id")[r] = true;
        }
    }

    /// <summary>Hands every partly filled batch to its partition writer; call once, before the dataset is committed.</summary>
    public void Flush()
    {
        foreach (var ((table, month), batch) in _batches)
            if (batch.Count > 0) Append(table, month, batch);
    }

    private (RowBatch Batch, int Row) Line(string table, long receiptId, int month)
    {
        var (b, r) = Row(table, month);
        b.Values<long>("receipt_id")[r] = receiptId;
        b.Values<int>("service_month")[r] = month;
        b.Nulls("patient_id")[r] = true;
        return (b, r);
    }

    private (RowBatch Batch, int Row) Row(string table, int month)
    {
        if (!_batches.TryGetValue((table, month), out var batch))
            _batches[(table, month)] = batch = new RowBatch(writer.Schema.Table(table), BatchRows);
        if (batch.Count == batch.Capacity) Append(table, month, batch);
        _rows[table] = _rows.GetValueOrDefault(table) + 1;
        return (batch, batch.Count++);
    }

    private void Append(string table, int month, RowBatch batch)
    {
        writer.Partition(table, month).Append(batch);
        batch.Clear();
    }

    private static void Nullable<T>(RowBatch batch, string column, int row, T? value) where T : unmanaged
    {
        batch.Values<T>(column)[row] = value ?? default;
        batch.Nulls(column)[row] = value is null;
    }

    private static void Hash(RowBatch batch, string column, int row, byte[]? hash)
    {
        var slot = batch.Hashes(column).AsSpan(row * 32, 32);
        if (hash is null) slot.Clear();
        else hash.CopyTo(slot);
        batch.Nulls(column)[row] = hash is null;
    }
}
