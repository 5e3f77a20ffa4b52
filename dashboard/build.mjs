// Copies the dashboard's third-party browser files out of node_modules into the places the service and the
// browser tests read them from. The output is committed, so running the service or `dotnet test` needs no Node;
// run this after changing a version in package.json:  cd dashboard && npm ci && npm run build
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const wwwVendor = join(root, 'src/Grassroots.Silo/wwwroot/vendor');
const testVendor = join(root, 'tests/Grassroots.Dashboard.Tests/Vendor');

// Each is a direct devDependency, so npm puts it at node_modules/<name> (some, like qrcode-generator, export no package.json).
const packageDir = name => join(here, 'node_modules', name);
const versionOf = name => JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')).version;

// The 31 provincial-level units the map must show (GB/T 2260), besides 台湾, 香港 and 澳门, which it also draws.
const provinces = ['110000', '120000', '130000', '140000', '150000', '210000', '220000', '230000', '310000', '320000',
  '330000', '340000', '350000', '360000', '370000', '410000', '420000', '430000', '440000', '450000', '460000', '500000',
  '510000', '520000', '530000', '540000', '610000', '620000', '630000', '640000', '650000'];

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
  console.log(`${relative(root, to)}  ←  ${relative(here, from)}`);
}

function checkChinaMap(file) {
  const map = JSON.parse(readFileSync(file, 'utf8'));
  const ids = new Set(map.features.map(f => f.id));
  const missing = provinces.filter(code => !ids.has(code));
  if (map.type !== 'FeatureCollection' || missing.length > 0)
    throw new Error(`${file}: not the expected China map (missing provinces: ${missing.join(', ')})`);
}

const echarts = packageDir('echarts');
copy(join(echarts, 'dist/echarts.esm.min.js'), join(wwwVendor, 'echarts.esm.min.js'));
copy(join(echarts, 'LICENSE'), join(wwwVendor, 'echarts.LICENSE.txt'));
copy(join(echarts, 'NOTICE'), join(wwwVendor, 'echarts.NOTICE.txt'));

// ECharts 5 stopped shipping map data; 4.9.0 is the last release that carries it, under the same Apache-2.0 licence.
const maps = packageDir('echarts-4-maps');
checkChinaMap(join(maps, 'map/json/china.json'));
copy(join(maps, 'map/json/china.json'), join(wwwVendor, 'china.json'));

// The branch officers' page (/branch/): IndexedDB made usable, and the service worker's registration and updates.
const idb = packageDir('idb');
copy(join(idb, 'build/index.js'), join(wwwVendor, 'idb.js'));
copy(join(idb, 'LICENSE'), join(wwwVendor, 'idb.LICENSE.txt'));
const workboxWindow = packageDir('workbox-window');
copy(join(workboxWindow, 'build/workbox-window.prod.mjs'), join(wwwVendor, 'workbox-window.js'));
copy(join(workboxWindow, 'LICENSE'), join(wwwVendor, 'workbox-window.LICENSE.txt'));

// QR codes of the sign-in links on the dashboard's key sheet. qrcode-generator ships an ES module whose header carries
// its MIT licence (the package has no LICENSE file); `qrcode` 1.5.4 ships only CommonJS sources, which need a bundler.
const qr = packageDir('qrcode-generator');
const qrModule = join(qr, 'dist/qrcode.mjs');
if (!readFileSync(qrModule, 'utf8').includes('Licensed under the MIT license')) throw new Error(`${qrModule}: its licence header changed`);
copy(qrModule, join(wwwVendor, 'qrcode-generator.js'));

// Tests only: reads the QR codes back, so a test knows a code holds a working sign-in link.
const jsqr = packageDir('jsqr');
copy(join(jsqr, 'dist/jsQR.js'), join(testVendor, 'jsQR.js'));
copy(join(jsqr, 'LICENSE'), join(testVendor, 'jsqr.LICENSE.txt'));

const axe = packageDir('axe-core');
copy(join(axe, 'axe.min.js'), join(testVendor, 'axe.min.js'));
copy(join(axe, 'LICENSE'), join(testVendor, 'axe-core.LICENSE.txt'));

const versions = {
  'echarts.esm.min.js': `echarts ${versionOf('echarts')} (Apache-2.0), dist/echarts.esm.min.js`,
  'china.json': `echarts ${versionOf('echarts-4-maps')} (Apache-2.0), map/json/china.json`,
  'idb.js': `idb ${versionOf('idb')} (ISC), build/index.js`,
  'workbox-window.js': `workbox-window ${versionOf('workbox-window')} (MIT), build/workbox-window.prod.mjs`,
  'qrcode-generator.js': `qrcode-generator ${versionOf('qrcode-generator')} (MIT, notice in the file's header), dist/qrcode.mjs`,
};
writeFileSync(join(wwwVendor, 'VERSIONS.txt'),
  'Written by dashboard/build.mjs (cd dashboard && npm ci && npm run build); do not edit by hand.\n' +
  Object.entries(versions).map(([file, from]) => `${file}: from ${from}\n`).join(''));
writeFileSync(join(testVendor, 'VERSIONS.txt'),
  'Written by dashboard/build.mjs (cd dashboard && npm ci && npm run build); do not edit by hand.\n' +
  `axe.min.js: from axe-core ${versionOf('axe-core')} (MPL-2.0), axe.min.js\n` +
  `jsQR.js: from jsqr ${versionOf('jsqr')} (Apache-2.0), dist/jsQR.js\n`);
console.log('done');
