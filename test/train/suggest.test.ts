import test from 'node:test';
import assert from 'node:assert/strict';
import { valley, steep, minimum, slide, gradient, trimmed, suggest, parseSuggest, SUGGEST_METHODS, type LrPoint } from '../../src/train/suggest.js';

/**
 * Fixed loss curves; the expected lrs were computed with fastai's own formulas (callback/schedule.py:
 * valley, steep, minimum, slide with lr_diff 15, thresh .005, adjust_value 1) in numpy
 * (test/train/suggest_ref.py prints them; the tests need no Python).
 */
const CASES: { name: string; valley: number; steep: number; minimum: number; slide: number; lrs: number[]; losses: number[] }[] = [
  {"name": "u-shape 100", "valley": 0.008497534, "steep": 0.2009233, "minimum": 0.07390722, "slide": 0.03764936, "lrs": [1e-07, 1.204504e-07, 1.450829e-07, 1.747528e-07, 2.104904e-07, 2.535364e-07, 3.053856e-07, 3.67838e-07, 4.430621e-07, 5.336699e-07, 6.428073e-07, 7.742637e-07, 9.326033e-07, 1.123324e-06, 1.353048e-06, 1.629751e-06, 1.963041e-06, 2.364489e-06, 2.848036e-06, 3.430469e-06, 4.132012e-06, 4.977024e-06, 5.994843e-06, 7.220809e-06, 8.69749e-06, 1.047616e-05, 1.261857e-05, 1.519911e-05, 1.830738e-05, 2.205131e-05, 2.656088e-05, 3.199267e-05, 3.853529e-05, 4.641589e-05, 5.59081e-05, 6.734151e-05, 8.111308e-05, 9.7701e-05, 0.0001176812, 0.0001417474, 0.0001707353, 0.0002056512, 0.0002477076, 0.0002983647, 0.0003593814, 0.0004328761, 0.0005214008, 0.0006280291, 0.0007564633, 0.0009111628, 0.001097499, 0.001321941, 0.001592283, 0.00191791, 0.00231013, 0.002782559, 0.003351603, 0.004037017, 0.004862602, 0.005857021, 0.007054802, 0.008497534, 0.01023531, 0.01232847, 0.01484968, 0.0178865, 0.02154435, 0.02595024, 0.03125716, 0.03764936, 0.04534879, 0.05462277, 0.06579332, 0.07924829, 0.09545485, 0.1149757, 0.1384886, 0.1668101, 0.2009233, 0.2420128, 0.2915053, 0.3511192, 0.4229243, 0.5094138, 0.6135907, 0.7390722, 0.8902151, 1.072267, 1.29155, 1.555676, 1.873817, 2.25702, 2.718588, 3.274549, 3.944206, 4.75081, 5.722368, 6.892612, 8.302176, 10.0], "losses": [4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.007451, 3.948414, 3.890835, 3.841682, 3.800177, 3.758509, 3.709018, 3.651236, 3.592317, 3.540462, 3.497376, 3.456702, 3.409866, 3.353959, 3.294412, 3.240002, 3.194784, 3.154362, 3.109929, 3.056367, 2.996952, 2.940339, 2.892608, 2.851674, 2.8092, 2.758268, 2.699734, 2.641445, 2.591021, 2.548852, 2.507739, 2.459511, 2.402538, 2.343232, 2.290149, 2.246122, 2.205661, 2.159995, 2.10514, 2.045559, 1.990061, 1.943701, 1.903132, 1.859684, 1.807332, 1.75, 2.05, 2.35, 2.65, 2.95, 3.25, 3.55, 3.85, 4.15, 4.45, 4.75, 5.05, 5.35, 5.65, 5.95]},
  {"name": "noisy descent 60", "valley": 0.007609497, "steep": 0.007609497, "minimum": 0.7318241999999999, "slide": 3.486365e-07, "lrs": [1e-07, 1.366448e-07, 1.867181e-07, 2.551407e-07, 3.486365e-07, 4.763938e-07, 6.509675e-07, 8.895135e-07, 1.215474e-06, 1.660883e-06, 2.269511e-06, 3.101169e-06, 4.237587e-06, 5.790444e-06, 7.912343e-06, 1.081181e-05, 1.477378e-05, 2.01876e-05, 2.758532e-05, 3.769391e-05, 5.150678e-05, 7.038136e-05, 9.617249e-05, 0.0001314147, 0.0001795714, 0.0002453751, 0.0003352924, 0.0004581598, 0.0006260517, 0.0008554673, 0.001168952, 0.001597312, 0.002182645, 0.002982471, 0.004075393, 0.005568814, 0.007609497, 0.01039798, 0.01420831, 0.01941492, 0.02652948, 0.03625117, 0.04953535, 0.0676875, 0.09249147, 0.1263848, 0.1726983, 0.2359833, 0.3224591, 0.4406236, 0.6020894, 0.8227241, 1.12421, 1.536175, 2.099104, 2.868317, 3.919407, 5.355667, 7.318242, 10.0], "losses": [3.019683, 2.979793, 3.018681, 2.981107, 3.016016, 2.983701, 3.011787, 2.987223, 3.006145, 2.991155, 2.999232, 2.994789, 2.991095, 2.997193, 2.98156, 2.997121, 2.970042, 2.992869, 2.955287, 2.982025, 2.934997, 2.961093, 2.905353, 2.925016, 2.860482, 2.866719, 2.792145, 2.777128, 2.690305, 2.646544, 2.545638, 2.468466, 2.354749, 2.245715, 2.126385, 1.995181, 1.883157, 1.74503, 1.654033, 1.523401, 1.461684, 1.347092, 1.314974, 1.218784, 1.210671, 1.131795, 1.139646, 1.076217, 1.092077, 1.042762, 1.05994, 1.024145, 1.03756, 1.015124, 1.021285, 1.012059, 1.008938, 1.012442, 0.99933, 1.014533]},
  {"name": "late drop 20", "valley": 0.078476, "steep": 0.01128838, "minimum": 1.0, "slide": 1e-07, "lrs": [1e-07, 2.636651e-07, 6.951928e-07, 1.832981e-06, 4.83293e-06, 1.274275e-05, 3.359818e-05, 8.858668e-05, 0.0002335721, 0.0006158482, 0.001623777, 0.004281332, 0.01128838, 0.02976351, 0.078476, 0.2069138, 0.5455595, 1.43845, 3.79269, 10.0], "losses": [5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 4.6, 4.2, 3.8, 3.4, 3.0, 2.6, 2.2, 1.8]},
  {"name": "plateau then divergence 30", "valley": 1e-07, "steep": 3.039195e-05, "minimum": 1e-08, "slide": 4.520354e-06, "lrs": [1e-07, 1.887392e-07, 3.562248e-07, 6.723358e-07, 1.268961e-06, 2.395027e-06, 4.520354e-06, 8.531679e-06, 1.610262e-05, 3.039195e-05, 5.736153e-05, 0.0001082637, 0.000204336, 0.000385662, 0.0007278954, 0.001373824, 0.002592944, 0.004893901, 0.009236709, 0.01743329, 0.03290345, 0.06210169, 0.1172102, 0.2212216, 0.4175319, 0.7880463, 1.487352, 2.807216, 5.298317, 10.0], "losses": [2.5, 2.501, 2.502, 2.503, 2.504, 2.505, 2.506, 2.507, 2.508, 2.509, 2.51, 2.511, 2.512, 2.513, 2.514, 2.515, 2.516, 2.517, 2.518, 2.519, 2.52, 2.521, 2.7, 3.3, 4.3, 5.7, 7.5, 9.7, 12.3, 15.3]},
];

const pts = (c: { lrs: number[]; losses: number[] }): LrPoint[] => c.lrs.map((lr, i) => ({ lr, loss: c.losses[i] }));
const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 1e-9 * Math.abs(want), `${what}: got ${got}, fastai ${want}`);

for (const c of CASES) {
  test(`suggestions match fastai's on '${c.name}'`, () => {
    close(valley(pts(c)), c.valley, 'valley');
    close(steep(pts(c)), c.steep, 'steep');
    close(minimum(pts(c)), c.minimum, 'minimum');
    close(slide(pts(c)), c.slide, 'slide');
  });
}

test('gradient is numpy.gradient: one-sided at the ends, central inside', () => {
  assert.deepEqual(gradient([1, 2, 4, 7, 11]), [1, 1.5, 2.5, 3.5, 4]);
  assert.deepEqual(gradient([3]), [0]);
});

test('trimming at fastai default num_it 100 is fastai\'s [10:-5]', () => {
  const all = pts(CASES[0]);
  assert.deepEqual(trimmed(all, 100), all.slice(10, -5));
});

test('num_it 20: the late descent stays in the series, so valley lands on it, not on the flat start', () => {
  const c = CASES.find((x) => x.name === 'late drop 20')!;
  const all = pts(c);
  // fastai's fixed [2:-5] keeps only the first points of the drop; its valley is 0.004281332 (numpy).
  close(valley(all.slice(2, -5)), 0.004281332, 'valley on fastai trim');
  assert.deepEqual(trimmed(all, 20), all.slice(2, -1));
  const [v] = suggest(all, 20, ['valley']);
  const idx = all.findIndex((p) => p.lr === v.lr);
  assert.ok(idx >= 12 && all[idx].loss < 5, `valley at step ${idx} (loss ${all[idx].loss})`);
});

test('a sweep stopped early (fewer points than the trim) still gets a suggestion from all its points', () => {
  const few = pts(CASES[0]).slice(0, 8);
  assert.deepEqual(trimmed(few, 100), few);
  for (const s of suggest(few, 100, SUGGEST_METHODS)) assert.ok(Number.isFinite(s.lr), s.method);
});

test('suggest names each method beside its value, in the order asked', () => {
  const all = pts(CASES[1]);
  const r = suggest(all, 60, ['slide', 'valley']);
  assert.deepEqual(r.map((s) => s.method), ['slide', 'valley']);
  assert.equal(r[1].lr, valley(trimmed(all, 60)));
});

test('--suggest parsing: known names, no repeats, none empty', () => {
  assert.deepEqual(parseSuggest('valley, steep'), ['valley', 'steep']);
  assert.match(parseSuggest('valley,fast') as string, /unknown method 'fast' \(allowed: valley, steep, minimum, slide\)/);
  assert.match(parseSuggest('steep,steep') as string, /twice/);
  assert.match(parseSuggest(',') as string, /one or more/);
});
