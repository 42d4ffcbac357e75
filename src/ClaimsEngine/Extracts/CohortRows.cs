using Claims.Engine.Cohorts;
using Claims.Engine.Storage;

namespace Claims.Engine.Extracts;

/// <summary>The rows of one block whose patient is in a cohort, found by one bit test per row after the zone map has had its say.</summary>
internal static class CohortRows
{
    /// <summary>Writes the selected rows of <paramref name="block"/> (partition row numbers, ascending) into <paramref name="rows"/>; returns how many.</summary>
    public static int Select(MappedColumn patientIds, int block, PatientSet patients, Span<int> rows)
    {
        var zone = patientIds.Zones[block];
        // Unlinked rows (null patient_id) and blocks wholly past the set's ids hold no member.
        if (zone.IsEmpty || zone.Max < 0 || zone.Min >= patients.Capacity) return 0;
        var start = block * patientIds.BlockRows;
        var end = Math.Min(start + patientIds.BlockRows, patientIds.RowCount);
        var values = patientIds.Values<int>();
        var validity = patientIds.ValidityBitmap;
        var count = 0;
        for (var row = start; row < end; row++)
        {
            if (patients.Contains(values[row]) && Validity.IsValid(validity, row)) rows[count++] = row;
        }
        return count;
    }
}
