namespace Claims.Engine.Privacy;

/// <summary>A release that disclosure control refuses (a differencing attack, a restricted query without a project); the message says why.</summary>
public class DisclosureException(string message) : ClaimsException(message);

/// <summary>A release refused because the project's disclosure budget would be passed; an admin may grant more.</summary>
public sealed class DisclosureBudgetException(string message) : DisclosureException(message);
