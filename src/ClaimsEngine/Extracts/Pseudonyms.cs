using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Claims.Engine.Extracts;

/// <summary>
/// The keyed pseudonyms of one project (<see cref="Scheme"/>). The project key is derived from the custodian's key
/// and the project name, so one key can serve many projects and still give each its own pseudonyms. A patient's
/// pseudonym is an HMAC; a patient's rows lie together, so a small direct-mapped cache answers most rows and its
/// size, not the data's, bounds its memory. Record ids (receipt_id, checkup_id) are mostly distinct row to row,
/// where an HMAC (about 2 µs here) would dominate the extract, so they go through AES, a keyed pseudorandom
/// permutation that encrypts a whole batch in one call: joins inside one extract still work, and no id is shared
/// between projects.
/// </summary>
public sealed class Pseudonyms : IDisposable
{
    public const string Scheme =
        "project key = HMAC-SHA256(key, \"claims.extract.project:\" + project); " +
        "patient_id = hex(HMAC-SHA256(project key, patient_id as int32 LE)[0..8]); " +
        "record id (receipt_id, checkup_id) = int64 LE(AES-256-ECB(HMAC-SHA256(project key, \"claims.extract.record:\" + column), id as int64 LE + 8 zero bytes)[0..8])";

    private const int CacheSlots = 1 << 16;

    private readonly byte[] _projectKey;
    private readonly HMACSHA256 _hmac;
    private readonly int[] _patientIds = new int[CacheSlots];
    private readonly string?[] _patientTexts = new string?[CacheSlots];
    private readonly byte[] _message = new byte[4];
    private readonly byte[] _hash = new byte[32];
    private readonly Dictionary<string, Aes> _records = new(StringComparer.Ordinal);
    private byte[] _blocks = [];

    public Pseudonyms(byte[] key, string project)
    {
        ProjectKey.Check(key, "(key)");
        _projectKey = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("claims.extract.project:" + project));
        _hmac = new HMACSHA256(_projectKey);
    }

    public string Patient(int patient)
    {
        var slot = patient & (CacheSlots - 1);
        if (_patientTexts[slot] is { } cached && _patientIds[slot] == patient) return cached;
        BinaryPrimitives.WriteInt32LittleEndian(_message, patient);
        if (!_hmac.TryComputeHash(_message, _hash, out _)) throw new InvalidOperationException("HMAC output does not fit");
        _patientIds[slot] = patient;
        return _patientTexts[slot] = Convert.ToHexStringLower(_hash, 0, 8);
    }

    /// <summary>Replaces every id of record column <paramref name="column"/> in <paramref name="ids"/> by its pseudonym; nulls stay null.</summary>
    public void Records(string column, Span<long?> ids)
    {
        if (!_records.TryGetValue(column, out var aes))
        {
            aes = Aes.Create();
            aes.Key = HMACSHA256.HashData(_projectKey, Encoding.UTF8.GetBytes("claims.extract.record:" + column));
            _records[column] = aes;
        }
        if (_blocks.Length < ids.Length * 16) _blocks = new byte[ids.Length * 16];
        var blocks = _blocks.AsSpan(0, ids.Length * 16);
        blocks.Clear();
        for (var i = 0; i < ids.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(blocks[(i * 16)..], ids[i] ?? 0);
        aes.EncryptEcb(blocks, blocks, PaddingMode.None);
        for (var i = 0; i < ids.Length; i++)
            if (ids[i].HasValue) ids[i] = BinaryPrimitives.ReadInt64LittleEndian(blocks[(i * 16)..]);
    }

    public void Dispose()
    {
        _hmac.Dispose();
        foreach (var aes in _records.Values) aes.Dispose();
    }
}
