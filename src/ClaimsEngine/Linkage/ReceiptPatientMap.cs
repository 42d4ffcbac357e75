namespace Claims.Engine.Linkage;

/// <summary>
/// receipt_id → patient for one month's receipts, so the month's line rows take their receipt's patient. Two
/// sorted arrays (12 bytes a receipt, half a Dictionary's cost) and a one-entry cache, since a receipt's lines
/// are usually adjacent.
/// </summary>
internal sealed class ReceiptPatientMap
{
    private readonly long[] _receipts;
    private readonly int[] _patients;
    private long _lastReceipt;
    private int _lastPatient = -1;

    public ReceiptPatientMap(ReadOnlySpan<long> receipts, ReadOnlySpan<int> patients)
    {
        _receipts = receipts.ToArray();
        _patients = patients.ToArray();
        Array.Sort(_receipts, _patients);
    }

    /// <summary>The receipt's patient, or -1 if the month has no such receipt.</summary>
    public int PatientOf(long receipt)
    {
        if (_lastPatient >= 0 && receipt == _lastReceipt) return _lastPatient;
        var at = Array.BinarySearch(_receipts, receipt);
        if (at < 0) return -1;
        _lastReceipt = receipt;
        _lastPatient = _patients[at];
        return _lastPatient;
    }
}
