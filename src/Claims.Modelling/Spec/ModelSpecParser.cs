using System.Text.Json;
using Claims.Engine.Cohorts;
using Claims.Engine.Query;
using Claims.Engine.Schema;
using Claims.Engine.Storage;

namespace Claims.Modelling.Spec;

/// <summary>Reads a model spec, checking every field and naming the first one that is wrong.</summary>
public static class ModelSpecParser
{
    /// <summary>A death as the cohorts' exit reads one: a diagnosis whose outcome (転帰) is 3, 死亡.</summary>
    private const string DeathEvent = """{"table": "diagnoses", "where": {"col": "outcome", "eq": 3}}""";

    /// <summary>The rows a quantity is read from: every receipt.</summary>
    private const string ReceiptEvent = """{"table": "receipts"}""";

    public static ModelSpec Parse(string json, ClaimsSchema? schema = null)
    {
        schema ??= ClaimsSchema.Default;
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement, schema, json);
        }
        catch (JsonException e)
        {
            throw new ModelSpecException("spec", $"is not valid JSON: {e.Message}");
        }
    }

    private static ModelSpec Parse(JsonElement root, ClaimsSchema schema, string json)
    {
        Object(root, "spec", "name", "description", "target", "outcome", "features", "model", "split");
        if (!root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
            throw new ModelSpecException("name", "is required: a name for the analysis");
        var spec = new ModelSpec(name.GetString()!, Target(root, schema), Outcome(root, schema), Features(root, schema), Model(root), Split(root), json);
        if (spec.Regression && spec.Model.Kind == TrainerKind.LogisticRegression)
            throw new ModelSpecException("model.kind", "a logistic regression predicts a yes/no outcome; a quantity is predicted by lightGbm or fastTree, with a linear regression fitted beside it as the baseline");
        return spec;
    }

    private static CohortDefinition Target(JsonElement root, ClaimsSchema schema)
    {
        if (!root.TryGetProperty("target", out var target))
            throw new ModelSpecException("target", "is required: the cohort to predict for, written as `claims cohort` takes it; each member's index month is the prediction time");
        try
        {
            return CohortParser.Parse(target, schema);
        }
        catch (QueryException e)
        {
            throw new ModelSpecException($"target.{e.Path}", e.Message[(e.Path.Length + 2)..]);
        }
    }

    private static OutcomeSpec Outcome(JsonElement root, ClaimsSchema schema)
    {
        if (!root.TryGetProperty("outcome", out var outcome))
            throw new ModelSpecException("outcome", "is required: the event to predict and its window, e.g. {\"table\": \"receipts\", \"where\": …, \"startDays\": 1, \"endDays\": 365}, or {\"death\": true, …}");
        Object(outcome, "outcome", "table", "where", "death", "quantity", "startDays", "endDays", "notObserved");
        var start = Int(outcome, "startDays", "outcome", 1, 0, 3650);
        var end = Int(outcome, "endDays", "outcome", 365, start, 3650);
        var death = Bool(outcome, "death", "outcome", false);
        if (death && (outcome.TryGetProperty("table", out _) || outcome.TryGetProperty("where", out _)))
            throw new ModelSpecException("outcome.death", "death is its own outcome (a diagnosis with outcome 3, 死亡, as a cohort's exit reads it): give either death or table and where, not both");
        OutcomeQuantity? quantity = null;
        if (outcome.TryGetProperty("quantity", out var q))
        {
            quantity = q.ValueKind == JsonValueKind.String ? q.GetString() switch
            {
                "points" => OutcomeQuantity.Points,
                "admissions" => OutcomeQuantity.Admissions,
                _ => null,
            } : null;
            if (quantity is null) throw new ModelSpecException("outcome.quantity", "must be \"points\" (the points of the member's receipts in the window) or \"admissions\" (their admissions, by distinct admission date)");
            if (death || outcome.TryGetProperty("table", out _) || outcome.TryGetProperty("where", out _))
                throw new ModelSpecException("outcome.quantity", "a quantity is its own outcome, read from the receipts: give either quantity, death, or table and where");
        }
        EventCriterion criterion;
        try
        {
            if (!death && quantity is null) criterion = CohortParser.Event(outcome, schema, "outcome");
            else
            {
                using var fixedEvent = JsonDocument.Parse(death ? DeathEvent : ReceiptEvent);
                criterion = CohortParser.Event(fixedEvent.RootElement, schema, "outcome");
            }
        }
        catch (QueryException e)
        {
            throw new ModelSpecException(e.Path, e.Message[(e.Path.Length + 2)..]);
        }
        var censor = !outcome.TryGetProperty("notObserved", out var n) ? false
            : n.ValueKind == JsonValueKind.String && n.GetString() is "exclude" or "censor" ? n.GetString() == "censor"
            : throw new ModelSpecException("outcome.notObserved", "must be \"exclude\" (members whose data end inside the window are left out, the default) or \"censor\" (kept, with the outcome as far as their data go)");
        return new OutcomeSpec(criterion, MonthWindow.FromDays(start, end), censor, quantity);
    }

    private static FeatureSpec Features(JsonElement root, ClaimsSchema schema)
    {
        var features = root.TryGetProperty("features", out var f) ? f : default;
        if (features.ValueKind == JsonValueKind.Undefined)
            return new FeatureSpec(true, DiagnosisLevel.Letter, true, true, [MonthWindow.FromDays(-365, -1)], 20);
        Object(features, "features", "demographics", "diagnoses", "drugs", "procedures", "utilisation", "windows", "minMembers", "checkups");
        DiagnosisLevel? diagnoses = DiagnosisLevel.Letter;
        if (features.TryGetProperty("diagnoses", out var d))
        {
            diagnoses = d.ValueKind switch
            {
                JsonValueKind.False or JsonValueKind.Null => null,
                JsonValueKind.String when d.GetString() == "letter" => DiagnosisLevel.Letter,
                JsonValueKind.String when d.GetString() == "category" => DiagnosisLevel.Category,
                _ => throw new ModelSpecException("features.diagnoses", "must be \"letter\" (ICD-10 chapter letter), \"category\" (three characters) or false"),
            };
        }
        var windows = new List<MonthWindow>();
        if (features.TryGetProperty("windows", out var w))
        {
            if (w.ValueKind != JsonValueKind.Array || w.GetArrayLength() == 0)
                throw new ModelSpecException("features.windows", "must be a non-empty list of [startDays, endDays] before the index, e.g. [[-365, -1], [-30, -1]]");
            var i = 0;
            foreach (var window in w.EnumerateArray())
            {
                var path = $"features.windows[{i++}]";
                if (window.ValueKind != JsonValueKind.Array || window.GetArrayLength() != 2 || window.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out _)))
                    throw new ModelSpecException(path, "must be [startDays, endDays], two whole numbers of days");
                var (from, to) = (window[0].GetInt32(), window[1].GetInt32());
                if (to > -1 || from > to || from < -3650)
                    throw new ModelSpecException(path, $"[{from}, {to}] must lie before the index: -3650 ≤ startDays ≤ endDays ≤ -1 (a feature from the index month on would see the outcome coming)");
                var months = MonthWindow.FromDays(from, to);
                // Features are named by their window's months: two windows of the same months would be one feature twice.
                if (windows.Contains(months)) throw new ModelSpecException(path, $"[{from}, {to}] covers the months {months} an earlier window covers; give each window other months");
                windows.Add(months);
            }
        }
        else windows.Add(MonthWindow.FromDays(-365, -1));
        return new FeatureSpec(Bool(features, "demographics", "features", true), diagnoses, Bool(features, "drugs", "features", true),
            Bool(features, "utilisation", "features", true), windows, Int(features, "minMembers", "features", 20, 1, 1_000_000))
        {
            Checkups = Checkups(features, schema),
            Procedures = Bool(features, "procedures", "features", false),
        };
    }

    /// <summary>
    /// Checkup items: the checkups table's measurements and answers (numbers and yes/no), not its ids, dates or the
    /// demographics, which the receipts give.
    /// </summary>
    private static List<string> Checkups(JsonElement features, ClaimsSchema schema)
    {
        if (!features.TryGetProperty("checkups", out var c)) return [];
        var items = schema.Table("checkups").Columns
            .Where(column => column.Type is LogicalType.Float32 or LogicalType.Int16 or LogicalType.Int8 or LogicalType.Bool
                && column.Name is not ("age" or "sex" or "prefecture" or "insurer_kind"))
            .Select(column => column.Name).ToList();
        if (c.ValueKind != JsonValueKind.Array || c.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            throw new ModelSpecException("features.checkups", $"must be a list of checkup items, e.g. [\"bmi\", \"sbp\", \"hba1c\"] (one of: {string.Join(", ", items)})");
        var chosen = new List<string>();
        var i = 0;
        foreach (var item in c.EnumerateArray().Select(v => v.GetString()!))
        {
            var path = $"features.checkups[{i++}]";
            if (!items.Contains(item)) throw new ModelSpecException(path, $"'{item}' is not a checkup item (one of: {string.Join(", ", items)})");
            if (chosen.Contains(item)) throw new ModelSpecException(path, $"'{item}' is listed twice");
            chosen.Add(item);
        }
        return chosen;
    }

    private static TrainerSpec Model(JsonElement root)
    {
        var model = root.TryGetProperty("model", out var m) ? m : default;
        if (model.ValueKind == JsonValueKind.Undefined) return new TrainerSpec(TrainerKind.LightGbm, 31, 20, 100, 0.1, 0, 1);
        Object(model, "model", "kind", "leaves", "minMembersPerLeaf", "iterations", "learningRate", "l1", "l2");
        var kind = TrainerKind.LightGbm;
        if (model.TryGetProperty("kind", out var k))
        {
            kind = k.ValueKind == JsonValueKind.String ? k.GetString() switch
            {
                "lightGbm" => TrainerKind.LightGbm,
                "fastTree" => TrainerKind.FastTree,
                "logisticRegression" => TrainerKind.LogisticRegression,
                _ => throw new ModelSpecException("model.kind", $"unknown trainer '{k.GetString()}' (expected lightGbm, fastTree or logisticRegression)"),
            } : throw new ModelSpecException("model.kind", "must be \"lightGbm\", \"fastTree\" or \"logisticRegression\"");
        }
        return new TrainerSpec(kind, Int(model, "leaves", "model", 31, 2, 256), Int(model, "minMembersPerLeaf", "model", 20, 1, 100_000),
            Int(model, "iterations", "model", 100, 1, 2000), Number(model, "learningRate", "model", 0.1, 0.001, 1),
            Number(model, "l1", "model", 0, 0, 100), Number(model, "l2", "model", 1, 0, 100));
    }

    private static SplitSpec Split(JsonElement root)
    {
        var split = root.TryGetProperty("split", out var s) ? s : default;
        if (split.ValueKind == JsonValueKind.Undefined) return new SplitSpec(0.25, 1);
        Object(split, "split", "by", "testFraction", "seed", "testFrom");
        var seed = Int(split, "seed", "split", 1, int.MinValue, int.MaxValue);
        var by = split.TryGetProperty("by", out var b) ? b.ValueKind == JsonValueKind.String ? b.GetString() : null : "patient";
        switch (by)
        {
            case "patient":
                if (split.TryGetProperty("testFrom", out _)) throw new ModelSpecException("split.testFrom", "is for a split by time: add \"by\": \"time\"");
                return new SplitSpec(Number(split, "testFraction", "split", 0.25, 0.05, 0.5), seed);
            case "time":
                if (split.TryGetProperty("testFraction", out _)) throw new ModelSpecException("split.testFraction", "is for a split by patient: a split by time takes testFrom");
                var from = Int(split, "testFrom", "split", 0, 0, 299912);
                if (!MonthKey.IsValid(from)) throw new ModelSpecException("split.testFrom", "is required for a split by time: the first month (YYYYMM) whose index months are the test set");
                return new SplitSpec(0, seed, from);
            default:
                throw new ModelSpecException("split.by", "must be \"patient\" (a share of patients held out) or \"time\" (members indexed from testFrom held out)");
        }
    }

    private static void Object(JsonElement element, string path, params string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new ModelSpecException(path, $"must be a JSON object, not {element.ValueKind.ToString().ToLowerInvariant()}");
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
                throw new ModelSpecException(path, $"unknown field '{property.Name}' (expected {string.Join(", ", known)})");
        }
    }

    private static int Int(JsonElement parent, string field, string path, int fallback, int min, int max)
    {
        if (!parent.TryGetProperty(field, out var value)) return fallback;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
            throw new ModelSpecException($"{path}.{field}", $"must be a whole number from {min} to {max}");
        return number;
    }

    private static double Number(JsonElement parent, string field, string path, double fallback, double min, double max)
    {
        if (!parent.TryGetProperty(field, out var value)) return fallback;
        if (value.ValueKind != JsonValueKind.Number || value.GetDouble() is var number && (number < min || number > max))
            throw new ModelSpecException($"{path}.{field}", $"must be a number from {min} to {max}");
        return number;
    }

    private static bool Bool(JsonElement parent, string field, string path, bool fallback)
    {
        if (!parent.TryGetProperty(field, out var value)) return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ModelSpecException($"{path}.{field}", "must be true or false"),
        };
    }
}
