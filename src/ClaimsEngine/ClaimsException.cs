namespace Claims.Engine;

/// <summary>
/// Bad input or bad data that the caller can act on: an unknown table, a corrupt file, a malformed query.
/// Hosts turn it into a clear message (CLI) or a 4xx problem (API); anything else is a bug.
/// </summary>
public class ClaimsException(string message, Exception? inner = null) : Exception(message, inner);
