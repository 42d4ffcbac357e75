using Claims.Engine.Privacy;
using Claims.Testing;

namespace Claims.Engine.Tests.Privacy;

/// <summary>The budget's arithmetic and refusal, and the rules every release lists, word for word.</summary>
public class BudgetAndRulesTests
{
    [Fact]
    public void The_budget_adds_each_release_s_cells_and_refuses_once_spent_naming_the_spend()
    {
        using var temp = new TempDirectory();
        var budget = new DisclosureBudget(temp.Combine("p", DisclosureBudget.FileName));
        Assert.Equal(0, budget.Spend(0));
        Assert.False(File.Exists(temp.Combine("p", DisclosureBudget.FileName)));
        Assert.Equal(3, budget.Spend(3));
        Assert.Equal(5, budget.Spend(2));
        Assert.Equal(5, new DisclosureBudget(temp.Combine("p", DisclosureBudget.FileName)).Spent);
        budget.RequireLeft(6, "study");
        Assert.Equal("project 'study' has spent its disclosure budget (5 of 5 figures); an admin can grant more",
            Assert.Throws<DisclosureBudgetException>(() => budget.RequireLeft(5, "study")).Message);
    }

    [Fact]
    public void The_rules_a_release_lists_say_what_was_done_in_full()
    {
        var policy = DisclosurePolicy.Default;
        Assert.Equal("perturbation (cell key method): each count is moved by −5 to +5 (variance 3.81) and shown only if it stays at 10 or more; " +
            "each sum counts what any one of its patients adds only up to the column's cap (the 99th percentile of their totals over the whole table) and moves by a Laplace draw of about twice that cap; " +
            "the same figure over the same records always gets the same answer, and totals are perturbed on their own, so cells need not add up to them",
            DisclosureRules.Perturbation(policy, "patients"));
        Assert.Equal("near cells: a cell whose patients are the same as, or fewer than about 10 apart from, those of a cell this project asked before " +
            "(in this release or an earlier one) is shown that cell's figures, so the same patients asked any way get the same answer", DisclosureRules.Differencing(policy, "patients"));
        Assert.Equal("counts first asked later: a count that a cell asked before was not kept with (rows of another table, any rows of a cohort's patients, " +
            "a count of a column's values the question that kept the cell did not ask or could not show, any count of a cell kept before December 2026) is shown as x when a later question asks it of that cell or one near it; ask it of a cell far from those asked before",
            DisclosureRules.Unkept("patients"));
        Assert.Equal("budget: project 'study' has spent 7 of its 20 figures (13 left; every cell shown costs one, x included, asked again or not)",
            DisclosureRules.Budget("study", new AggregateRelease(null, 7, 20)));
    }
}
