import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argmaxRows, confusionMatrix, confusionSvg, formatConfusion, formatReport, formatTopLosses, report, topLosses } from '../../src/metrics/index.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

// Expected values computed by hand formulas in numpy (tp / column sum, tp / row sum, 2pr / (p + r)).
const CASES = [
  {
    name: 'three classes',
    actual: [0, 0, 0, 1, 1, 2, 2, 2, 2, 1, 0, 2],
    predicted: [0, 1, 0, 1, 2, 2, 2, 0, 2, 1, 0, 1],
    c: 3,
    cm: [[3, 1, 0], [0, 2, 1], [1, 1, 3]],
    precision: [0.75, 0.5, 0.75],
    recall: [0.75, 2 / 3, 0.6],
    f1: [0.75, 0.5714285714285715, 0.6666666666666665],
    accuracy: 8 / 12,
    macroF1: 0.6626984126984127,
    weightedF1: 0.6706349206349206,
  },
  {
    name: 'a class never predicted and one never present (0/0 is 0, as sklearn)',
    actual: [0, 0, 1, 1],
    predicted: [0, 0, 0, 0],
    c: 3,
    cm: [[2, 0, 0], [2, 0, 0], [0, 0, 0]],
    precision: [0.5, 0, 0],
    recall: [1, 0, 0],
    f1: [2 / 3, 0, 0],
    accuracy: 0.5,
    macroF1: 2 / 9,
    weightedF1: 1 / 3,
  },
  {
    name: 'spam vs ham, all right',
    actual: [1, 0, 1],
    predicted: [1, 0, 1],
    c: 2,
    cm: [[1, 0], [0, 2]],
    precision: [1, 1],
    recall: [1, 1],
    f1: [1, 1],
    accuracy: 1,
    macroF1: 1,
    weightedF1: 1,
  },
];

test('confusion matrix, per-class precision/recall/F1, accuracy, macro and weighted F1 (table)', () => {
  for (const t of CASES) {
    const cm = confusionMatrix(t.actual, t.predicted, t.c);
    assert.deepEqual(cm, t.cm, t.name);
    const r = report(cm);
    r.perClass.forEach((s, k) => {
      close(s.precision, t.precision[k], `${t.name} precision[${k}]`);
      close(s.recall, t.recall[k], `${t.name} recall[${k}]`);
      close(s.f1, t.f1[k], `${t.name} f1[${k}]`);
      assert.equal(s.support, t.actual.filter((a) => a === k).length);
    });
    close(r.accuracy, t.accuracy, `${t.name} accuracy`);
    close(r.macroF1, t.macroF1, `${t.name} macro F1`);
    close(r.weightedF1, t.weightedF1, `${t.name} weighted F1`);
  }
  assert.throws(() => confusionMatrix([0, 3], [0, 0], 3), { code: 'WM_ERR_OPTION', message: /row 1 .*outside \[0, 3\)/ });
  assert.throws(() => confusionMatrix([0], [0, 1], 2), { code: 'WM_ERR_OPTION' });
  assert.deepEqual([...argmaxRows([0.1, 0.9, 0.5, 0.5, 0.7, 0.3], 2)], [1, 0, 0]);
});

test('the text report and matrix show every class and the figures', () => {
  const cm = confusionMatrix(CASES[0].actual, CASES[0].predicted, 3);
  const text = formatReport(report(cm), ['neg', 'neutral', 'pos']);
  assert.match(text, /neutral +0\.5000 +0\.6667 +0\.5714 +3/);
  assert.match(text, /macro F1 +0\.6627 +12/);
  assert.match(text, /accuracy +0\.6667 +12/);
  const m = formatConfusion(cm, ['neg', 'neutral', 'pos']).split('\n');
  assert.equal(m.length, 4);
  assert.match(m[3], /pos +1 +1 +3$/);
});

test('confusion SVG: one cell per pair with its count, labels escaped, darker for larger counts', () => {
  const svg = confusionSvg([[40, 2], [5, 13]], ['ham', 'sp<am>'], { title: 'SpamAssassin test' });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 4);
  for (const n of ['40', '2', '5', '13']) assert.match(svg, new RegExp(`>${n}</text>`));
  assert.match(svg, /sp&#60;am&#62;/);
  assert.doesNotMatch(svg, /sp<am>/);
  assert.match(svg, />Actual</);
  assert.match(svg, />Predicted</);
  const fills = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="rgb\((\d+),/g)].map((m) => Number(m[1]));
  assert.deepEqual(fills.map((_, i) => i).sort((a, b) => fills[a] - fills[b]), [0, 3, 2, 1], 'darkest for 40, then 13, 5, 2');
  const norm = confusionSvg([[40, 2], [5, 13]], ['ham', 'spam'], { normalize: true });
  assert.match(norm, />0\.95</);
  assert.match(norm, />0\.28</);
});

test('top losses: only misclassified documents, highest −ln p(actual) first, input indices kept; text table cut to width', () => {
  // 5 documents × 2 classes (probabilities per row).
  const probs = [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.05, 0.95, 0.5, 0.5];
  const actual = [1, 1, 1, 0, 0];
  const top = topLosses(probs, 2, actual, 10);
  assert.deepEqual(top.map((t) => t.index), [3, 0, 2]);
  close(top[0].loss, -Math.log(0.05), 'loss of doc 3');
  close(top[0].confidence, 0.95, 'p(pred) of doc 3');
  close(top[1].loss, -Math.log(0.1), 'loss of doc 0');
  assert.equal(top[2].predicted, 0);
  assert.deepEqual(topLosses(probs, 2, actual, 1).map((t) => t.index), [3]);
  const texts = ['free money now', 'x', 'click here', `${'long '.repeat(40)}end`, 'y'];
  const table = formatTopLosses(top, ['ham', 'spam'], (i) => texts[i], 30).split('\n');
  assert.equal(table.length, 4);
  assert.match(table[1], /^ +3 +ham +spam +0\.9500 +2\.9957 +long long .*…$/);
  assert.ok(table[1].endsWith('…') && table[1].split('  ').pop()!.length <= 30);
  assert.throws(() => topLosses([0.5], 2, [0], 1), { code: 'WM_ERR_OPTION' });
});
