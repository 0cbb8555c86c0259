// Draws the demo stories' lead images: one flat illustration per story, as SVG, rasterised to JPEG by
// Chromium into public/demo/<slug>.jpg (mail clients show JPEG and PNG, not SVG).
// Usage: tsx scripts/demo-images.ts   (needs /usr/bin/chromium; the files are committed)
import { writeFileSync } from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { DEMO_ARTICLES, demoImageFile } from "#src/demo/content.js";
import { PUBLIC_DIR } from "#src/paths.js";

const [W, H] = [800, 450];

/** One drawing: a sky gradient (top, bottom), a ground colour, and the motif's shapes. */
interface Scene {
  sky: [string, string];
  ground: string;
  motif: (accent: string) => string;
  accent: string;
}

const waves = (y: number, color: string) =>
  `<path d="M0 ${y} ${Array.from({ length: 9 }, (_, i) => `Q${i * 100 + 50} ${y - 12} ${i * 100 + 100} ${y}`).join(" ")} V${H} H0Z" fill="${color}"/>`;
const ship = (x: number, y: number, s: number, hull: string) =>
  `<g transform="translate(${x} ${y}) scale(${s})"><path d="M0 0 H300 L270 50 H30Z" fill="${hull}"/><rect x="90" y="-45" width="110" height="45" fill="${hull}"/><rect x="130" y="-90" width="20" height="45" fill="${hull}"/><rect x="105" y="-35" width="80" height="10" fill="#dfe7f1" opacity=".6"/></g>`;
const columns = (x: number, y: number, n: number, color: string) =>
  `<g fill="${color}"><path d="M${x - 20} ${y} L${x + n * 45 + 5} ${y - 70} L${x + n * 90 + 30} ${y}Z"/>${Array.from({ length: n * 2 }, (_, i) => `<rect x="${x + i * 45}" y="${y + 10}" width="22" height="150"/>`).join("")}<rect x="${x - 30}" y="${y + 160}" width="${n * 90 + 70}" height="20"/></g>`;
const dome = (x: number, y: number, color: string) =>
  `<g fill="${color}"><rect x="${x - 180}" y="${y}" width="360" height="110"/><rect x="${x - 80}" y="${y - 40}" width="160" height="40"/><path d="M${x - 80} ${y - 40} A80 90 0 0 1 ${x + 80} ${y - 40}Z"/><rect x="${x - 6}" y="${y - 165}" width="12" height="40"/></g>`;
const bars = (values: number[], color: string) =>
  values.map((v, i) => `<rect x="${140 + i * 90}" y="${370 - v}" width="60" height="${v}" rx="4" fill="${color}"/>`).join("");
const sun = (x: number, y: number, r: number, color: string) => `<circle cx="${x}" cy="${y}" r="${r}" fill="${color}"/>`;
const hills = (color: string) => `<path d="M0 330 Q150 240 300 320 T600 300 T800 310 V450 H0Z" fill="${color}"/>`;
const house = (x: number, y: number, s: number, wall: string, roof: string) =>
  `<g transform="translate(${x} ${y}) scale(${s})"><rect x="0" y="40" width="100" height="80" fill="${wall}"/><path d="M-10 45 L50 0 L110 45Z" fill="${roof}"/><rect x="40" y="80" width="22" height="40" fill="${roof}"/></g>`;
const flag = (x: number, y: number, colors: string[]) =>
  `<g><rect x="${x}" y="${y}" width="6" height="220" fill="#d9d9d9"/>${colors.map((c, i) => `<rect x="${x + 6}" y="${y + i * (70 / colors.length)}" width="110" height="${70 / colors.length}" fill="${c}"/>`).join("")}</g>`;
const globe = (x: number, y: number, r: number, color: string) =>
  `<g fill="none" stroke="${color}" stroke-width="6"><circle cx="${x}" cy="${y}" r="${r}"/><ellipse cx="${x}" cy="${y}" rx="${r * 0.45}" ry="${r}"/><line x1="${x - r}" y1="${y}" x2="${x + r}" y2="${y}"/><path d="M${x - r * 0.87} ${y - r * 0.5} H${x + r * 0.87} M${x - r * 0.87} ${y + r * 0.5} H${x + r * 0.87}"/></g>`;
const train = (x: number, y: number, color: string) =>
  `<g><rect x="${x}" y="${y}" width="520" height="90" rx="30" fill="${color}"/>${Array.from({ length: 6 }, (_, i) => `<rect x="${x + 60 + i * 75}" y="${y + 18}" width="50" height="30" rx="4" fill="#dfe7f1"/>`).join("")}<rect x="0" y="${y + 100}" width="${W}" height="8" fill="#4a4a4a"/></g>`;
const box = (x: number, y: number, color: string) =>
  `<g><rect x="${x}" y="${y}" width="200" height="160" fill="${color}"/><rect x="${x + 60}" y="${y + 20}" width="80" height="10" fill="#1b1b1b"/><rect x="${x + 75}" y="${y - 70}" width="50" height="90" fill="#ffffff" transform="rotate(8 ${x + 100} ${y})"/></g>`;
const jet = (x: number, y: number, s: number, color: string) =>
  `<path transform="translate(${x} ${y}) scale(${s})" d="M0 0 L120 -20 L170 0 L120 20Z M60 -8 L40 -70 L80 -10Z M60 8 L40 70 L80 10Z" fill="${color}"/>`;

const SCENES: Record<string, Scene> = {
  "pentagon-budget-request-2027": {
    sky: ["#8ecae6", "#dceef7"],
    ground: "#6a994e",
    accent: "#5c6670",
    motif: (a) =>
      `<path d="M400 120 L520 205 L475 345 L325 345 L280 205Z" fill="${a}"/><path d="M400 185 L460 228 L437 298 L363 298 L340 228Z" fill="#6a994e"/>`,
  },
  "navy-new-frigate-sea-trials": {
    sky: ["#9aa5b1", "#cbd2d9"],
    ground: "#1d3557",
    accent: "#52606d",
    motif: (a) => ship(240, 290, 1.1, a) + waves(360, "#1d3557"),
  },
  "army-recruiting-rebounds": {
    sky: ["#f1faee", "#e9edc9"],
    ground: "#ccd5ae",
    accent: "#4f772d",
    motif: (a) => bars([90, 70, 60, 120, 190], a) + sun(650, 90, 40, "#f4a261"),
  },
  "veterans-benefits-backlog": { sky: ["#fefae0", "#faedcd"], ground: "#d4a373", accent: "#bc6c25", motif: (a) => bars([220, 190, 150, 110, 80], a) },
  "us-iraq-talks": {
    sky: ["#e0e1dd", "#f8f9fa"],
    ground: "#778da9",
    accent: "#415a77",
    motif: (a) => columns(180, 170, 3, a) + flag(230, 130, ["#b22234", "#ffffff", "#3c3b6e"]) + flag(470, 130, ["#ce1126", "#ffffff", "#000000"]),
  },
  "air-force-drone-wingmen": {
    sky: ["#023e8a", "#90e0ef"],
    ground: "#caf0f8",
    accent: "#1b263b",
    motif: (a) => jet(330, 160, 1.2, a) + jet(150, 260, 0.8, a) + jet(560, 270, 0.8, a),
  },
  "military-housing-mold-report": {
    sky: ["#adb5bd", "#dee2e6"],
    ground: "#6c757d",
    accent: "#495057",
    motif: (a) =>
      [0, 1, 2, 3].map((i) => house(120 + i * 150, 220, 1.1, "#e9ecef", a)).join("") + `<circle cx="200" cy="290" r="14" fill="#606c38" opacity=".7"/>`,
  },
  "coast-guard-arctic-icebreaker": {
    sky: ["#caf0f8", "#ffffff"],
    ground: "#ade8f4",
    accent: "#d00000",
    motif: (a) => ship(220, 280, 1.1, a) + waves(350, "#48cae4") + `<path d="M0 380 L120 350 L200 390Z M560 370 L700 345 L800 380 V450 H520Z" fill="#ffffff"/>`,
  },
  "cyber-command-reorganisation": {
    sky: ["#0b132b", "#1c2541"],
    ground: "#0b132b",
    accent: "#5bc0be",
    motif: (a) =>
      `<g stroke="${a}" stroke-width="4">${[
        [200, 120, 400, 220],
        [400, 220, 600, 130],
        [400, 220, 300, 350],
        [400, 220, 520, 340],
        [200, 120, 300, 350],
      ]
        .map(([x1, y1, x2, y2]) => `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>`)
        .join("")}</g>${[
        [200, 120],
        [400, 220],
        [600, 130],
        [300, 350],
        [520, 340],
      ]
        .map(([x, y]) => `<circle cx="${x}" cy="${y}" r="22" fill="${a}"/>`)
        .join("")}`,
  },
  "navy-shipyard-workforce": {
    sky: ["#ffb703", "#ffe8a3"],
    ground: "#6c757d",
    accent: "#343a40",
    motif: (a) =>
      `<g fill="${a}"><rect x="560" y="60" width="20" height="300"/><rect x="380" y="60" width="300" height="16"/><rect x="420" y="76" width="4" height="120"/></g>` +
      ship(120, 300, 1, "#495057") +
      sun(210, 290, 10, "#fff3b0"),
  },
  "senate-passes-rail-safety-bill": {
    sky: ["#d8e2dc", "#ffe5d9"],
    ground: "#9d8189",
    accent: "#6d597a",
    motif: (a) => dome(400, 180, a) + train(140, 330, "#b56576"),
  },
  "fed-holds-rates": {
    sky: ["#e9ecef", "#f8f9fa"],
    ground: "#adb5bd",
    accent: "#6c757d",
    motif: (a) => columns(210, 160, 2, a) + `<path d="M80 120 H260" stroke="#2a9d8f" stroke-width="8"/>`,
  },
  "supreme-court-water-rights": {
    sky: ["#ffddd2", "#fff1e6"],
    ground: "#e29578",
    accent: "#fefae0",
    motif: (a) => columns(200, 150, 2, a) + `<path d="M0 420 Q200 360 400 410 T800 400 V450 H0Z" fill="#006d77"/>`,
  },
  "housing-starts-rise": {
    sky: ["#bde0fe", "#e7f1fb"],
    ground: "#a7c957",
    accent: "#bc4749",
    motif: (a) =>
      house(140, 210, 1.2, "#f2e8cf", a) +
      house(340, 230, 1, "#f2e8cf", a) +
      `<g fill="none" stroke="#6a4c93" stroke-width="8"><rect x="540" y="200" width="140" height="130"/><path d="M530 205 L610 140 L690 205"/></g>`,
  },
  "wildfire-season-ends-california": {
    sky: ["#ffba08", "#faa307"],
    ground: "#6a040f",
    accent: "#370617",
    motif: (a) => sun(600, 120, 60, "#fff3b0") + hills(a) + `<path d="M200 330 q20 -60 40 -10 q10 -40 30 0 q10 20 -10 40Z" fill="#e85d04"/>`,
  },
  "election-officials-audit": {
    sky: ["#f1faee", "#a8dadc"],
    ground: "#457b9d",
    accent: "#1d3557",
    motif: (a) => box(300, 200, a) + flag(80, 140, ["#b22234", "#ffffff", "#3c3b6e"]),
  },
  "teacher-shortage-rural-schools": {
    sky: ["#cdeac0", "#fdf8e1"],
    ground: "#9bc53d",
    accent: "#c0392b",
    motif: (a) => house(280, 150, 2, "#fae588", a) + `<rect x="372" y="100" width="6" height="60" fill="#555"/>` + sun(120, 90, 35, "#f9c74f"),
  },
  "inflation-report-october": {
    sky: ["#ffffff", "#edf2f4"],
    ground: "#edf2f4",
    accent: "#ef233c",
    motif: (a) =>
      `<polyline points="80,140 220,120 360,200 500,230 640,280 740,290" fill="none" stroke="${a}" stroke-width="10" stroke-linejoin="round"/>` +
      bars([40, 40, 40, 40, 40, 40], "#8d99ae"),
  },
  "flood-insurance-overhaul": {
    sky: ["#6c757d", "#adb5bd"],
    ground: "#4895ef",
    accent: "#f8f9fa",
    motif: (a) => house(200, 200, 1.4, a, "#495057") + house(440, 210, 1.2, a, "#495057") + waves(340, "#4361ee"),
  },
  "amtrak-ridership-record": {
    sky: ["#ffd6a5", "#fdffb6"],
    ground: "#caffbf",
    accent: "#1d4e89",
    motif: (a) => train(140, 220, a) + sun(150, 110, 45, "#ffadad"),
  },
  "un-climate-talks-open": {
    sky: ["#caf0f8", "#90e0ef"],
    ground: "#0077b6",
    accent: "#023e8a",
    motif: (a) => globe(400, 200, 130, a) + sun(660, 90, 40, "#ffb703"),
  },
  "eu-trade-deal-mercosur": {
    sky: ["#003399", "#3355aa"],
    ground: "#009c3b",
    accent: "#ffcc00",
    motif: (a) =>
      Array.from(
        { length: 12 },
        (_, i) => `<circle cx="${400 + 120 * Math.cos((i * Math.PI) / 6)}" cy="${200 + 120 * Math.sin((i * Math.PI) / 6)}" r="12" fill="${a}"/>`,
      ).join(""),
  },
  "japan-election-result": {
    sky: ["#fff0f3", "#ffffff"],
    ground: "#ffccd5",
    accent: "#bc002d",
    motif: (a) => sun(400, 190, 110, a) + box(560, 250, "#495057"),
  },
  "iraq-oil-exports-resume": {
    sky: ["#fcbf49", "#fde4b0"],
    ground: "#d62828",
    accent: "#003049",
    motif: (a) =>
      `<g fill="none" stroke="${a}" stroke-width="10"><path d="M300 360 L380 120 L460 360 M330 270 H430 M350 200 H410"/></g><rect x="0" y="380" width="${W}" height="20" fill="${a}"/>` +
      sun(640, 110, 50, "#fff3b0"),
  },
  "ukraine-grain-corridor": {
    sky: ["#0057b7", "#6fa8e6"],
    ground: "#ffd700",
    accent: "#22333b",
    motif: (a) =>
      `<rect x="0" y="360" width="${W}" height="90" fill="#ffd700"/>` + ship(180, 300, 0.9, a) + waves(355, "#1d4e89") + ship(520, 310, 0.6, "#5e503f"),
  },
  "india-heatwave-records": {
    sky: ["#ff7b00", "#ffb700"],
    ground: "#9c6644",
    accent: "#ffea00",
    motif: (a) =>
      sun(400, 170, 90, a) +
      `<g stroke="#ff4800" stroke-width="6" fill="none">${[150, 300, 500, 650].map((x) => `<path d="M${x} 400 q20 -30 0 -60 q-20 -30 0 -60"/>`).join("")}</g>`,
  },
  "mexico-judicial-reform": {
    sky: ["#006847", "#2a8f6b"],
    ground: "#ce1126",
    accent: "#ffffff",
    motif: (a) =>
      `<g fill="${a}"><rect x="394" y="90" width="12" height="250"/><rect x="240" y="110" width="320" height="10"/><path d="M250 120 L210 220 H290Z M550 120 L510 220 H590Z"/><rect x="330" y="340" width="140" height="20"/></g>`,
  },
  "nato-summit-spending": {
    sky: ["#001f5b", "#30477e"],
    ground: "#dfe7f1",
    accent: "#ffffff",
    motif: (a) =>
      `<g fill="${a}"><path d="M400 60 L430 190 L400 320 L370 190Z"/><path d="M270 190 L400 160 L530 190 L400 220Z"/></g>` +
      [120, 230, 570, 680].map((x) => flag(x, 250, ["#8ecae6", "#219ebc", "#023047"])).join(""),
  },
  "artemis-moon-landing-date": {
    sky: ["#03071e", "#14213d"],
    ground: "#03071e",
    accent: "#e5e5e5",
    motif: (a) =>
      sun(560, 160, 110, a) +
      `<circle cx="520" cy="130" r="18" fill="#c9c9c9"/><circle cx="600" cy="200" r="12" fill="#c9c9c9"/>` +
      `<path d="M220 380 L250 220 L280 380Z" fill="#fca311"/><path d="M250 180 L275 230 H225Z" fill="${a}"/>`,
  },
  "battery-recycling-plant": {
    sky: ["#d8f3dc", "#b7e4c7"],
    ground: "#74c69d",
    accent: "#1b4332",
    motif: (a) =>
      `<rect x="290" y="110" width="220" height="260" rx="16" fill="${a}"/><rect x="360" y="86" width="80" height="30" rx="6" fill="${a}"/>` +
      `<path d="M410 150 L360 250 H400 L380 330 L450 220 H410 L430 150Z" fill="#ffd60a"/>`,
  },
};

function svg(scene: Scene): string {
  const [top, bottom] = scene.sky;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient></defs><rect width="${W}" height="${H}" fill="url(#sky)"/><rect y="${H - 70}" width="${W}" height="70" fill="${scene.ground}"/>${scene.motif(scene.accent)}</svg>`;
}

const missing = DEMO_ARTICLES.filter((a) => !SCENES[a.slug]).map((a) => a.slug);
if (missing.length) throw new Error(`demo-images: no scene for ${missing.join(", ")}`);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: W, height: H } });
for (const article of DEMO_ARTICLES) {
  await page.setContent(`<body style="margin:0">${svg(SCENES[article.slug]!)}</body>`);
  const file = path.join(PUBLIC_DIR, "demo", demoImageFile(article.slug));
  writeFileSync(file, await page.screenshot({ type: "jpeg", quality: 78, clip: { x: 0, y: 0, width: W, height: H } }));
  console.log(file);
}
await browser.close();
