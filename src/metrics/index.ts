export { argmaxRows, confusionMatrix, type ConfusionMatrix } from './confusion.js';
export { accuracy, classScores, report, type ClassificationReport, type ClassScores } from './scores.js';
export { formatConfusion, formatReport } from './table.js';
export { confusionSvg, type ConfusionSvgOptions } from './svg.js';
export { formatTopLosses, topLosses, type TopLoss } from './top-losses.js';
