using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Credo.Server.Pages;

/// <summary>
/// The sentence shown once at the top of the page an action redirects to ("Poll requested."), through TempData, so every
/// action can post, redirect and get.
/// </summary>
public static class Notice
{
    /// <summary>The TempData key.</summary>
    public const string Key = "Notice";

    /// <summary>Shows <paramref name="text"/> on the next page.</summary>
    public static void Set(ITempDataDictionary tempData, string text)
    {
        ArgumentNullException.ThrowIfNull(tempData);
        tempData[Key] = text;
    }
}
