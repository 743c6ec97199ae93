// Drives Debian's firefox-esr over WebDriver BiDi (puppeteer-core; no browser or driver is ever downloaded),
// for tests/engine_drivers.py: one JSON command a line on stdin, one JSON answer a line on stdout.
//   node firefox_bridge.mjs <firefox executable> <width> <height>
// Commands: {"op": "goto", "url"} | {"op": "js", "body", "args"} (a function body using `arguments`, as
// Selenium's execute_script) | {"op": "click", "selector"} | {"op": "select", "selector", "label"} |
// {"op": "press", "key"} | {"op": "type", "text"} (into the focused element) | {"op": "screenshot", "path"} |
// {"op": "close"}.
// Answers: {"ok": value} or {"error": message}. The first line out is {"ok": "<browser version>"} once launched.
import readline from "node:readline";
import puppeteer from "puppeteer-core";

const [executablePath, width, height] = process.argv.slice(2);
const say = (answer) => process.stdout.write(JSON.stringify(answer) + "\n");

let browser;
try {
  browser = await puppeteer.launch({
    browser: "firefox",
    protocol: "webDriverBiDi",
    executablePath,
    headless: true,
    defaultViewport: { width: Number(width), height: Number(height) },
    // Nothing but the pages the test opens: no update checks or other traffic from the browser itself.
    extraPrefsFirefox: {
      "app.update.enabled": false,
      "network.captive-portal-service.enabled": false,
      "network.connectivity-service.enabled": false,
      "browser.safebrowsing.malware.enabled": false,
      "browser.safebrowsing.phishing.enabled": false,
    },
  });
} catch (err) {
  say({ error: `firefox did not start: ${err.message}` });
  process.exit(1);
}
// A new tab, in front: the tab Firefox starts with never gets the focus here, and JupyterLab knows which document
// is current (so which menu items apply) from focus events, as in a learner's window.
const page = await browser.newPage();
await page.setViewport({ width: Number(width), height: Number(height) });
await page.bringToFront();
say({ ok: await browser.version() });

const ops = {
  goto: async ({ url }) => {
    await page.goto(url, { waitUntil: "load", timeout: 90_000 });
  },
  js: async ({ body, args }) => page.evaluate((b, a) => new Function(b).apply(null, a), body, args ?? []),
  click: async ({ selector }) => {
    const el = await page.$(selector);
    if (!el) throw new Error(`nothing matches ${selector}`);
    await el.click(); // scrolls it into view, then real pointer input at its centre
  },
  select: async ({ selector, label }) => {
    const value = await page.$eval(selector, (s, l) => {
      const opt = [...s.options].find((o) => o.text.replace(/\u00a0/g, " ").trim() === l);
      return opt ? opt.value : null;
    }, label);
    if (value === null) throw new Error(`no option "${label}" in ${selector}`);
    await page.select(selector, value);
  },
  press: async ({ key }) => page.keyboard.press(key === "Space" ? " " : key),
  type: async ({ text }) => page.keyboard.type(text),
  screenshot: async ({ path }) => {
    await page.screenshot({ path });
  },
};

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const cmd = JSON.parse(line);
  if (cmd.op === "close") break;
  try {
    const value = await ops[cmd.op](cmd);
    say({ ok: value ?? null });
  } catch (err) {
    say({ error: String(err && err.message ? err.message : err) });
  }
}
await browser.close();
say({ ok: "closed" });
process.exit(0); // stdin may still be open: do not wait for it
