// Opens N grid pages (one Blazor circuit each) in headless Debian chromium and reports how much the app's resident
// memory grew per open circuit. usage: node circuits.mjs <base-url> <app-pid> [circuits=20] [path=packages]
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

const [base, pid, count = '20', path = 'packages'] = process.argv.slice(2);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const open = async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(base + path);
  await page.waitForSelector("[data-interactive='true']", { timeout: 30000 });
  await page.waitForSelector("[data-testid='package-name']", { timeout: 30000 });
  return page;
};
// Warm up (JIT, caches) with one circuit, then measure the growth for N more.
const warm = await open();
await new Promise(r => setTimeout(r, 2000));
const before = rss();
const pages = [];
for (let i = 0; i < Number(count); i++) pages.push(await open());
await new Promise(r => setTimeout(r, 3000));
const after = rss();
console.log(JSON.stringify({ path, circuits: Number(count), rssBeforeMb: +before.toFixed(1), rssAfterMb: +after.toFixed(1), perCircuitMb: +((after - before) / Number(count)).toFixed(2) }));
await browser.close();
