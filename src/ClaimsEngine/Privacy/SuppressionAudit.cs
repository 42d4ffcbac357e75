using System.Numerics;
using Claims.Engine.Linkage;

namespace Claims.Engine.Privacy;

/// <summary>
/// Finds the suppressed cells whose value the public lines (margins) and the released cells pin down exactly.
/// Every suppressed cell is strictly positive (zeros are never suppressed), so the true table lies inside the
/// non-negativity bounds and can move along any direction of the equations' null space: a cell's feasible interval
/// is wider than a point exactly when some null-space direction moves it. The test is therefore linear algebra,
/// done exactly in integers (fraction-free Gauss–Jordan elimination) per connected group of equations, in long
/// arithmetic with a BigInteger retry should a coefficient ever overflow.
/// </summary>
internal static class SuppressionAudit
{
    /// <summary>The suppressed cells (indexes into <paramref name="suppressed"/>) that the lines determine.</summary>
    public static IReadOnlyList<int> Determined(IReadOnlyList<int[]> lines, IReadOnlyList<bool> suppressed)
    {
        var variable = new int[suppressed.Count];
        var cells = new List<int>();
        for (var c = 0; c < variable.Length; c++) variable[c] = suppressed[c] ? Add(cells, c) : -1;
        var equations = lines.Select(line => line.Where(c => suppressed[c]).Select(c => variable[c]).ToArray()).Where(e => e.Length > 0).ToList();

        var components = new UnionFind();
        foreach (var _ in cells) components.Add();
        foreach (var equation in equations) foreach (var v in equation) components.Union(equation[0], v);

        var determined = new List<int>();
        foreach (var group in equations.GroupBy(e => components.Find(e[0])))
        {
            var members = group.SelectMany(e => e).Distinct().Order().ToArray();
            var local = members.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
            var rows = group.Select(e => e.Select(v => local[v]).ToArray()).ToList();
            IEnumerable<int> pinned;
            try
            {
                pinned = Pinned<long>(rows, members.Length);
            }
            catch (OverflowException)
            {
                pinned = Pinned<BigInteger>(rows, members.Length);
            }
            determined.AddRange(pinned.Select(i => cells[members[i]]));
        }
        determined.Sort();
        return determined;
    }

    private static int Add(List<int> cells, int cell)
    {
        cells.Add(cell);
        return cells.Count - 1;
    }

    /// <summary>
    /// Columns constant on every solution of the 0/1 system: after reduction, a pivot column whose row holds no
    /// free column (a free column is a direction of the null space).
    /// </summary>
    private static List<int> Pinned<T>(List<int[]> equations, int columns) where T : IBinaryInteger<T>
    {
        var rows = equations.Select(e =>
        {
            var row = new T[columns];
            foreach (var c in e) row[c] = T.One;
            return row;
        }).ToList();
        var pivotRow = new int[columns];
        Array.Fill(pivotRow, -1);
        var rank = 0;
        for (var column = 0; column < columns && rank < rows.Count; column++)
        {
            var found = rows.FindIndex(rank, r => r[column] != T.Zero);
            if (found < 0) continue;
            (rows[rank], rows[found]) = (rows[found], rows[rank]);
            var pivot = rows[rank];
            for (var r = 0; r < rows.Count; r++)
            {
                var row = rows[r];
                if (r == rank || row[column] == T.Zero) continue;
                var (a, b) = (pivot[column], row[column]);
                for (var c = 0; c < columns; c++) row[c] = checked(a * row[c] - b * pivot[c]);
                DivideByContent(row);
            }
            pivotRow[column] = rank++;
        }
        var free = Enumerable.Range(0, columns).Where(c => pivotRow[c] < 0).ToArray();
        return Enumerable.Range(0, columns).Where(c => pivotRow[c] >= 0 && free.All(f => rows[pivotRow[c]][f] == T.Zero)).ToList();
    }

    /// <summary>Keeps coefficients small: a row scaled by a constant is the same equation.</summary>
    private static void DivideByContent<T>(T[] row) where T : IBinaryInteger<T>
    {
        var gcd = T.Zero;
        foreach (var x in row)
        {
            var (a, b) = (T.Abs(gcd), T.Abs(x));
            while (b != T.Zero) (a, b) = (b, a % b);
            gcd = a;
        }
        if (gcd <= T.One) return;
        for (var c = 0; c < row.Length; c++) row[c] /= gcd;
    }
}
