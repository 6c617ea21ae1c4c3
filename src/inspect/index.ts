export { inspectStore, type InspectReport, type SplitReport } from './report.js';
export { writeZipfSvg } from './zipf.js';
export { showBatch, formatShown, SHOW_TRUNC_AT, type ShownRow } from './show.js';
export { formatReport } from './format.js';
