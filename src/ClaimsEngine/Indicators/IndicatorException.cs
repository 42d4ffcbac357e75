namespace Claims.Engine.Indicators;

/// <summary>An indicator asked for that does not exist, or a filter it cannot take; the message names which.</summary>
public sealed class IndicatorException(string message) : ClaimsException(message);
