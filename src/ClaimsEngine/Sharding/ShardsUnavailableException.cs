namespace Claims.Engine.Sharding;

/// <summary>
/// The shards could not answer: their hosts were lost past every retry, or the scatter ran past its deadline. No
/// fault of the question's (a service answers it 503, not 400), and nothing about the data.
/// </summary>
public sealed class ShardsUnavailableException(string message, Exception? inner = null) : ClaimsException(message, inner);
