#:package Microsoft.Playwright
#:property PublishAot=false

// Regenerates the console screenshots in this folder from a running demo (see take.sh): headless Chromium at 1280 px wide.
// Not run in CI. Usage: dotnet run docs/screenshots/Screenshots.cs -- BASE_URL ADMIN_PASSWORD OUTPUT_FOLDER
using Microsoft.Playwright;

var (baseUrl, password, output) = (args[0].TrimEnd('/'), args[1], args[2]);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = Environment.GetEnvironmentVariable("CREDO_TEST_CHROMIUM") ?? "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
var page = await context.NewPageAsync();
await page.GotoAsync("/Account/Login");
await page.GetByLabel("User name").FillAsync("admin");
await page.GetByLabel("Password").FillAsync(password);
await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

async Task ShotAsync(string path, string file)
{
    await page.GotoAsync(path);
    await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(output, file), FullPage = true });
    Console.WriteLine($"{file}: {path}");
}

await ShotAsync("/Administration/GlobalSettings/Credentials", "credentials.png");
await ShotAsync("/Administration/Integrations/EmailListeners", "listeners.png");
await page.GetByRole(AriaRole.Link, new() { Name = "Demo listener", Exact = true }).ClickAsync();
var overview = new Uri(page.Url).AbsolutePath;
await ShotAsync(overview, "listener-overview.png");
await ShotAsync(overview + "/Deliveries", "deliveries.png");
await ShotAsync(overview + "/Messages", "messages.png");
