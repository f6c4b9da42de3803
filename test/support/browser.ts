import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
/** How the browser tests launch Debian's Chromium: the flags that work on this machine, and the console's screen. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const VIEWPORT = { width: 1366, height: 768 };

/**
 * Debian's Chromium for a browser test of the console. With `screenshots`, Chinese is drawn with the Noto Sans SC the
 * project ships for its PDFs (a fontconfig file in `work` adds its folders; as scripts/screenshots.mjs does) and the
 * scrollbars are hidden, so the PNGs in docs/screenshots look the same on any machine.
 */
export async function launchConsoleBrowser(work: string, screenshots: boolean): Promise<Browser> {
  const fontconfig = join(work, 'fonts.conf');
  const fonts = join('node_modules', '@expo-google-fonts', 'noto-sans-sc');
  await writeFile(
    fontconfig,
    `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig>` +
      `<include ignore_missing="yes">/etc/fonts/fonts.conf</include>` +
      `<dir>${resolve(fonts, '400Regular')}</dir><dir>${resolve(fonts, '700Bold')}</dir>` +
      `<cachedir>${join(work, 'fontcache')}</cachedir></fontconfig>`,
  );
  return puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: screenshots ? [...CHROMIUM_ARGS, '--hide-scrollbars'] : CHROMIUM_ARGS,
    env: screenshots ? { ...process.env, FONTCONFIG_FILE: fontconfig } : process.env,
  });
}
