// coverage-summary.cs: one line of line and branch coverage per src project, then one for all of src, merged over
// every test project's run. test.sh calls it after the tests; it reads the coverlet json files that test.sh
// collected into a folder and writes the same lines to summary.txt there.
//
//   dotnet run tools/coverage-summary.cs -- TestResults/coverage
//
// Merged from coverlet's json rather than its cobertura: cobertura gives each line only a count of covered
// branches, so two runs covering different branches of one line could not be told apart from one run covering
// the same branch twice; the json names every branch (method, IL offset, path).
#:property ManagePackageVersionsCentrally=false
using System.Globalization;
using System.Text.Json;

var folder = args.Length == 1 ? args[0] : throw new ArgumentException("usage: coverage-summary.cs <folder of coverlet json files>");
var files = Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).ToArray();
if (files.Length == 0) throw new FileNotFoundException($"no coverlet json files in {folder}");

// Per src project: each line (document, number) and each branch, true once any run reached it.
var lines = new Dictionary<string, Dictionary<string, bool>>(StringComparer.Ordinal);
var branches = new Dictionary<string, Dictionary<string, bool>>(StringComparer.Ordinal);
foreach (var file in files)
{
    using var json = JsonDocument.Parse(File.ReadAllBytes(file));
    foreach (var module in json.RootElement.EnumerateObject())
    foreach (var document in module.Value.EnumerateObject())
    {
        var project = ProjectOf(document.Name);
        var projectLines = lines.TryGetValue(project, out var l) ? l : lines[project] = new(StringComparer.Ordinal);
        var projectBranches = branches.TryGetValue(project, out var b) ? b : branches[project] = new(StringComparer.Ordinal);
        foreach (var type in document.Value.EnumerateObject())
        foreach (var method in type.Value.EnumerateObject())
        {
            foreach (var line in method.Value.GetProperty("Lines").EnumerateObject())
                Mark(projectLines, $"{document.Name}:{line.Name}", line.Value.GetInt32() > 0);
            foreach (var branch in method.Value.GetProperty("Branches").EnumerateArray())
            {
                var key = string.Join(':', document.Name, method.Name, Field(branch, "Line"), Field(branch, "Offset"),
                    Field(branch, "EndOffset"), Field(branch, "Path"), Field(branch, "Ordinal"));
                Mark(projectBranches, key, branch.GetProperty("Hits").GetInt32() > 0);
            }
        }
    }
}

var report = lines.Keys.Order(StringComparer.Ordinal)
    .Select(project => Line(project, lines[project].Values, branches[project].Values))
    .Append(Line("all of src", lines.Values.SelectMany(v => v.Values), branches.Values.SelectMany(v => v.Values)))
    .ToArray();
File.WriteAllLines(Path.Combine(folder, "summary.txt"), report);
foreach (var line in report) Console.WriteLine(line);

static void Mark(Dictionary<string, bool> reached, string key, bool hit) =>
    reached[key] = hit || (reached.TryGetValue(key, out var before) && before);

static string Field(JsonElement branch, string name) => branch.GetProperty(name).GetInt32().ToString(CultureInfo.InvariantCulture);

// Documents are absolute paths; the folder after the last src/ names the project (generated files sit in its obj/).
static string ProjectOf(string document)
{
    var parts = document.Replace('\\', '/').Split('/');
    var src = Array.LastIndexOf(parts, "src");
    return src >= 0 && src + 1 < parts.Length ? parts[src + 1] : "(outside src)";
}

static string Line(string name, IEnumerable<bool> lines, IEnumerable<bool> branches) =>
    string.Create(CultureInfo.InvariantCulture, $"coverage {name}: lines {Percent(lines)}, branches {Percent(branches)}");

static string Percent(IEnumerable<bool> reached)
{
    var all = reached.ToArray();
    var hit = all.Count(r => r);
    return all.Length == 0
        ? "n/a (0 of 0)"
        : string.Create(CultureInfo.InvariantCulture, $"{100.0 * hit / all.Length:F1}% ({hit} of {all.Length})");
}
