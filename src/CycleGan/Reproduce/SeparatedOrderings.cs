namespace CycleGan.Reproduce;

/// <summary>
/// The orderings a table supports: method A above method B only where their mean ± sd intervals over seeds do not
/// overlap (mean_A − sd_A &gt; mean_B + sd_B). Rows without a standard deviation (one seed) support none.
/// </summary>
public static class SeparatedOrderings
{
    public static IReadOnlyList<(string Higher, string Lower)> Of(IReadOnlyList<TableRow> rows, Func<PaperScores, double> score)
    {
        var found = new List<(string, string)>();
        for (int i = 0; i < rows.Count; i++)
            for (int j = i + 1; j < rows.Count; j++)
            {
                double mi = score(rows[i].Ours), si = score(rows[i].OursSd), mj = score(rows[j].Ours), sj = score(rows[j].OursSd);
                if (!double.IsFinite(si) || !double.IsFinite(sj)) continue;
                if (mi - si > mj + sj) found.Add((rows[i].Method, rows[j].Method));
                else if (mj - sj > mi + si) found.Add((rows[j].Method, rows[i].Method));
            }
        return found;
    }
}
