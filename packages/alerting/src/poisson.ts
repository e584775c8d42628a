/**
 * Small numerical helpers for the spike detector. Kept in their own module so they can be tested against known
 * values; nothing here knows about narratives.
 */

// Lanczos approximation (g = 7, n = 9): ~15 significant digits for x > 0, which is all a p-value needs.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** Natural log of the gamma function, for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the approximation accurate near zero.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] ?? 0) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Regularised lower incomplete gamma P(a, x) (Numerical Recipes §6.2): the series where it converges fast
 * (x < a + 1), the continued fraction for the complement elsewhere. The series branch is the one used for
 * spikes (observed ≫ expected), so tiny p-values keep their precision instead of underflowing to 1 − 1.
 */
export function regularizedLowerGamma(a: number, x: number): number {
  if (x <= 0) return 0;
  const logPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let ap = a;
    let term = 1 / a;
    let sum = term;
    for (let n = 0; n < 10_000; n++) {
      ap += 1;
      term *= x / ap;
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.min(1, sum * Math.exp(logPrefix));
  }
  // Modified Lentz continued fraction for Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.max(0, 1 - Math.exp(logPrefix) * h);
}

/**
 * P(X ≥ k) for X ~ Poisson(λ): the probability of seeing at least `k` items if the narrative kept its expected
 * rate. Uses the identity P(X ≥ k) = P(k, λ) (regularised lower incomplete gamma).
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  return regularizedLowerGamma(k, lambda);
}

/** Median of a non-empty list (mean of the two middle values for even lengths). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] ?? 0;
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Kendall's tau-a between time order and value: +1 when every later bucket is above every earlier one, 0 with no
 * trend. This is the Mann–Kendall trend statistic normalised by the number of pairs; unlike a least-squares
 * slope, one outlier bucket moves it by at most a few pairs.
 */
export function mannKendallTau(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      s += Math.sign((values[j] ?? 0) - (values[i] ?? 0));
    }
  }
  return s / ((n * (n - 1)) / 2);
}
