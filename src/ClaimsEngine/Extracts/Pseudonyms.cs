using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Claims.Engine.Extracts;

/// <summary>
/// The keyed pseudonyms of one project. The project key is HMAC-SHA256(key, "claims.extract.project:" + project),
/// so one custodian key can serve many projects and still give each its own pseudonyms. A patient's pseudonym is
/// the first 8 bytes of HMAC-SHA256(project key, patient_id as 4 little-endian bytes) as 16 hex digits; a record
/// id (receipt_id, checkup_id) becomes the first 8 bytes of HMAC-SHA256(project key, column name, 0, id as 8
/// little-endian bytes) as an int64, so joins inside one extract still work but no id is shared between projects.
/// An HMAC costs far more than copying a row, and a patient's (or receipt's) rows lie together, so a small
/// direct-mapped cache answers most rows; its size, not the data's, bounds its memory.
/// </summary>
public sealed class Pseudonyms : IDisposable
{
    private const int CacheSlots = 1 << 16;
    private const string ProjectLabel = "claims.extract.project:";

    private readonly HMACSHA256 _hmac;
    private readonly int[] _patientIds = new int[CacheSlots];
    private readonly string?[] _patientTexts = new string?[CacheSlots];
    private readonly long[] _recordIds = new long[CacheSlots];
    private readonly long[] _recordValues = new long[CacheSlots];
    private readonly bool[] _recordFilled = new bool[CacheSlots];
    private string? _recordColumn;
    private readonly byte[] _message = new byte[64];
    private readonly byte[] _hash = new byte[32];

    public Pseudonyms(byte[] key, string project)
    {
        ProjectKey.Check(key, "(key)");
        _hmac = new HMACSHA256(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(ProjectLabel + project)));
    }

    public string Patient(int patient)
    {
        var slot = patient & (CacheSlots - 1);
        if (_patientTexts[slot] is { } cached && _patientIds[slot] == patient) return cached;
        BinaryPrimitives.WriteInt32LittleEndian(_message, patient);
        Hash(4);
        _patientIds[slot] = patient;
        return _patientTexts[slot] = Convert.ToHexStringLower(_hash, 0, 8);
    }

    /// <summary>The pseudonym of record id <paramref name="id"/> of <paramref name="column"/>; the cache holds one column at a time.</summary>
    public long Record(string column, long id)
    {
        if (!ReferenceEquals(column, _recordColumn))
        {
            Array.Clear(_recordFilled);
            _recordColumn = column;
        }
        var slot = (int)(id & (CacheSlots - 1));
        if (_recordFilled[slot] && _recordIds[slot] == id) return _recordValues[slot];
        var length = Encoding.UTF8.GetBytes(column, _message);
        _message[length] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(_message.AsSpan(length + 1), id);
        Hash(length + 9);
        _recordIds[slot] = id;
        _recordFilled[slot] = true;
        return _recordValues[slot] = BinaryPrimitives.ReadInt64LittleEndian(_hash);
    }

    private void Hash(int length)
    {
        if (!_hmac.TryComputeHash(_message.AsSpan(0, length), _hash, out _)) throw new InvalidOperationException("HMAC output does not fit");
    }

    public void Dispose() => _hmac.Dispose();
}
