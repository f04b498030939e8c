// Writes dist/: the sources in src/ as they are, plus Leaflet's dist files vendored under
// vendor/leaflet-<version>/ (a versioned path, so the server may cache them for good).
// No bundler: the browser loads the ES modules directly.
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);

const leafletPackage = require.resolve('leaflet/package.json');
const leaflet = JSON.parse(await readFile(leafletPackage, 'utf8'));
const leafletDist = join(dirname(leafletPackage), 'dist');
const vendorDir = `vendor/leaflet-${leaflet.version}`;

// Both languages must say everything: a key missing in one would show as its raw name.
const { STRINGS } = await import('./src/js/strings.js');
const [first, ...others] = Object.entries(STRINGS);
for (const [name, strings] of others) {
  const missing = Object.keys(first[1]).filter((k) => !(k in strings)).map((k) => `${name} lacks ${k}`);
  const extra = Object.keys(strings).filter((k) => !(k in first[1])).map((k) => `${first[0]} lacks ${k}`);
  if (missing.length || extra.length) throw new Error(`strings.js:\n${[...missing, ...extra].join('\n')}`);
}

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await cp(src, dist, { recursive: true });

// Only what the page loads: the minified script, its stylesheet and the images it refers to.
await mkdir(join(dist, vendorDir, 'images'), { recursive: true });
for (const file of ['leaflet.js', 'leaflet.css']) {
  await cp(join(leafletDist, file), join(dist, vendorDir, file));
}
for (const image of await readdir(join(leafletDist, 'images'))) {
  await cp(join(leafletDist, 'images', image), join(dist, vendorDir, 'images', image));
}
// The source map comment would make devtools ask for a file that is not shipped.
const script = join(dist, vendorDir, 'leaflet.js');
const code = await readFile(script, 'utf8');
await writeFile(script, code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));

// The one placeholder in the sources: the vendored Leaflet's directory.
const index = join(dist, 'index.html');
const html = await readFile(index, 'utf8');
if (!html.includes('@LEAFLET@')) throw new Error('src/index.html no longer refers to @LEAFLET@');
await writeFile(index, html.replaceAll('@LEAFLET@', `/${vendorDir}`));

console.log(`web/dist written (Leaflet ${leaflet.version} in ${vendorDir})`);
