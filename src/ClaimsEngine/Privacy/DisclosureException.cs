namespace Claims.Engine.Privacy;

/// <summary>A release that disclosure control refuses (a differencing attack, a restricted query without a project); the message says why.</summary>
public sealed class DisclosureException(string message) : ClaimsException(message);
