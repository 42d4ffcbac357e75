using Claims.Engine.Storage;

namespace Claims.Engine.Linkage;

/// <summary>
/// The clustering of one method over a dataset, built in two passes that keep nothing per record.
/// Pass 1 (<see cref="Build"/>) numbers every distinct key (id1; id2 guarded by sex and birth month; id5) as a node
/// and unions the nodes of each record. Pass 2 (<see cref="Assign"/>) looks the keys up again and gives each set a
/// dense patient id in order of first appearance, so callers can stream patient ids partition by partition.
/// <para>
/// Memory is per distinct key, not per record: ~52 bytes of hash table and 5 of union-find per key, 4 bytes per
/// node for the numbering, and, when id2 is used, ~50 bytes per distinct (id2, sex) for the birth months that
/// checkups borrow. With ~3–4 keys per person and ~15 receipts per person-year that is ~15–20 bytes per receipt
/// (100M receipts: ~2 GB at most); the record columns are read from the memory map, never copied.
/// </para>
/// <para>
/// Checkups carry no birth month. A checkup's id2 takes the birth month that the receipts with the same id2 and
/// sex show, if they show exactly one and the checkup's age agrees with it (within a year, at the exam month);
/// otherwise its id2 is guarded by sex alone and links only checkups. So a checkup never bridges two receipt
/// patients through id2 that the guard keeps apart.
/// </para>
/// </summary>
internal sealed class LinkageIndex
{
    private const int Ambiguous = -1;

    private readonly LinkageMethod _method;
    private readonly UnionFind _nodes = new();
    private readonly KeyTable<Hash256> _id1;
    private readonly KeyTable<GuardedHash> _id2;
    private readonly KeyTable<Hash256> _id5;
    private readonly Dictionary<GuardedHash, int> _birthMonths = [];
    private int[] _patientOfRoot = [];

    private LinkageIndex(LinkageMethod method)
    {
        _method = method;
        _id1 = new KeyTable<Hash256>(_nodes);
        _id2 = new KeyTable<GuardedHash>(_nodes);
        _id5 = new KeyTable<Hash256>(_nodes);
    }

    public LinkageMethod Method => _method;

    /// <summary>Patients numbered so far by <see cref="Assign"/> (all of them once every partition is assigned).</summary>
    public int PatientCount { get; private set; }

    /// <summary>Pass 1 over every receipt, then every checkup (receipts first: checkups borrow their birth months).</summary>
    public static LinkageIndex Build(Dataset dataset, LinkageMethod method)
    {
        var index = new LinkageIndex(method);
        foreach (var partition in dataset.Table("receipts").Partitions) index.Visit(partition, add: true, patients: default);
        foreach (var partition in dataset.Table("checkups").Partitions) index.Visit(partition, add: true, patients: default);
        index._patientOfRoot = new int[index._nodes.Count];
        Array.Fill(index._patientOfRoot, -1);
        return index;
    }

    /// <summary>
    /// Pass 2: the patient of every row of a receipts or checkups partition. Call it for receipts partitions in
    /// month order, then checkups partitions, so patient ids are dense and in order of first appearance.
    /// </summary>
    public void Assign(DatasetPartition partition, Span<int> patients)
    {
        if (patients.Length != partition.RowCount)
            throw new ArgumentException($"{partition.RowCount} rows need as many patient slots, not {patients.Length}", nameof(patients));
        Visit(partition, add: false, patients);
    }

    private void Visit(DatasetPartition partition, bool add, Span<int> patients)
    {
        var receipts = partition.Table.Name switch
        {
            "receipts" => true,
            "checkups" => false,
            _ => throw new ClaimsException($"patients are linked from receipts and checkups, not '{partition.Table.Name}'"),
        };
        var id1Column = partition.Column("id1");
        var id1 = id1Column.Values<byte>();
        var id1Valid = id1Column.ValidityBitmap;
        var id2Column = partition.Column("id2");
        var id2 = id2Column.Values<byte>();
        var id2Valid = id2Column.ValidityBitmap;
        var id5Column = partition.Column("id5");
        var id5 = id5Column.Values<byte>();
        var id5Valid = id5Column.ValidityBitmap;
        var sex = partition.Column("sex").Values<sbyte>();
        var birth = receipts ? partition.Column("birth_ym").Values<int>() : default;
        var age = receipts ? default : partition.Column("age").Values<short>();

        for (var row = 0; row < partition.RowCount; row++)
        {
            var first = -1;
            // Sampled releases blank every hash; a record without any is refused by PatientOf, not linked to the others.
            if (_method.UsesId1() && Validity.IsValid(id1Valid, row)) Node(_id1, Hash256.At(id1, row), add, ref first);
            if (_method.UsesId2() && Validity.IsValid(id2Valid, row))
            {
                var hash = Hash256.At(id2, row);
                var guard = receipts ? birth[row] : BorrowedBirthMonth(hash, sex[row], age[row], partition.Key);
                if (receipts && add) RememberBirthMonth(hash, sex[row], guard);
                Node(_id2, new GuardedHash(hash, sex[row], guard), add, ref first);
            }
            if (_method.UsesId5() && Validity.IsValid(id5Valid, row)) Node(_id5, Hash256.At(id5, row), add, ref first);
            if (!add) patients[row] = PatientOf(first, partition, row);
        }
    }

    /// <summary>In pass 1 adds the key and unions it with the record's first node; in pass 2 only finds it.</summary>
    private void Node<TKey>(KeyTable<TKey> table, in TKey key, bool add, ref int first) where TKey : struct, IEquatable<TKey>
    {
        var node = add ? table.GetOrAdd(key) : table.Find(key);
        if (node < 0) throw new InvalidOperationException("a key of pass 2 was not seen in pass 1; the dataset changed while linking");
        if (first < 0) first = node;
        else if (add) _nodes.Union(first, node);
    }

    private int PatientOf(int node, DatasetPartition partition, int row)
    {
        if (node < 0) throw new ClaimsException($"{partition.Table.Name}/{partition.Key} row {row}: no identity hash to link by");
        var root = _nodes.Find(node);
        if (_patientOfRoot[root] < 0) _patientOfRoot[root] = PatientCount++;
        return _patientOfRoot[root];
    }

    private void RememberBirthMonth(Hash256 id2, sbyte sex, int birthMonth)
    {
        var key = new GuardedHash(id2, sex, 0);
        if (!_birthMonths.TryAdd(key, birthMonth) && _birthMonths[key] != birthMonth) _birthMonths[key] = Ambiguous;
    }

    /// <summary>The one birth month the receipts give this id2 and sex, if the checkup's age fits it; else 0 (unknown).</summary>
    private int BorrowedBirthMonth(Hash256 id2, sbyte sex, short age, int examMonth)
    {
        if (!_birthMonths.TryGetValue(new GuardedHash(id2, sex, 0), out var birthMonth) || birthMonth == Ambiguous) return 0;
        var months = examMonth / 100 * 12 + examMonth % 100 - (birthMonth / 100 * 12 + birthMonth % 100);
        // Age on the exam day is months/12, or one less in the birth month; a year of slack covers fiscal-year ages.
        return Math.Abs(age - Math.Floor(months / 12.0)) <= 1 ? birthMonth : 0;
    }
}
