namespace Claims.Sandbox.Datasets;

/// <summary>A request for a dataset taken out of service (a file missing, cut short or failing its checksum): 503, naming the dataset and the file.</summary>
public sealed class DatasetUnavailableException(string dataset, string reason)
    : Exception($"the {dataset} dataset is unavailable: {reason}; the other datasets still serve")
{
    public string Dataset { get; } = dataset;
}
