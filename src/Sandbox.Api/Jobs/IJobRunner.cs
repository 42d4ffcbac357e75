namespace Claims.Sandbox.Jobs;

/// <summary>
/// Runs the jobs of one kind ("extract", "model"). A run starts from scratch
/// in its work directory, which is empty, and returns its result file inside it; a refusal or bad
/// input throws a ClaimsException, whose message becomes the job's error.
/// </summary>
public interface IJobRunner
{
    string Kind { get; }

    JobResult Run(Job job, string workDirectory, CancellationToken cancellation);
}
