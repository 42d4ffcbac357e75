using Claims.Engine.Cohorts;

namespace Claims.Engine.Tests.Cohorts;

public class PatientSetTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(1_000)]
    [InlineData(100_003)]
    public void Set_operations_agree_with_HashSet_on_random_members(int capacity)
    {
        var random = new Random(capacity);
        var (a, expectedA) = Random(capacity, random);
        var (b, expectedB) = Random(capacity / 2 + 1, random);
        Assert.Equal(expectedA.Count, a.Count);
        Assert.Equal(expectedA.Union(expectedB).Order(), Members(a.Union(b)));
        Assert.Equal(expectedA.Intersect(expectedB).Order(), Members(a.Intersect(b)));
        Assert.Equal(expectedA.Except(expectedB).Order(), Members(a.Except(b)));
        Assert.Equal(expectedA.Except(expectedB).Count() + expectedB.Except(expectedA).Count(), a.SymmetricDifference(b));
        Assert.Equal(a.SymmetricDifference(b), b.SymmetricDifference(a));
        Assert.Equal(Members(a), Members(PatientSet.FromWords(a.Capacity, a.Words.ToArray())));
    }

    [Fact]
    public void Patients_outside_the_capacity_are_refused()
    {
        var set = new PatientSet(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Add(10));
        Assert.False(set.Contains(10));
        Assert.Throws<ArgumentException>(() => PatientSet.FromWords(10, [1UL << 12]));
    }

    private static (PatientSet Set, HashSet<int> Expected) Random(int capacity, Random random)
    {
        var set = new PatientSet(capacity);
        var expected = new HashSet<int>();
        for (var i = 0; i < capacity / 3; i++)
        {
            var patient = random.Next(capacity);
            set.Add(patient);
            expected.Add(patient);
        }
        return (set, expected);
    }

    private static List<int> Members(PatientSet set)
    {
        var members = new List<int>();
        foreach (var patient in set) members.Add(patient);
        return members;
    }
}
