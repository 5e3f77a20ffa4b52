// CSV files for spreadsheets: UTF-8 with a BOM (so Excel reads the Chinese), CRLF line ends.
import { saveBlob } from './api.js';

const cell = value => {
  const text = String(value ?? '');
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function saveCsv(fileName, header, rows) {
  const text = [header, ...rows].map(row => row.map(cell).join(',')).join('\r\n') + '\r\n';
  saveBlob(new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' }), fileName);
}
