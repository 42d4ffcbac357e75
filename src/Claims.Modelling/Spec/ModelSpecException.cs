using Claims.Engine;

namespace Claims.Modelling.Spec;

/// <summary>A spec that cannot run, naming where in it the problem is (e.g. <c>model.leaves</c>).</summary>
public sealed class ModelSpecException(string path, string message) : ClaimsException($"{path}: {message}")
{
    public string Path { get; } = path;
}
