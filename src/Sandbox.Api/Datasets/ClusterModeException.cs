namespace Claims.Sandbox.Datasets;

/// <summary>
/// A request that needs a dataset opened in this process, for one a cluster serves (cluster mode): 501, since the
/// service sends the cluster queries, cohorts, extracts and models only so far; the dashboards run on an embedded service.
/// </summary>
public sealed class ClusterModeException(string dataset)
    : Exception($"the {dataset} dataset is served by a cluster, and this service sends it queries, cohort counts, extracts and model jobs only; the dashboards on it need the service in embedded mode");
