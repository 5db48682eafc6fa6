// The report page: one self-contained HTML file. The page's CSS and JS are hand-written files in
// ./assets (copied next to this module by the build) inlined here; the data goes in a JSON script block.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReportData } from './data';

const ASSETS = ['report.css', 'report.js'] as const;

function readAsset(name: (typeof ASSETS)[number]): string {
  return fs.readFileSync(path.join(__dirname, 'assets', name), 'utf8');
}

/**
 * JSON that is safe inside `<script type="application/json">`: `<` is written as `\u003c`, so no
 * captured body can close the element (`</script>`) or open a comment (`<!--`) that changes how the HTML
 * parser ends it. U+2028/U+2029 are escaped too, for tools that eval it. `JSON.parse` gives back the
 * same text.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The whole page as a string. */
export function buildReportHtml(data: ReportData): string {
  const css = readAsset('report.css');
  const js = readAsset('report.js');
  // The policy forbids every fetch, image, font, frame and connection, and only runs this page's own
  // script (by hash): opened from file:// or an attachment, the page cannot contact anything.
  const scriptHash = createHash('sha256').update(js, 'utf8').digest('base64');
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(data.title)}</title>
<style>${css}</style>
</head>
<body>
<noscript><p>This report needs JavaScript to draw its tables and charts; the data is in the page as JSON.</p></noscript>
<div id="app"></div>
<script type="application/json" id="wiretap-data">${embedJson(data)}</script>
<script>${js}</script>
</body>
</html>
`;
}
