using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Storage;

namespace Claims.Engine.Privacy;

/// <summary>
/// The cell key method's record keys for one dataset: every patient (or, where patients are not linked, every
/// claim) has a secret 32-bit key, and a cell's key is the sum of its records' keys modulo 2^32. The same set of
/// records always has the same cell key, however the query that reached it was written, and the sum of uniform
/// keys is uniform, so a cell key is a fair draw that an analyst can neither predict nor re-roll.
/// Keys are XXH3-64 of the record's id under a 64-bit seed derived by HMAC-SHA256 from the custodian's secret, the
/// dataset's identity (its generation, schema and creation time) and the project, so two datasets never share
/// noise, and neither do two projects: equal answers across projects, whose shown cells are kept apart, would say
/// whether two cells hold the same patients. A dataset that holds another's records as they were (a shard)
/// carries that one's identity (<see cref="InheritedIdentity"/>), so its records keep their keys: a copy made anew
/// drew fresh noise for the same question on the same patients, and copies averaged it away (review 30).
/// </summary>
internal sealed class RecordKeys
{
    /// <summary>The provenance parameter a derived dataset carries its source's key identity in.</summary>
    public const string InheritedIdentity = "cellKeyIdentity";

    private readonly long _seed;

    public RecordKeys(ReadOnlySpan<byte> secret, DatasetManifest manifest, string project)
    {
        var identity = Encoding.UTF8.GetBytes($"claims cell keys v2|{IdentityOf(manifest)}|{project}");
        _seed = BinaryPrimitives.ReadInt64LittleEndian(HMACSHA256.HashData(secret, identity));
    }

    /// <summary>What a dataset's keys are drawn from: its generation, schema and creation time, or its source's.</summary>
    public static string IdentityOf(DatasetManifest manifest) =>
        manifest.Provenance.Parameters.TryGetValue(InheritedIdentity, out var inherited)
            ? inherited
            : $"{manifest.Generation}|{manifest.SchemaHash}|{manifest.CreatedAt:O}";

    public uint Of(long id) => (uint)Record(id);

    /// <summary>The record's full 64-bit key, whose low half is its cell key share: what <see cref="CellSketch"/> holds.</summary>
    public ulong Record(long id)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, id);
        return XxHash3.HashToUInt64(bytes, _seed);
    }

    /// <summary>The cell key of the records behind a countDistinct aggregate of a group.</summary>
    public uint CellKey(GroupState state, int aggregate)
    {
        var sum = 0u;
        state.ForEachDistinct(aggregate, id => sum += Of(id));
        return sum;
    }

    public uint CellKey(PatientSet patients)
    {
        var sum = 0u;
        foreach (var patient in patients) sum += Of(patient);
        return sum;
    }

    /// <summary>
    /// The key of one released figure: the cell's records, what kind of figure it is, its true value and, where
    /// given, its name. The same figure over the same records is perturbed alike (asking again teaches nothing),
    /// while the same records with other rows behind a figure (a different true value) get independent noise, so
    /// subtracting two such figures does not cancel their noise.
    /// </summary>
    /// <remarks>
    /// <paramref name="position"/> separates figures that must not share noise though their records and value agree:
    /// the steps of one attrition table, where equal answers at two steps would say that a rule removed nobody.
    /// </remarks>
    public ulong FigureKey(uint cellKey, Figure figure, long value, int position = 0, string? name = null)
    {
        var named = name is null ? 0 : Encoding.UTF8.GetByteCount(name);
        Span<byte> bytes = stackalloc byte[sizeof(uint) + 2 * sizeof(int) + sizeof(long) + named];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, cellKey);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[sizeof(uint)..], (int)figure);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[(sizeof(uint) + sizeof(int))..], position);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[(sizeof(uint) + 2 * sizeof(int))..], value);
        if (name is not null) Encoding.UTF8.GetBytes(name, bytes[(sizeof(uint) + 2 * sizeof(int) + sizeof(long))..]);
        return XxHash3.HashToUInt64(bytes, _seed);
    }
}

/// <summary>What a released figure is, for its key.</summary>
internal enum Figure
{
    /// <summary>A count of patients (or of the records a cell is made of).</summary>
    Count = 1,
    Sum = 2,

    /// <summary>A count of rows, values or claims, drawn apart from counts of patients (<see cref="CellPerturbation"/>).</summary>
    Rows = 4,
}
