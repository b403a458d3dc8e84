import gammaln from '@stdlib/math-base-special-gammaln';
import { describe, expect, it } from 'vitest';
import { gammaLogPdf, logNormalLogPdf, normalLogPdf } from '../../src/math/densities.js';
import { digamma, erf, erfc, lgamma, logSumExp, normalCdf, normalQuantile, regularizedGammaP, trigamma } from '../../src/math/special.js';

/** Largest |a - b| / |b| over pairs, for one readable failure message instead of thousands. */
function worst(pairs: ReadonlyArray<{ x: number; got: number; want: number; ok: boolean }>) {
  return pairs.filter((p) => !p.ok).slice(0, 5);
}

describe('lgamma', () => {
  it('matches stdlib gammaln from 1e-6 to 1e6 (1e-12 relative, 1e-13 absolute near the roots 1 and 2)', () => {
    const xs: number[] = [];
    // Log-spaced over the whole range, plus a fine linear grid over [0.25, 3] where the roots are.
    for (let k = 0; k <= 24000; k++) xs.push(1e-6 * Math.pow(1e12, k / 24000));
    for (let x = 0.25; x <= 3; x += 1 / 1024 + 1e-9) xs.push(x);
    for (const root of [1, 2]) for (let e = 1; e <= 15; e++) xs.push(root + 10 ** -e, root - 10 ** -e);
    xs.push(0.5, 1, 1.5, 2, 2.5, 12.999999, 13, 13.000001, 1e6);
    const pairs = xs.map((x) => {
      const got = lgamma(x);
      const want = gammaln(x);
      const nearRoot = Math.abs(x - 1) < 0.5 || Math.abs(x - 2) < 0.5;
      const err = Math.abs(got - want);
      return { x, got, want, ok: err <= 1e-12 * Math.abs(want) || (nearRoot && err <= 1e-13) };
    });
    expect(worst(pairs)).toEqual([]);
  });

  it('is exact at the roots, +Infinity at the poles, and reflects for negative x', () => {
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    expect(lgamma(0)).toBe(Infinity);
    expect(lgamma(-3)).toBe(Infinity);
    expect(lgamma(Infinity)).toBe(Infinity);
    expect(lgamma(NaN)).toBeNaN();
    // log|Gamma(-2.5)| = log(8 sqrt(pi) / 15), from Gamma(1/2) = sqrt(pi) and the recurrence.
    expect(lgamma(-2.5)).toBeCloseTo(Math.log((8 * Math.sqrt(Math.PI)) / 15), 14);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 15);
  });
});

describe('erfc and the normal CDF', () => {
  // Reference values from mpmath at 50 digits.
  const ERFC: ReadonlyArray<[number, number]> = [
    [0.1, 0.887537083981715],
    [1, 0.15729920705028513],
    [1.99, 0.004888586800383003],
    [2, 0.004677734981047266],
    [2.01, 0.004475150644751763],
    [3, 2.209049699858544e-5],
    [5, 1.537459794428035e-12],
    [10, 2.088487583762545e-45],
    [26, 5.663192408856143e-296],
  ];
  it.each(ERFC)('erfc(%f) to 1e-14 relative', (x, want) => {
    expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-14);
    expect(erfc(-x)).toBeCloseTo(2 - want, 15);
  });

  it('erf is odd and erf + erfc = 1', () => {
    for (const x of [0, 0.3, 1.7, 2.5, 6]) {
      expect(erf(-x)).toBe(-erf(x));
      expect(erf(x) + erfc(x)).toBeCloseTo(1, 15);
    }
    expect(normalCdf(0)).toBe(0.5);
  });
});

describe('normalQuantile', () => {
  // Reference values from mpmath at 50 digits for the double nearest each p.
  const KNOWN: ReadonlyArray<[number, number]> = [
    [0.5, 0],
    [0.975, 1.9599639845400538],
    [0.95, 1.6448536269514722],
    [0.9, 1.2815515655446004],
    [0.99, 2.326347874040841],
    [0.999, 3.0902323061678136],
    [0.025, -1.9599639845400543],
    [1e-5, -4.264890793922825],
    [1e-10, -6.361340902404057],
    [1e-20, -9.262340089798407],
    [1e-300, -37.0470962993612],
  ];
  it.each(KNOWN)('Phi^-1(%f) to 1e-12', (p, want) => {
    expect(Math.abs(normalQuantile(p) - want)).toBeLessThan(1e-12 * Math.max(1, Math.abs(want)));
  });

  it('inverts the CDF to 1e-13 in x across (1e-300, 1) and is antisymmetric', () => {
    const bad: number[] = [];
    const pdf = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    for (let k = 1; k <= 3000; k++) {
      const p = Math.pow(10, -300 * (k / 3000) ** 2);
      for (const q of [p, p / 2, 0.5 - p / 4]) {
        const x = normalQuantile(q);
        // Judge the error in x, (Phi(x) - q) / phi(x): in the far tail Phi is so steep that the
        // rounding of x alone moves Phi(x) by |x|^2 ulps relative.
        if (!(Math.abs(normalCdf(x) - q) / pdf(x) <= 1e-13 * Math.max(1, Math.abs(x)))) bad.push(q);
      }
    }
    for (let p = 0.001; p < 0.5; p += 0.001) {
      if (normalQuantile(p) !== -normalQuantile(1 - p) && Math.abs(normalQuantile(p) + normalQuantile(1 - p)) > 1e-14) bad.push(p);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('maps the ends to infinities and rejects probabilities outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
  });
});

describe('regularizedGammaP', () => {
  // Reference values from mpmath gammainc(a, 0, x, regularized=True).
  const KNOWN: ReadonlyArray<[number, number, number]> = [
    [0.5, 0.1, 0.345279153981423],
    [0.5, 3, 0.9856941215645704],
    [3.7, 2, 0.18627467088905394],
    [3.7, 6, 0.8806251802828411],
    [100, 90, 0.15822098918643018],
    [1, 1, 0.6321205588285577],
  ];
  it.each(KNOWN)('P(%f, %f) to 1e-13', (a, x, want) => {
    expect(Math.abs(regularizedGammaP(a, x) - want)).toBeLessThan(1e-13);
  });
  it('is 0 at 0 and 1 at infinity; P(1, x) = 1 - e^-x', () => {
    expect(regularizedGammaP(2, 0)).toBe(0);
    expect(regularizedGammaP(2, Infinity)).toBe(1);
    for (const x of [0.01, 0.5, 2, 10]) expect(regularizedGammaP(1, x)).toBeCloseTo(-Math.expm1(-x), 14);
  });
});

describe('logSumExp', () => {
  it('is stable and handles infinities', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp([-1000, -1000, -1000])).toBeCloseTo(-1000 + Math.log(3), 12);
    expect(logSumExp([0, -Infinity])).toBe(0);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([1, Infinity])).toBe(Infinity);
    expect(logSumExp([1, NaN])).toBeNaN();
    expect(logSumExp(new Float64Array([Math.log(2), Math.log(3)]))).toBeCloseTo(Math.log(5), 15);
  });
});

/**
 * Trapezoid rule over [a, b] with n panels. For a smooth integrand that is negligible at both ends it
 * converges geometrically (it is the exact rule for a periodic function), so 1e-10 is within reach.
 */
function trapezoid(fn: (t: number) => number, a: number, b: number, n: number): number {
  const h = (b - a) / n;
  let sum = 0.5 * (fn(a) + fn(b));
  for (let k = 1; k < n; k++) sum += fn(a + k * h);
  return sum * h;
}

describe('densities', () => {
  it('normalLogPdf matches the closed form', () => {
    expect(normalLogPdf(1.5, 1.5, 2)).toBeCloseTo(-Math.log(2) - 0.5 * Math.log(2 * Math.PI), 15);
    expect(normalLogPdf(0.3, -0.2, 0.5)).toBeCloseTo(-0.5 - Math.log(0.5) - 0.5 * Math.log(2 * Math.PI), 15);
    expect(normalLogPdf(1, 0, 0)).toBe(-Infinity);
    expect(normalLogPdf(0, 0, 0)).toBe(Infinity);
    expect(normalLogPdf(0, 0, -1)).toBeNaN();
  });

  it('logNormalLogPdf is the normal of log x less log x, and -Infinity for x <= 0', () => {
    expect(logNormalLogPdf(2, 0.1, 0.7)).toBeCloseTo(normalLogPdf(Math.log(2), 0.1, 0.7) - Math.log(2), 15);
    expect(logNormalLogPdf(1, 0, 1)).toBeCloseTo(-0.5 * Math.log(2 * Math.PI), 15);
    expect(logNormalLogPdf(0, 0, 1)).toBe(-Infinity);
    expect(logNormalLogPdf(-1, 0, 1)).toBe(-Infinity);
  });

  it('gammaLogPdf matches the exponential (a = 1) and the chi-square(2k) closed forms', () => {
    expect(gammaLogPdf(0.7, 1, 2.5)).toBeCloseTo(Math.log(2.5) - 2.5 * 0.7, 15);
    // Gamma(2, rate 1): x e^-x.
    expect(gammaLogPdf(3, 2, 1)).toBeCloseTo(Math.log(3) - 3, 15);
    // Gamma(0.5, rate 1) = x^-1/2 e^-x / sqrt(pi).
    expect(gammaLogPdf(0.4, 0.5, 1)).toBeCloseTo(-0.5 * Math.log(0.4) - 0.4 - 0.5 * Math.log(Math.PI), 14);
    expect(gammaLogPdf(-1, 2, 1)).toBe(-Infinity);
    expect(gammaLogPdf(Infinity, 2, 1)).toBe(-Infinity);
    expect(gammaLogPdf(0, 1, 3)).toBeCloseTo(Math.log(3), 15);
    expect(gammaLogPdf(0, 0.5, 3)).toBe(Infinity);
    expect(gammaLogPdf(0, 2, 3)).toBe(-Infinity);
    expect(gammaLogPdf(1, 0, 1)).toBeNaN();
  });

  it('each density integrates to 1 (to 1e-10)', () => {
    const normal = trapezoid((x) => Math.exp(normalLogPdf(x, 0.7, 1.3)), 0.7 - 40 * 1.3, 0.7 + 40 * 1.3, 4000);
    expect(normal).toBeCloseTo(1, 10);
    // Positive supports: integrate over u = log x (dx = e^u du), which removes the Gamma(0.5)
    // singularity at 0 and makes both integrands smooth and fast-decaying in u.
    const overLog = (logPdf: (x: number) => number) => trapezoid((u) => Math.exp(logPdf(Math.exp(u)) + u), -80, 6, 20000);
    expect(overLog((x) => logNormalLogPdf(x, -0.3, 0.6))).toBeCloseTo(1, 10);
    for (const [a, rate] of [
      [0.5, 1],
      [1, 3],
      [3.7, 0.8],
      [30, 20],
    ] as const) {
      expect(overLog((x) => gammaLogPdf(x, a, rate))).toBeCloseTo(1, 10);
    }
  });
});

describe('digamma and trigamma', () => {
  const EPS = 2 ** -52;
  // mpmath at 30 digits.
  const DIGAMMA: ReadonlyArray<[number, number]> = [
    [1e-3, -1000.5755719318103],
    [0.5, -1.9635100260214235],
    [1, -0.5772156649015329],
    [3.7, 1.1671535393615113],
    [10, 2.251752589066721],
    [1e6, 13.815510057964191],
  ];
  it.each(DIGAMMA)('digamma(%f) to 2e-15 relative', (x, want) => {
    expect(Math.abs(digamma(x) - want)).toBeLessThanOrEqual(2e-15 * Math.abs(want));
  });

  it('digamma is lgamma`s derivative and trigamma is digamma`s (central differences), and digamma(x+1) = digamma(x) + 1/x', () => {
    for (const x of [0.01, 0.3, 1.4616321449683622, 2, 7.5, 9.99, 10.01, 55, 1e4]) {
      const h = 1e-5 * x;
      expect(Math.abs((lgamma(x + h) - lgamma(x - h)) / (2 * h) - digamma(x))).toBeLessThan(1e-8 * (1 + Math.abs(digamma(x))) + (1e-15 * Math.abs(lgamma(x))) / h);
      expect(Math.abs((digamma(x + h) - digamma(x - h)) / (2 * h) - trigamma(x))).toBeLessThan(1e-8 * trigamma(x) + (1e-15 * (1 + Math.abs(digamma(x)))) / h);
      expect(Math.abs(digamma(x + 1) - digamma(x) - 1 / x)).toBeLessThan(8 * EPS * (Math.abs(digamma(x)) + 1 / x));
    }
    expect(trigamma(1)).toBeCloseTo((Math.PI * Math.PI) / 6, 14);
    expect(digamma(0)).toBeNaN();
    expect(digamma(-2)).toBeNaN();
    // Reflection: psi(-0.5) = psi(1.5) + pi / tan(-pi/2)... = 2 - gamma - 2 ln 2 + ... ; mpmath: 0.03648997397857652.
    expect(digamma(-0.5)).toBeCloseTo(0.03648997397857652, 13);
  });
});
