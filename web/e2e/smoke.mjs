// Browser smoke test: opens the SPA, sets the API token, creates a droplet and waits until the list shows it.
// Usage: CG_WEB_URL=http://127.0.0.1:8081/ CG_TOKEN=... node e2e/smoke.mjs  (needs Debian's chromium)
import { execSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const WEB_URL = process.env.CG_WEB_URL;
const TOKEN = process.env.CG_TOKEN;
const DEADLINE_MS = Number(process.env.CG_SMOKE_TIMEOUT_MS ?? 60_000);
const SCREENSHOT = join(dirname(fileURLToPath(import.meta.url)), "smoke.png");

function fail(message) {
  console.error(`smoke: FAIL: ${message}`);
  process.exitCode = 1;
}

async function rowVisible(page, name, timeout) {
  try {
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('[data-testid="droplet-row"]')].some((r) => r.textContent.includes(n)),
      name,
      { timeout },
    );
    return true;
  } catch {
    return false;
  }
}

async function main() {
  if (!WEB_URL || !TOKEN) {
    fail("set CG_WEB_URL and CG_TOKEN");
    return;
  }
  const browser = await chromium.launch({
    executablePath: execSync("command -v chromium").toString().trim(),
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("pageerror", (err) => console.error(`smoke: page error: ${err.message}`));
  const name = `smoke-${randomBytes(4).toString("hex")}`;
  try {
    await page.goto(WEB_URL, { waitUntil: "domcontentloaded", timeout: DEADLINE_MS });
    await page.fill("#api-token", TOKEN);
    await page.click(".token-field button[type=submit]");

    const form = page.locator("form.create-form");
    await form.locator("input[name=name]").fill(name);
    await form.locator("select[name=region]").selectOption("nyc1");
    await form.locator("button[type=submit]").click();
    // The form re-enables its button once the POST answered; an alert then means the API refused.
    await form.locator("button[type=submit]:not([disabled])").waitFor({ timeout: DEADLINE_MS });
    const problem = form.locator('[role="alert"]');
    if (await problem.count()) throw new Error(`create refused: ${await problem.innerText()}`);

    await page.fill('input[aria-label="Search by name"]', name);
    const deadline = Date.now() + DEADLINE_MS;
    let found = false;
    while (!found && Date.now() < deadline) {
      found = await rowVisible(page, name, Math.min(5_000, Math.max(1, deadline - Date.now())));
      if (!found) await page.click('.droplet-list button:has-text("Refresh")');
    }
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    if (!found) throw new Error(`droplet ${name} did not appear in the list within ${DEADLINE_MS} ms`);
    console.log(`smoke: OK: ${name} listed; screenshot ${SCREENSHOT}`);
  } catch (err) {
    await page.screenshot({ path: SCREENSHOT, fullPage: true }).catch(() => {});
    fail(err instanceof Error ? err.message : String(err));
  } finally {
    await browser.close();
  }
}

main().catch((err) => fail(err instanceof Error ? err.stack ?? err.message : String(err)));
